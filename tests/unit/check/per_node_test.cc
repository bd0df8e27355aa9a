// The per-node check: an ONNX graph against the TF graph converted from it, compared value
// by value through the converter's record (tf::SourceValue). Wrong conversions are planted
// (an activation swapped, a wrong layout permutation, a wrong constant) and the check must
// name the planted node first; a faithful conversion must pass at every node, also after a
// round trip through the SavedModel, frozen GraphDef and TF.js writers.
#include "check/per_node.h"

#include <unistd.h>

#include <filesystem>

#include "../convert/convert_test_util.h"
#include "tf/saved_model.h"

namespace ferry::check {
namespace {

namespace fs = std::filesystem;
using convert::testing::Attr;
using convert::testing::OnnxGraph;

std::vector<TensorSpec> SpecsOf(const std::vector<ir::Value*>& values) {
  std::vector<TensorSpec> specs;
  for (const ir::Value* v : values) {
    TensorSpec s{v->name(), v->dtype(), {}, v->info().shape.has_value()};
    if (s.has_shape)
      for (const ir::Dim& d : *v->info().shape) s.dims.push_back(d.known() ? d.value : -1);
    specs.push_back(std::move(s));
  }
  return specs;
}

// A graph run by ferry's runtime, as cli/models.cc's runner does.
class GraphRunner final : public ModelRunner {
 public:
  GraphRunner(std::string kind, std::unique_ptr<runtime::Session> s)
      : kind_(std::move(kind)), s_(std::move(s)), in_(SpecsOf(s_->inputs())),
        out_(SpecsOf(s_->outputs())) {}
  std::string kind() const override { return kind_; }
  const std::vector<TensorSpec>& inputs() const override { return in_; }
  const std::vector<TensorSpec>& outputs() const override { return out_; }
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& x) const override {
    return s_->Run(x);
  }
  StatusOr<std::map<std::string, Tensor>> RunAndKeepAll(
      const std::vector<Tensor>& x) const override {
    return s_->RunAndKeepAll(x);
  }

 private:
  std::string kind_;
  std::unique_ptr<runtime::Session> s_;
  std::vector<TensorSpec> in_, out_;
};

std::unique_ptr<ModelRunner> Open(std::shared_ptr<ir::Graph> g, bool tf) {
  auto s = runtime::Session::Create(g, tf ? tf::TfOpSet() : onnx::OnnxOpSet());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  return std::make_unique<GraphRunner>(tf ? "tf" : "onnx", std::move(s).value());
}

std::map<std::string, Counterpart> CounterpartsOf(const ir::Graph& tf) {
  std::map<std::string, Counterpart> m;
  for (const tf::SourceValue& s : tf::GetSourceValues(tf)) m[s.source] = {s.value, s.perm};
  return m;
}

// conv1 -> act1 -> conv2 -> act2 -> gap -> flat -> fc: every layout case of a small convnet.
// `act1` is the op of the first activation (a planted converter bug swaps it).
std::shared_ptr<ir::Graph> SmallConvNet(const std::string& act1 = "Relu") {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 3, 10, 10});
  ir::Value* c1 = g.Op("Conv", "conv1", {x, g.Random("w1", {6, 3, 3, 3}), g.Random("b1", {6})},
                       {{"pads", Attr::Ints({1, 1, 1, 1})}});
  ir::Value* a1 = g.Op(act1, "act1", {c1});
  ir::Value* c2 = g.Op("Conv", "conv2", {a1, g.Random("w2", {4, 6, 3, 3}), g.Random("b2", {4})},
                       {{"strides", Attr::Ints({2, 2})}});
  ir::Value* a2 = g.Op("Sigmoid", "act2", {c2});
  ir::Value* p = g.Op("GlobalAveragePool", "gap", {a2});
  ir::Value* f = g.Op("Flatten", "flat", {p});
  g.Output(g.Op("Gemm", "fc", {f, g.Random("wf", {5, 4}), g.Random("bf", {5})},
                {{"transB", Attr::Int(1)}}));
  return g.graph();
}

std::shared_ptr<ir::Graph> Convert(const std::shared_ptr<ir::Graph>& onnx,
                                   const convert::ConvertOptions& o = {}) {
  auto tf = convert::ConvertOnnxToTf(*onnx, o);
  EXPECT_TRUE(tf.ok()) << tf.status().ToString();
  return tf.ok() ? *tf : nullptr;
}

