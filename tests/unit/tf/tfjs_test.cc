#include "tf/tfjs.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tf/saved_model.h"
#include "tf_test_graphs.h"

namespace ferry::tf {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Bytes;
using testing::FindNode;
using testing::FreshPath;
using testing::MakeConvGraph;
using testing::ReadAll;
using testing::WriteAll;

const json* FindJsonNode(const json& model, const std::string& op) {
  for (const json& n : model["modelTopology"]["node"])
    if (n["op"] == op) return &n;
  return nullptr;
}

TEST(TfjsTest, ModelJsonHasTfjsShape) {
  auto g = MakeConvGraph();
  const std::string dir = FreshPath("tfjs_layout");
  std::vector<std::string> notes;
  ASSERT_TRUE(WriteTfjs(*g, dir, {}, &notes).ok());
  EXPECT_TRUE(notes.empty());  // float32 and int32 need no conversion
  json m = json::parse(ReadAll(dir + "/model.json"));
  EXPECT_EQ(m["format"], "graph-model");
  EXPECT_EQ(m["convertedBy"], std::string("ferry ") + kFerryVersion);
  EXPECT_TRUE(m.contains("generatedBy"));
  const json* conv = FindJsonNode(m, "Conv2D");
  ASSERT_NE(conv, nullptr);
  // Bytes attributes are base64, int lists are strings, type attrs are enum names.
  EXPECT_EQ((*conv)["attr"]["padding"]["s"], "RVhQTElDSVQ=");  // "EXPLICIT"
  EXPECT_EQ((*conv)["attr"]["strides"]["list"]["i"], json({"1", "1", "1", "1"}));
  EXPECT_EQ((*conv)["attr"]["T"]["type"], "DT_FLOAT");
  const json* ph = FindJsonNode(m, "Placeholder");
  ASSERT_NE(ph, nullptr);
  EXPECT_EQ((*ph)["attr"]["shape"]["shape"]["dim"][0]["size"], "-1");
  EXPECT_EQ(m["modelTopology"]["versions"]["producer"], kGraphDefProducer);
  // Consts keep dtype and shape; their bytes are in the shard.
  int consts = 0;
  for (const json& n : m["modelTopology"]["node"]) {
    if (n["op"] != "Const") continue;
    ++consts;
    const json& t = n["attr"]["value"]["tensor"];
    EXPECT_FALSE(t.contains("tensorContent")) << n["name"];
    EXPECT_TRUE(t.contains("dtype")) << n["name"];
    EXPECT_TRUE(t.contains("tensorShape")) << n["name"];
  }
  EXPECT_EQ(consts, 3);
  const json& group = m["weightsManifest"][0];
  EXPECT_EQ(group["paths"], json({"group1-shard1of1.bin"}));
  ASSERT_EQ(group["weights"].size(), 3u);
  size_t total = 0;
  for (const json& w : group["weights"]) {
    size_t n = 1;
    for (int64_t d : w["shape"].get<std::vector<int64_t>>()) n *= d;
    total += n * 4;  // float32 and int32
    EXPECT_TRUE(w["dtype"] == "float32" || w["dtype"] == "int32") << w.dump();
  }
  EXPECT_EQ(fs::file_size(dir + "/group1-shard1of1.bin"), total);
  EXPECT_EQ(m["signature"]["inputs"]["x"]["name"], "x:0");
  EXPECT_EQ(m["signature"]["outputs"]["probs"]["name"], "probs:0");
  EXPECT_EQ(m["signature"]["outputs"]["probs"]["dtype"], "DT_FLOAT");
  fs::remove_all(dir);
}

TEST(TfjsTest, RoundTripKeepsStructureAndBytes) {
  auto g = MakeConvGraph();
  const std::string dir = FreshPath("tfjs_rt");
  ASSERT_TRUE(WriteTfjs(*g, dir, {}).ok());
  for (const std::string& path : {dir, dir + "/model.json"}) {
    auto r = LoadTfModel(path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const ir::Graph& h = **r;
    ASSERT_EQ(h.inputs().size(), 1u);
    EXPECT_EQ(h.inputs()[0]->name(), "x");
    EXPECT_EQ(h.outputs()[0]->name(), "probs");
    EXPECT_EQ(h.num_nodes(), 5);
    const ir::Node* conv = FindNode(h, "Conv2D");
    ASSERT_NE(conv, nullptr);
    EXPECT_EQ(conv->GetString("padding", ""), "EXPLICIT");
    EXPECT_EQ(conv->GetInts("explicit_paddings"), (std::vector<int64_t>{0, 0, 1, 2, 0, 1, 0, 0}));
    EXPECT_EQ(Bytes(conv->input(1)->constant()), Bytes(g->FindValue("conv/kernel")->constant()));
    const ir::Node* t = FindNode(h, "Transpose");
    EXPECT_EQ(t->input(1)->constant().dtype(), DataType::kInt32);
    EXPECT_EQ(t->input(1)->constant().ToInt64Vector(), (std::vector<int64_t>{0, 2, 3, 1}));
  }
  fs::remove_all(dir);
}

TEST(TfjsTest, WeightsOverFourMiBAreShardedAndReadBack) {
  auto g = MakeConvGraph();
  // 1.5 M floats (6 MB) plus the conv weights: two shards.
  Tensor big = testing::Iota(DataType::kFloat32, Shape{1500, 1000}, 0.5f);
  ir::Value* k = g->AddConstant("big", big);
  ir::Value* x = g->inputs()[0];
  ir::Node* add = g->AddNode("AddV2", "tf", "add_big", {k, k}, {"big_out"});
  add->set_attr("T", ir::Attribute::Type(DataType::kFloat32));
  add->output(0)->info().dtype = DataType::kFloat32;
  g->outputs().push_back(add->output(0));
  (void)x;
  const std::string dir = FreshPath("tfjs_shards");
  ASSERT_TRUE(WriteTfjs(*g, dir, {}).ok());
  json m = json::parse(ReadAll(dir + "/model.json"));
  EXPECT_EQ(m["weightsManifest"][0]["paths"],
            json({"group1-shard1of2.bin", "group1-shard2of2.bin"}));
  EXPECT_EQ(fs::file_size(dir + "/group1-shard1of2.bin"), kTfjsShardBytes);
  const size_t total =
      fs::file_size(dir + "/group1-shard1of2.bin") + fs::file_size(dir + "/group1-shard2of2.bin");
  EXPECT_EQ(total, big.NumBytes() + (4 + 72 + 8) * 4);
  auto r = ReadTfjs(dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ir::Value* back = (*r)->FindValue("big");
  ASSERT_NE(back, nullptr);
  ASSERT_TRUE(back->is_constant());
  EXPECT_EQ(Bytes(back->constant()), Bytes(big));
  ASSERT_EQ((*r)->outputs().size(), 2u);
  EXPECT_EQ((*r)->outputs()[1]->name(), "big_out");

  // A short last shard is an error naming the weight.
  const std::string shard2 = dir + "/group1-shard2of2.bin";
  const std::string bytes = ReadAll(shard2);
  WriteAll(shard2, bytes.substr(0, bytes.size() - 5));
  auto shortr = ReadTfjs(dir);
  ASSERT_FALSE(shortr.ok());
  EXPECT_NE(shortr.status().message().find("model.json"), std::string::npos);
  EXPECT_NE(shortr.status().message().find("weight '"), std::string::npos);
  fs::remove(shard2);
  auto missing = ReadTfjs(dir);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("group1-shard2of2.bin"), std::string::npos);
  fs::remove_all(dir);
}

TEST(TfjsTest, Int64ConstantsBecomeInt32WithANote) {
  auto g = MakeConvGraph();
  ir::Value* shape =
      g->AddConstant("shape", Tensor::FromVector<int64_t>({-1, 28 * 28 * 8}, Shape{2}));
  ir::Value* d = g->AddConstant("scale", Tensor::FromVector<double>({0.5}, Shape{1}));
  ir::Node* r = g->AddNode("Reshape", "tf", "flat", {g->outputs()[0], shape}, {"flat"});
  r->set_attr("T", ir::Attribute::Type(DataType::kFloat32));
  r->set_attr("Tshape", ir::Attribute::Type(DataType::kInt64));
  ir::Node* c = g->AddNode("Cast", "tf", "scale_f", {d}, {"scale_f"});
  c->set_attr("SrcT", ir::Attribute::Type(DataType::kFloat64));
  c->set_attr("DstT", ir::Attribute::Type(DataType::kFloat32));
  r->output(0)->info().dtype = DataType::kFloat32;
  c->output(0)->info().dtype = DataType::kFloat32;
  g->outputs() = {r->output(0), c->output(0)};
  const std::string dir = FreshPath("tfjs_int64");
  std::vector<std::string> notes;
  ASSERT_TRUE(WriteTfjs(*g, dir, {}, &notes).ok());
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("float64"), std::string::npos);
  EXPECT_NE(notes[1].find("int64"), std::string::npos);
  EXPECT_NE(notes[1].find("shape"), std::string::npos);
  json m = json::parse(ReadAll(dir + "/model.json"));
  for (const json& w : m["weightsManifest"][0]["weights"]) {
    if (w["name"] == "shape") EXPECT_EQ(w["dtype"], "int32");
    if (w["name"] == "scale") EXPECT_EQ(w["dtype"], "float32");
  }
  auto back = ReadTfjs(dir);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  const ir::Value* s = (*back)->FindValue("shape");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->constant().dtype(), DataType::kInt32);
  EXPECT_EQ(s->constant().ToInt64Vector(), (std::vector<int64_t>{-1, 28 * 28 * 8}));
  fs::remove_all(dir);

