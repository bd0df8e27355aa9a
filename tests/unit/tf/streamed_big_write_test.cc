// Const data of a stream block (1 MiB) or more goes to write(2) straight from the IR tensor
// (WriteStreamedFile enables aliasing; WriteGraphDefBody writes tensor_content with
// WriteRawMaybeAliased): the file must still parse into the plain export, byte sizes exact,
// with the big kernels before, between and after small fields.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tf/graph_def.h"
#include "tf/saved_model.h"
#include "tf_test_graphs.h"

namespace ferry::tf {
namespace {

using testing::FreshPath;
using testing::MakeConvGraph;
using testing::ReadAll;

TEST(StreamedBigWriteTest, KernelsOverABlockAreWrittenExactly) {
  // Kernels of 9 * cout floats: 1,044,000 bytes (just under a block: copied into it),
  // 1,048,608 (just over: written from the tensor) and 4,320,036.
  for (int64_t cout : {int64_t{29000}, int64_t{29128}, int64_t{120001}}) {
    SCOPED_TRACE(cout);
    auto g = MakeConvGraph(cout);
    auto plain = ExportGraphDef(*g);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    const std::string path = FreshPath("big_streamed.pb");
    ASSERT_TRUE(WriteFrozenGraph(*g, path).ok());
    const std::string bytes = ReadAll(path);
    EXPECT_EQ(bytes.size(), plain->graph_def.ByteSizeLong());
    tfproto::GraphDef parsed;
    ASSERT_TRUE(parsed.ParseFromString(bytes));
    std::string diff;
    google::protobuf::util::MessageDifferencer d;
    d.ReportDifferencesToString(&diff);
    EXPECT_TRUE(d.Compare(plain->graph_def, parsed)) << diff;
    std::filesystem::remove(path);

    const std::string dir = FreshPath("big_streamed_sm");
    ASSERT_TRUE(WriteSavedModel(*g, dir, WriteOptions{}).ok());
    tfproto::SavedModel sm;
    ASSERT_TRUE(sm.ParseFromString(ReadAll(dir + "/saved_model.pb")));
    ASSERT_EQ(sm.meta_graphs_size(), 1);
    EXPECT_TRUE(d.Compare(plain->graph_def, sm.meta_graphs(0).graph_def())) << diff;
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace ferry::tf