StatusOr<CheckReport> PerNode(const std::shared_ptr<ir::Graph>& onnx,
                              const std::shared_ptr<ir::Graph>& tf,
                              const std::map<std::string, Counterpart>& counterparts) {
  auto a = Open(onnx, false);
  auto b = Open(tf, true);
  if (!a || !b) return Internal("cannot open the graphs");
  FERRY_ASSIGN_OR_RETURN(std::vector<ValueLink> links, LinkValues(*onnx, counterparts));
  CheckOptions o;
  o.tol.atol = 1e-4;
  o.trials = 1;
  o.batch = 2;
  for (const tf::SourceValue& s : tf::GetSourceValues(*tf))
    if (!s.perm.empty() && tf->FindValue(s.value) &&
        std::count(tf->inputs().begin(), tf->inputs().end(), tf->FindValue(s.value)))
      o.b_input_perms[s.value] = s.perm;
  return RunPerNodeCheck(*a, *b, links, o);
}

std::vector<std::string> NodesOf(const CheckReport& r) {
  std::vector<std::string> v;
  for (const auto& n : r.nodes) v.push_back(n.node);
  return v;
}

TEST(PerNodeCheckTest, FaithfulConversionPassesAtEveryNode) {
  auto onnx = SmallConvNet();
  auto tf = Convert(onnx);
  ASSERT_TRUE(tf);
  auto r = PerNode(onnx, tf, CounterpartsOf(*tf));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->pass()) << r->ToText({});
  EXPECT_EQ(r->FirstFailingNode(), -1) << r->ToText({});
  // The input and every node up to the flatten (whose NHWC counterpart has another feature
  // order only when spatial dims > 1; here GAP leaves 1x1, so it maps too) are compared.
  const std::vector<std::string> nodes = NodesOf(*r);
  for (const char* want : {"input", "conv1", "act1", "conv2", "act2", "gap", "fc"})
    EXPECT_NE(std::find(nodes.begin(), nodes.end(), want), nodes.end()) << want;
  // NHWC values are compared through the permutation: conv1's value has NCHW shape on A.
  for (const auto& n : r->nodes) {
    if (n.node != "conv1") continue;
    EXPECT_EQ(n.value.desired_shape, "[2,10,10,6]");
  }
  EXPECT_NE(r->ToText({}).find("per-node:"), std::string::npos);
  EXPECT_NE(r->ToJson({}).find("\"nodes\""), std::string::npos);
}

TEST(PerNodeCheckTest, SwappedActivationIsTheFirstFailingNode) {
  // A converter bug: act1 lowered as Elu instead of Relu. The TF graph comes from the
  // mutated model (same value names), the reference is the real one.
  auto onnx = SmallConvNet("Relu");
  auto tf = Convert(SmallConvNet("Elu"));
  ASSERT_TRUE(tf);
  auto r = PerNode(onnx, tf, CounterpartsOf(*tf));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const int first = r->FirstFailingNode();
  ASSERT_GE(first, 0) << r->ToText({});
  EXPECT_EQ(r->nodes[first].node, "act1") << r->ToText({});
  EXPECT_EQ(r->nodes[first].op, "Relu");
  EXPECT_GT(r->nodes[first].value.max_abs_error, 1e-3);
  // Everything before it agrees.
  for (int i = 0; i < first; ++i) EXPECT_TRUE(r->nodes[i].value.pass()) << r->nodes[i].node;
  const std::string text = r->ToText({});
  EXPECT_NE(text.find("first node outside the tolerance: Relu 'act1'"), std::string::npos)
      << text;
  EXPECT_NE(r->ToJson({}).find("\"first_failing_node\": \"act1\""), std::string::npos);
}