  // A value outside int32 is an error, and nothing is written.
  ir::Graph& gg = *g;
  ir::Value* huge =
      gg.AddConstant("huge", Tensor::FromVector<int64_t>({1, int64_t{1} << 40}, Shape{2}));
  ir::Node* r2 = gg.AddNode("Reshape", "tf", "flat2", {g->outputs()[0], huge}, {"flat2"});
  r2->output(0)->info().dtype = DataType::kFloat32;
  gg.outputs().push_back(r2->output(0));
  const std::string dir2 = FreshPath("tfjs_overflow");
  Status st = WriteTfjs(gg, dir2, {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange);
  EXPECT_NE(st.message().find("huge"), std::string::npos);
  EXPECT_NE(st.message().find("1099511627776"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir2));
}

TEST(TfjsTest, Bfloat16CastIsRefusedNothingWritten) {
  // tfjs-converter 4.22 reads DT_BFLOAT16 as dtype null: the model would fail or read garbage.
  auto g = MakeConvGraph();
  ir::Node* c = g->AddNode("Cast", "tf", "to_bf16", {g->outputs()[0]}, {"to_bf16"});
  c->set_attr("SrcT", ir::Attribute::Type(DataType::kFloat32));
  c->set_attr("DstT", ir::Attribute::Type(DataType::kBFloat16));
  c->set_attr("Truncate", ir::Attribute::Bool(true));
  c->output(0)->info().dtype = DataType::kBFloat16;
  g->outputs() = {c->output(0)};
  const std::string dir = FreshPath("tfjs_bf16");
  Status st = WriteTfjs(*g, dir, {});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("Cast 'to_bf16"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("attribute 'DstT' is bfloat16"), std::string::npos) << st.message();
  EXPECT_FALSE(fs::exists(dir));
}

TEST(TfjsTest, StringAndBoolConstantsRoundTrip) {
  ir::Graph g;
  Tensor s(DataType::kString, Shape{3});
  s.strings() = {"a", "", "hello\0world"};
  s.strings()[2] = std::string("hel\0lo", 6);
  ir::Value* sv = g.AddConstant("words", s);
  ir::Value* bv = g.AddConstant("mask", Tensor::FromVector<bool>({true, false, true}, Shape{3}));
  ir::Node* i1 = g.AddNode("Identity", "tf", "w", {sv}, {"w_out"});
  i1->set_attr("T", ir::Attribute::Type(DataType::kString));
  ir::Node* i2 = g.AddNode("Identity", "tf", "m", {bv}, {"m_out"});
  i2->set_attr("T", ir::Attribute::Type(DataType::kBool));
  g.outputs() = {i1->output(0), i2->output(0)};
  const std::string dir = FreshPath("tfjs_strings");
  ASSERT_TRUE(WriteTfjs(g, dir, {}).ok());
  // 3 length prefixes + 1 + 0 + 6 string bytes, then 3 bool bytes.
  EXPECT_EQ(fs::file_size(dir + "/group1-shard1of1.bin"), 12u + 7u + 3u);
  auto r = ReadTfjs(dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ir::Value* w = (*r)->FindValue("words");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->constant().strings(), s.strings());
  const ir::Value* mask = (*r)->FindValue("mask");
  ASSERT_NE(mask, nullptr);
  EXPECT_EQ(mask->constant().ToInt64Vector(), (std::vector<int64_t>{1, 0, 1}));
  // The output Identities were reused, not doubled.
  EXPECT_EQ((*r)->num_nodes(), 2);
  fs::remove_all(dir);
}

TEST(TfjsTest, ManifestPathsLeavingTheFolderAreRefused) {
  auto g = MakeConvGraph();
  const std::string dir = FreshPath("tfjs_traversal");
  ASSERT_TRUE(WriteTfjs(*g, dir, {}).ok());
  json m = json::parse(ReadAll(dir + "/model.json"));
  // A real file outside the folder, so only the path check can refuse it.
  fs::copy_file(dir + "/group1-shard1of1.bin", dir + "/../outside.bin",
                fs::copy_options::overwrite_existing);
  for (const std::string& bad :
       {std::string("../outside.bin"), fs::absolute(dir + "/group1-shard1of1.bin").string(),
        std::string("sub/../../outside.bin")}) {
    m["weightsManifest"][0]["paths"] = json({bad});
    WriteAll(dir + "/model.json", m.dump());
    auto r = ReadTfjs(dir);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("refused"), std::string::npos) << r.status().message();
  }
  fs::remove(dir + "/../outside.bin");
  fs::remove_all(dir);
}

