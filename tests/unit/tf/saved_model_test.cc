#include "tf/saved_model.h"

#include <gtest/gtest.h>

#include "tf/file_util.h"
#include "tf_test_graphs.h"

namespace ferry::tf {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::FindNode;
using testing::FreshPath;
using testing::MakeConvGraph;
using testing::ReadAll;
using testing::WriteAll;

// Two inputs and two outputs whose order is not the sorted order of their names.
std::shared_ptr<ir::Graph> MakeTwoByTwoGraph() {
  auto g = std::make_shared<ir::Graph>();
  ir::ValueInfo vi;
  vi.dtype = DataType::kFloat32;
  vi.shape = std::vector<ir::Dim>{ir::Dim::Named("N"), ir::Dim::Known(3)};
  ir::Value* z = g->AddValue("zeta", vi);
  ir::Value* a = g->AddValue("alpha", vi);
  g->inputs() = {z, a};
  ir::Node* add = g->AddNode("AddV2", "tf", "add", {z, a}, {"y2"});
  add->set_attr("T", ir::Attribute::Type(DataType::kFloat32));
  ir::Node* mul = g->AddNode("Mul", "tf", "mul", {z, a}, {"a1"});
  mul->set_attr("T", ir::Attribute::Type(DataType::kFloat32));
  add->output(0)->info() = vi;
  mul->output(0)->info() = vi;
  g->outputs() = {add->output(0), mul->output(0)};
  return g;
}

TEST(TfSavedModelTest, WritesServeTagSignatureAndEmptyVariables) {
  auto g = MakeTwoByTwoGraph();
  const std::string dir = FreshPath("sm_layout");
  ASSERT_TRUE(WriteSavedModel(*g, dir, {}).ok());
  EXPECT_TRUE(fs::is_directory(fs::path(dir) / "variables"));
  EXPECT_TRUE(fs::is_empty(fs::path(dir) / "variables"));
  tfproto::SavedModel sm;
  ASSERT_TRUE(sm.ParseFromString(ReadAll(dir + "/saved_model.pb")));
  EXPECT_EQ(sm.saved_model_schema_version(), 1);
  ASSERT_EQ(sm.meta_graphs_size(), 1);
  const auto& mg = sm.meta_graphs(0);
  ASSERT_EQ(mg.meta_info_def().tags_size(), 1);
  EXPECT_EQ(mg.meta_info_def().tags(0), "serve");
  EXPECT_EQ(mg.meta_info_def().tensorflow_version(), kTensorFlowVersion);
  ASSERT_EQ(mg.signature_def().count("serving_default"), 1u);
  const auto& sig = mg.signature_def().at("serving_default");
  EXPECT_EQ(sig.method_name(), "tensorflow/serving/predict");
  ASSERT_EQ(sig.inputs().size(), 2u);
  EXPECT_EQ(sig.inputs().at("zeta").name(), "zeta:0");
  EXPECT_EQ(sig.inputs().at("alpha").dtype(), tfproto::DT_FLOAT);
  EXPECT_EQ(sig.inputs().at("alpha").tensor_shape().dim(0).size(), -1);
  EXPECT_EQ(sig.inputs().at("alpha").tensor_shape().dim(1).size(), 3);
  EXPECT_EQ(sig.outputs().at("y2").name(), "y2:0");
  EXPECT_EQ(sig.outputs().at("a1").name(), "a1:0");
  // Every Placeholder is a signature input (what TF Serving needs).
  for (const auto& nd : mg.graph_def().node())
    if (nd.op() == "Placeholder") EXPECT_TRUE(sig.inputs().count(nd.name())) << nd.name();
  fs::remove_all(dir);
}

TEST(TfSavedModelTest, RoundTripKeepsSignatureNamesAndOrder) {
  auto g = MakeTwoByTwoGraph();
  const std::string dir = FreshPath("sm_order");
  ASSERT_TRUE(WriteSavedModel(*g, dir, {}).ok());
  auto r = LoadTfModel(dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ir::Graph& h = **r;
  ASSERT_EQ(h.inputs().size(), 2u);
  EXPECT_EQ(h.inputs()[0]->name(), "zeta");
  EXPECT_EQ(h.inputs()[1]->name(), "alpha");
  EXPECT_EQ(h.inputs()[1]->info().ShapeString(), "[?,3]");
  ASSERT_EQ(h.outputs().size(), 2u);
  EXPECT_EQ(h.outputs()[0]->name(), "y2");
  EXPECT_EQ(h.outputs()[1]->name(), "a1");
  EXPECT_EQ(h.outputs()[0]->dtype(), DataType::kFloat32);
  EXPECT_EQ(h.outputs()[0]->producer()->op_type(), "Identity");
  EXPECT_EQ(h.outputs()[0]->producer()->input(0)->producer()->op_type(), "AddV2");
  EXPECT_EQ(h.metadata().at("signature.input.0"), "zeta");
  EXPECT_EQ(h.metadata().at("signature.output.1"), "a1");
  // Also through the saved_model.pb path.
  auto r2 = LoadTfModel(dir + "/saved_model.pb");
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ((*r2)->outputs()[1]->name(), "a1");
  fs::remove_all(dir);
}

TEST(TfSavedModelTest, ConvGraphRoundTripKeepsConstantBytes) {
  auto g = MakeConvGraph();
  const std::string dir = FreshPath("sm_conv");
  ASSERT_TRUE(WriteSavedModel(*g, dir, {}).ok());
  auto r = LoadTfModel(dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ir::Node* bias = FindNode(**r, "BiasAdd");
  ASSERT_NE(bias, nullptr);
  ASSERT_TRUE(bias->input(1)->is_constant());
  EXPECT_EQ(Bytes(bias->input(1)->constant()), Bytes(g->FindValue("conv/bias")->constant()));
  EXPECT_EQ((*r)->outputs()[0]->name(), "probs");
  fs::remove_all(dir);
}

TEST(TfSavedModelTest, ExistingNonEmptyFolderNeedsForce) {
  auto g = MakeTwoByTwoGraph();
  const std::string dir = FreshPath("sm_force");
  fs::create_directories(dir);
  WriteAll(dir + "/keep.txt", "old");
  Status s = WriteSavedModel(*g, dir, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(dir), std::string::npos);
  EXPECT_TRUE(fs::exists(dir + "/keep.txt"));
  WriteOptions force;
  force.force = true;
  ASSERT_TRUE(WriteSavedModel(*g, dir, force).ok());
  EXPECT_FALSE(fs::exists(dir + "/keep.txt"));
  EXPECT_TRUE(fs::exists(dir + "/saved_model.pb"));
  // No temporary or backup siblings are left behind.
  for (const auto& e : fs::directory_iterator(fs::path(dir).parent_path()))
    EXPECT_EQ(e.path().filename().string().find("." + fs::path(dir).filename().string()),
              std::string::npos)
        << e.path();
  // An existing empty folder is fine without force, also spelled with a trailing slash.
  const std::string empty = FreshPath("sm_empty");
  fs::create_directories(empty);
  EXPECT_TRUE(WriteSavedModel(*g, empty + "/", {}).ok());
  EXPECT_TRUE(fs::exists(empty + "/saved_model.pb"));
  fs::remove_all(dir);
  fs::remove_all(empty);
}

TEST(TfSavedModelTest, FailedWriteLeavesNoTarget) {
  auto g = MakeTwoByTwoGraph();
  // The parent is a regular file: nothing can be created under it (works as root too).
  const std::string file = FreshPath("sm_parent_file");
  WriteAll(file, "x");
  const std::string dir = file + "/model";
  Status s = WriteSavedModel(*g, dir, {});
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(fs::exists(dir));
  // A graph that cannot be written (an input without dtype) creates nothing either.
  auto bad = MakeTwoByTwoGraph();
  bad->inputs()[0]->info().dtype = DataType::kUndefined;
  const std::string dir2 = FreshPath("sm_bad_graph");
  Status s2 = WriteSavedModel(*bad, dir2, {});
  ASSERT_FALSE(s2.ok());
  EXPECT_NE(s2.message().find("zeta"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir2));
  fs::remove(file);
}

TEST(TfSavedModelTest, InjectedFailureInsideTheFolderRemovesIt) {
  const std::string dir = FreshPath("atomic_inject");
  std::string tmp_seen;
  Status s = WriteDirAtomically(dir, false, [&](const std::string& tmp) -> Status {
    tmp_seen = tmp;
    FERRY_RETURN_IF_ERROR(WriteFile(tmp + "/half.bin", "partial"));
    return Internal("injected failure");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "injected failure");
  EXPECT_FALSE(tmp_seen.empty());
  EXPECT_FALSE(fs::exists(tmp_seen));
  EXPECT_FALSE(fs::exists(dir));
  // With force over an existing folder, a failure keeps the old contents.
  fs::create_directories(dir);
  WriteAll(dir + "/old.txt", "old");
  Status s2 = WriteDirAtomically(
      dir, true, [](const std::string&) -> Status { return Internal("injected failure"); });
  ASSERT_FALSE(s2.ok());
  EXPECT_EQ(ReadAll(dir + "/old.txt"), "old");
  fs::remove_all(dir);
}

TEST(TfSavedModelTest, DetectionAndReadErrors) {
  const std::string missing = FreshPath("sm_missing");
  auto r = LoadTfModel(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  const std::string empty = FreshPath("sm_nothing");
  fs::create_directories(empty);
  auto r2 = LoadTfModel(empty);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("saved_model.pb"), std::string::npos);

  auto g = MakeTwoByTwoGraph();
  const std::string dir = FreshPath("sm_trunc");
  ASSERT_TRUE(WriteSavedModel(*g, dir, {}).ok());
  const std::string pb = dir + "/saved_model.pb";
  const std::string bytes = ReadAll(pb);
  WriteAll(pb, bytes.substr(0, bytes.size() / 2));
  auto r3 = LoadTfModel(dir);
  ASSERT_FALSE(r3.ok());
  EXPECT_NE(r3.status().message().find(pb), std::string::npos);
  EXPECT_EQ(r3.status().message().find('\n'), std::string::npos);

  // A frozen .pb file is detected by being a file.
  const std::string frozen = FreshPath("sm_frozen") + ".pb";
  ASSERT_TRUE(WriteFrozenGraph(*g, frozen).ok());
  auto r4 = LoadTfModel(frozen);
  ASSERT_TRUE(r4.ok()) << r4.status().ToString();
  ASSERT_EQ((*r4)->inputs().size(), 2u);
  EXPECT_EQ((*r4)->inputs()[0]->name(), "zeta");
  EXPECT_EQ((*r4)->outputs()[1]->name(), "a1");
  fs::remove_all(dir);
  fs::remove_all(empty);
  fs::remove(frozen);
}

TEST(TfSavedModelTest, PicksServeMetaGraphAndServingDefault) {
  auto g = MakeTwoByTwoGraph();
  const std::string dir = FreshPath("sm_pick");
  ASSERT_TRUE(WriteSavedModel(*g, dir, {}).ok());
  tfproto::SavedModel sm;
  ASSERT_TRUE(sm.ParseFromString(ReadAll(dir + "/saved_model.pb")));
  // Put a "train" meta graph first and an extra signature with only one output.
  tfproto::MetaGraphDef train = sm.meta_graphs(0);
  train.mutable_meta_info_def()->clear_tags();
  train.mutable_meta_info_def()->add_tags("train");
  train.mutable_signature_def()->clear();
  tfproto::MetaGraphDef serve = sm.meta_graphs(0);
  tfproto::SignatureDef other = serve.signature_def().at("serving_default");
  other.mutable_outputs()->erase("y2");
  (*serve.mutable_signature_def())["other"] = other;
  sm.clear_meta_graphs();
  *sm.add_meta_graphs() = train;
  *sm.add_meta_graphs() = serve;
  std::string out;
  ASSERT_TRUE(sm.SerializeToString(&out));
  WriteAll(dir + "/saved_model.pb", out);
  auto r = ReadSavedModel(dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->outputs().size(), 2u);  // serving_default, not "other"
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ferry::tf
