// The file writers stream Const data from the IR (ExportOptions::defer_const_data,
// WriteGraphDefBody): what they write must parse into the same GraphDef as the plain export
// (weights copied into the proto), and the SavedModel must hold it. Const data of a stream
// block (1 MiB) or more goes to write(2) straight from the IR tensor (WriteStreamedFile
// enables aliasing; WriteGraphDefBody writes tensor_content with WriteRawMaybeAliased).
#include <google/protobuf/io/coded_stream.h>
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

::testing::AssertionResult SameGraphDef(const tfproto::GraphDef& want,
                                        const tfproto::GraphDef& got) {
  std::string diff;
  google::protobuf::util::MessageDifferencer d;
  d.ReportDifferencesToString(&diff);
  if (d.Compare(want, got)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << diff;
}

// WriteFrozenGraph's file: exactly the plain export's size, and the same GraphDef.
void ExpectFrozenFileIsThePlainExport(const ir::Graph& g, const tfproto::GraphDef& plain,
                                      const std::string& name) {
  const std::string path = FreshPath(name);
  ASSERT_TRUE(WriteFrozenGraph(g, path).ok());
  const std::string bytes = ReadAll(path);
  EXPECT_EQ(bytes.size(), plain.ByteSizeLong());
  tfproto::GraphDef parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_TRUE(SameGraphDef(plain, parsed));
  std::filesystem::remove(path);
}

TEST(StreamedWriteTest, FrozenGraphEqualsThePlainExport) {
  auto g = MakeConvGraph(/*cout=*/300);  // a kernel over 128 bytes: multi-byte varint lengths
  ExportOptions defer;
  defer.defer_const_data = true;
  auto streamed = ExportGraphDef(*g, defer);
  ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
  EXPECT_GE(streamed->deferred.size(), 2u);  // kernel and bias (perm too)
  auto plain = ExportGraphDef(*g);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(GraphDefBodySize(*streamed), plain->graph_def.ByteSizeLong());
  ExpectFrozenFileIsThePlainExport(*g, plain->graph_def, "streamed.pb");
}

TEST(StreamedWriteTest, SavedModelHoldsThePlainExport) {
  auto g = MakeConvGraph(/*cout=*/300);
  auto plain = ExportGraphDef(*g);
  ASSERT_TRUE(plain.ok());
  const std::string dir = FreshPath("streamed_sm");
  ASSERT_TRUE(WriteSavedModel(*g, dir, WriteOptions{}).ok());
  tfproto::SavedModel sm;
  ASSERT_TRUE(sm.ParseFromString(ReadAll(dir + "/saved_model.pb")));
  ASSERT_EQ(sm.meta_graphs_size(), 1);
  EXPECT_EQ(sm.saved_model_schema_version(), 1);
  EXPECT_EQ(sm.meta_graphs(0).meta_info_def().tags(0), "serve");
  EXPECT_EQ(sm.meta_graphs(0).signature_def().count("serving_default"), 1u);
  EXPECT_TRUE(SameGraphDef(plain->graph_def, sm.meta_graphs(0).graph_def()));
  // The size check sees the streamed size: a limit one byte short refuses the model.
  WriteOptions tight;
  tight.force = true;
  tight.max_proto_bytes = sm.ByteSizeLong() - 1;
  EXPECT_FALSE(WriteSavedModel(*g, dir, tight).ok());
  tight.max_proto_bytes = sm.ByteSizeLong();
  EXPECT_TRUE(WriteSavedModel(*g, dir, tight).ok());
  std::filesystem::remove_all(dir);
}

TEST(StreamedBigWriteTest, KernelsOverABlockAreWrittenExactly) {
  // Kernels of 9 * cout floats: 1,044,000 bytes (just under a block: copied into it),
  // 1,048,608 (just over: written from the tensor) and 4,320,036.
  for (int64_t cout : {int64_t{29000}, int64_t{29128}, int64_t{120001}}) {
    SCOPED_TRACE(cout);
    auto g = MakeConvGraph(cout);
    auto plain = ExportGraphDef(*g);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    ExpectFrozenFileIsThePlainExport(*g, plain->graph_def, "big_streamed.pb");

    const std::string dir = FreshPath("big_streamed_sm");
    ASSERT_TRUE(WriteSavedModel(*g, dir, WriteOptions{}).ok());
    tfproto::SavedModel sm;
    ASSERT_TRUE(sm.ParseFromString(ReadAll(dir + "/saved_model.pb")));
    ASSERT_EQ(sm.meta_graphs_size(), 1);
    EXPECT_TRUE(SameGraphDef(plain->graph_def, sm.meta_graphs(0).graph_def()));
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace ferry::tf