TEST(PerNodeCheckTest, WrongPermutationInTheMapIsFound) {
  // A mapping bug: conv1's NHWC value recorded as if it were NCHW.
  auto onnx = SmallConvNet();
  auto tf = Convert(onnx);
  ASSERT_TRUE(tf);
  auto counterparts = CounterpartsOf(*tf);
  ASSERT_TRUE(counterparts.count("conv1_out0"));
  ASSERT_EQ(counterparts["conv1_out0"].perm, (std::vector<int64_t>{0, 2, 3, 1}));
  counterparts["conv1_out0"].perm = {};
  auto r = PerNode(onnx, tf, counterparts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const int first = r->FirstFailingNode();
  ASSERT_GE(first, 0) << r->ToText({});
  EXPECT_EQ(r->nodes[first].node, "conv1");
  EXPECT_FALSE(r->nodes[first].value.shape_match);
  EXPECT_NE(r->ToText({}).find("[2,6,10,10]!=[2,10,10,6]"), std::string::npos) << r->ToText({});
  // The model itself is right: its outputs pass.
  EXPECT_TRUE(r->pass());
}

TEST(PerNodeCheckTest, WrongSquarePermutationIsAValueMismatch) {
  // C == H == W: a transposed map still has the right shape, only the values betray it.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 4, 4, 4});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 4, 1, 1})});
  g.Output(g.Op("Relu", "relu", {g.Op("Conv", "conv_b", {c, g.Random("w2", {4, 4, 1, 1})})}));
  auto tf = Convert(g.graph());
  ASSERT_TRUE(tf);
  auto counterparts = CounterpartsOf(*tf);
  ASSERT_TRUE(counterparts.count("conv_out0"));
  counterparts["conv_out0"].perm = {0, 3, 2, 1};
  auto r = PerNode(g.graph(), tf, counterparts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const int first = r->FirstFailingNode();
  ASSERT_GE(first, 0) << r->ToText({});
  EXPECT_EQ(r->nodes[first].node, "conv");
  EXPECT_TRUE(r->nodes[first].value.shape_match);
  EXPECT_GT(r->nodes[first].value.num_mismatched, 0);
}

TEST(PerNodeCheckTest, MapSurvivesEveryTfFormat) {
  auto onnx = SmallConvNet();
  auto tf = Convert(onnx);
  ASSERT_TRUE(tf);
  const size_t recorded = tf::GetSourceValues(*tf).size();
  ASSERT_GE(recorded, 7u);
  fs::path dir = fs::temp_directory_path() / ("ferry_per_node_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  ASSERT_TRUE(tf::WriteSavedModel(*tf, (dir / "sm").string(), {}).ok());
  ASSERT_TRUE(tf::WriteFrozenGraph(*tf, (dir / "model.pb").string()).ok());
  ASSERT_TRUE(tf::WriteTfjs(*tf, (dir / "tfjs").string(), {}).ok());
  for (const char* p : {"sm", "model.pb", "tfjs"}) {
    auto back = tf::LoadTfModel((dir / p).string());
    ASSERT_TRUE(back.ok()) << p << ": " << back.status().ToString();
    EXPECT_EQ(tf::GetSourceValues(**back).size(), recorded) << p;
    auto r = PerNode(onnx, *back, CounterpartsOf(**back));
    ASSERT_TRUE(r.ok()) << p << ": " << r.status().ToString();
    EXPECT_EQ(r->nodes.size(), recorded) << p << "\n" << r->ToText({});
    EXPECT_EQ(r->FirstFailingNode(), -1) << p << "\n" << r->ToText({});
  }
  fs::remove_all(dir);
}

TEST(PerNodeCheckTest, NhwcInputSignatureIsFedTransposed) {
  auto onnx = SmallConvNet();
  convert::ConvertOptions o;
  o.input_nhwc = true;
  auto tf = Convert(onnx, o);
  ASSERT_TRUE(tf);
  EXPECT_EQ(convert::testing::CountOps(*tf, "Transpose"), 0);
  ASSERT_EQ(tf->inputs().size(), 1u);
  EXPECT_EQ(tf->inputs()[0]->info().ShapeString(), "[N,10,10,3]");
  auto r = PerNode(onnx, tf, CounterpartsOf(*tf));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->pass()) << r->ToText({});
  EXPECT_EQ(r->FirstFailingNode(), -1) << r->ToText({});
}

TEST(PerNodeCheckTest, KeepNchwWrapsEachConvInTransposes) {
  auto onnx = SmallConvNet();
  convert::ConvertOptions o;
  o.keep_nchw = true;
  auto tf = Convert(onnx, o);
  ASSERT_TRUE(tf);
  // conv1, conv2 and gap run NHWC: a Transpose in and one out of each.
  EXPECT_EQ(convert::testing::CountOps(*tf, "Transpose"), 6);
  auto r = PerNode(onnx, tf, CounterpartsOf(*tf));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->pass()) << r->ToText({});
  EXPECT_EQ(r->FirstFailingNode(), -1) << r->ToText({});
}

TEST(PerNodeCheckTest, LinksFollowTopologicalOrderAndSkipUnmapped) {
  auto onnx = SmallConvNet();
  std::map<std::string, Counterpart> m = {{"act2_out0", {"x", {}}}, {"input", {"in", {}}}};
  auto links = LinkValues(*onnx, m);
  ASSERT_TRUE(links.ok());
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[0].a_value, "input");
  EXPECT_EQ((*links)[1].node, "act2");
  EXPECT_EQ((*links)[1].op, "Sigmoid");
}

TEST(PermuteTest, MovesChannelsLast) {
  Tensor t = Tensor::FromVector<float>({0, 1, 2, 3, 4, 5}, Shape{1, 2, 3, 1});
  auto p = Permute(t, {0, 2, 3, 1});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->shape().ToString(), "[1,3,1,2]");
  const std::vector<float> want = {0, 3, 1, 4, 2, 5};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(p->data<float>()[i], want[i]);
  EXPECT_FALSE(Permute(t, {0, 1}).ok());
}

}  // namespace
}  // namespace ferry::check