TEST(TfjsTest, BadJsonAndBadManifestAreOneLineErrors) {
  auto g = MakeConvGraph();
  const std::string dir = FreshPath("tfjs_bad");
  ASSERT_TRUE(WriteTfjs(*g, dir, {}).ok());
  const std::string text = ReadAll(dir + "/model.json");
  WriteAll(dir + "/model.json", text.substr(0, text.size() / 2));
  auto r = ReadTfjs(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("model.json"), std::string::npos);
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);

  json m = json::parse(text);
  m["weightsManifest"][0]["weights"].erase(0);  // a Const loses its weight
  WriteAll(dir + "/model.json", m.dump());
  auto r2 = ReadTfjs(dir);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("no weight"), std::string::npos) << r2.status().message();

  json layers = {{"format", "layers-model"}, {"modelTopology", json::object()}};
  WriteAll(dir + "/model.json", layers.dump());
  auto r3 = ReadTfjs(dir);
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.status().code(), StatusCode::kUnimplemented);
  fs::remove_all(dir);
}

TEST(TfjsTest, ExistingFolderNeedsForce) {
  auto g = MakeConvGraph();
  const std::string dir = FreshPath("tfjs_force");
  ASSERT_TRUE(WriteTfjs(*g, dir, {}).ok());
  Status s = WriteTfjs(*g, dir, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  WriteOptions force;
  force.force = true;
  EXPECT_TRUE(WriteTfjs(*g, dir, force).ok());
  EXPECT_TRUE(fs::exists(dir + "/model.json"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ferry::tf
