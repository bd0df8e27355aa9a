#include "tf/graph_def.h"

#include <gtest/gtest.h>

#include "tf/file_util.h"
#include "tf/proto_convert.h"
#include "tf_test_graphs.h"

namespace ferry::tf {
namespace {

using testing::Bytes;
using testing::FindNode;
using testing::FreshPath;
using testing::MakeConvGraph;
using testing::ReadAll;
using testing::WriteAll;

TEST(TfGraphDefTest, ExportWritesPlaceholderConstsOpsAndOutputIdentity) {
  auto g = MakeConvGraph();
  auto e = ExportGraphDef(*g);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const auto& gd = e->graph_def;
  EXPECT_EQ(gd.versions().producer(), kGraphDefProducer);
  ASSERT_GE(gd.node_size(), 8);
  EXPECT_EQ(gd.node(0).op(), "Placeholder");
  EXPECT_EQ(gd.node(0).name(), "x");
  EXPECT_EQ(gd.node(0).attr().at("dtype").type(), tfproto::DT_FLOAT);
  const auto& shape = gd.node(0).attr().at("shape").shape();
  ASSERT_EQ(shape.dim_size(), 4);
  EXPECT_EQ(shape.dim(0).size(), -1);
  EXPECT_EQ(shape.dim(3).size(), 28);
  const auto& last = gd.node(gd.node_size() - 1);
  EXPECT_EQ(last.op(), "Identity");
  EXPECT_EQ(last.name(), "probs");
  ASSERT_EQ(last.input_size(), 1);
  int consts = 0;
  for (const auto& nd : gd.node()) {
    if (nd.op() == "Const") {
      ++consts;
      EXPECT_FALSE(nd.attr().at("value").tensor().tensor_content().empty()) << nd.name();
      EXPECT_EQ(nd.attr().at("dtype").type(), nd.attr().at("value").tensor().dtype());
    }
    if (nd.op() == "Conv2D") {
      EXPECT_EQ(nd.attr().at("padding").s(), "EXPLICIT");
      EXPECT_EQ(nd.attr().at("explicit_paddings").list().i_size(), 8);
      EXPECT_TRUE(nd.attr().at("use_cudnn_on_gpu").b());
      EXPECT_EQ(nd.input(0), "to_nhwc");
      EXPECT_EQ(nd.input(1), "conv/kernel");
    }
  }
  EXPECT_EQ(consts, 3);
  ASSERT_EQ(e->inputs.size(), 1u);
  EXPECT_EQ(e->inputs[0].key, "x");
  EXPECT_EQ(e->inputs[0].tensor, "x:0");
  ASSERT_EQ(e->outputs.size(), 1u);
  EXPECT_EQ(e->outputs[0].tensor, "probs:0");
  EXPECT_EQ(e->outputs[0].dtype, DataType::kFloat32);
}

TEST(TfGraphDefTest, FrozenGraphRoundTripKeepsStructureAttrsAndBytes) {
  auto g = MakeConvGraph();
  const std::string path = FreshPath("frozen") + ".pb";
  ASSERT_TRUE(WriteFrozenGraph(*g, path).ok());
  auto r = ReadFrozenGraph(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ir::Graph& h = **r;
  ASSERT_EQ(h.inputs().size(), 1u);
  EXPECT_EQ(h.inputs()[0]->name(), "x");
  EXPECT_EQ(h.inputs()[0]->dtype(), DataType::kFloat32);
  EXPECT_EQ(h.inputs()[0]->info().ShapeString(), "[?,1,28,28]");
  ASSERT_EQ(h.outputs().size(), 1u);
  EXPECT_EQ(h.outputs()[0]->name(), "probs");
  EXPECT_EQ(h.num_nodes(), 5);  // Transpose, Conv2D, BiasAdd, Relu, Identity
  EXPECT_EQ(h.opset("tf"), 1);
  const ir::Node* conv = FindNode(h, "Conv2D");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->domain(), "tf");
  EXPECT_EQ(conv->name(), "conv/Conv2D");
  EXPECT_EQ(conv->GetString("padding", ""), "EXPLICIT");
  EXPECT_EQ(conv->GetString("data_format", ""), "NHWC");
  EXPECT_EQ(conv->GetInts("explicit_paddings"), (std::vector<int64_t>{0, 0, 1, 2, 0, 1, 0, 0}));
  EXPECT_EQ(conv->attr("T")->kind(), ir::AttrKind::kType);
  EXPECT_EQ(conv->attr("T")->type(), DataType::kFloat32);
  EXPECT_EQ(conv->attr("use_cudnn_on_gpu")->kind(), ir::AttrKind::kBool);
  ASSERT_TRUE(conv->input(1)->is_constant());
  EXPECT_EQ(conv->input(1)->constant().shape(), (Shape{3, 3, 1, 8}));
  EXPECT_EQ(Bytes(conv->input(1)->constant()), Bytes(g->FindValue("conv/kernel")->constant()));
  const ir::Node* t = FindNode(h, "Transpose");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->input(0), h.inputs()[0]);
  EXPECT_EQ(t->input(1)->constant().ToInt64Vector(), (std::vector<int64_t>{0, 2, 3, 1}));
  EXPECT_EQ(h.metadata().at("signature.output.0"), "probs");

  // Writing the read graph again reuses the output Identity rather than adding another.
  const std::string path2 = FreshPath("frozen2") + ".pb";
  ASSERT_TRUE(WriteFrozenGraph(h, path2).ok());
  auto r2 = ReadFrozenGraph(path2);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ((*r2)->num_nodes(), 5);
  EXPECT_EQ((*r2)->outputs()[0]->name(), "probs");
  std::filesystem::remove(path);
  std::filesystem::remove(path2);
}

TEST(TfGraphDefTest, MultiOutputNodesAndSanitisedNames) {
  ir::Graph g;
  ir::ValueInfo xi;
  xi.dtype = DataType::kFloat32;
  xi.shape = std::vector<ir::Dim>{ir::Dim::Known(4), ir::Dim::Known(6)};
  ir::Value* x = g.AddValue("input.1", xi);  // ONNX-style names
  g.inputs().push_back(x);
  ir::Value* axis = g.AddConstant("_axis", Tensor::Scalar<int32_t>(1));
  ir::Node* s = g.AddNode("Split", "tf", "split:me", {axis, x}, {"a", "b"});
  s->set_attr("num_split", ir::Attribute::Int(2));
  s->set_attr("T", ir::Attribute::Type(DataType::kFloat32));
  s->output(0)->set_name("out 0");
  s->output(1)->set_name("_out1");
  g.outputs() = {s->output(1), s->output(0)};
  auto e = ExportGraphDef(g);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->inputs[0].key, "input.1");
  EXPECT_EQ(e->inputs[0].tensor, "input.1:0");
  EXPECT_EQ(e->outputs[0].key, "_out1");
  EXPECT_EQ(e->outputs[0].tensor, "n_out1:0");
  EXPECT_EQ(e->outputs[1].key, "out 0");
  EXPECT_EQ(e->outputs[1].tensor, "out_0:0");
  std::map<std::string, std::string> identity_input;
  for (const auto& nd : e->graph_def.node()) {
    EXPECT_TRUE(nd.name().find(':') == std::string::npos) << nd.name();
    if (nd.op() == "Identity") identity_input[nd.name()] = nd.input(0);
  }
  EXPECT_EQ(identity_input["n_out1"], "split_me:1");
  EXPECT_EQ(identity_input["out_0"], "split_me");

  // Read back through a signature: keys come back as value names, in the written order.
  ImportOptions io;
  io.has_signature = true;
  io.inputs = e->inputs;
  io.outputs = {e->outputs[1], e->outputs[0]};  // order given does not matter
  auto h = ImportGraphDef(e->graph_def, io);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ((*h)->outputs().size(), 2u);
  EXPECT_EQ((*h)->outputs()[0]->name(), "_out1");
  EXPECT_EQ((*h)->outputs()[1]->name(), "out 0");
  const ir::Node* split = FindNode(**h, "Split");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->num_outputs(), 2);
  EXPECT_EQ(split->GetInt("num_split", 0), 2);
}

TEST(TfGraphDefTest, ReadsTypedValueFieldsWithTfRepeatRule) {
  tfproto::TensorProto p;
  p.set_dtype(tfproto::DT_INT64);
  p.mutable_tensor_shape()->add_dim()->set_size(4);
  p.add_int64_val(7);
  p.add_int64_val(-3);
  auto t = TensorFromProto(p, "t");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->ToInt64Vector(), (std::vector<int64_t>{7, -3, -3, -3}));
  p.add_int64_val(1);
  p.add_int64_val(1);
  p.add_int64_val(1);
  EXPECT_FALSE(TensorFromProto(p, "t").ok());  // 5 values for 4 elements
  tfproto::TensorProto q;
  q.set_dtype(tfproto::DT_FLOAT);
  q.mutable_tensor_shape()->add_dim()->set_size(2);
  q.set_tensor_content(std::string(7, '\0'));
  auto bad = TensorFromProto(q, "Const 'q'");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Const 'q'"), std::string::npos);
}

TEST(TfGraphDefTest, UnconsumedNodesAreOutputsAndExplicitOutputsWin) {
  auto g = MakeConvGraph();
  auto e = ExportGraphDef(*g);
  ASSERT_TRUE(e.ok());
  ImportOptions io;
  io.output_tensors = {"conv/BiasAdd:0", "relu"};
  auto h = ImportGraphDef(e->graph_def, io);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ((*h)->outputs().size(), 2u);
  EXPECT_EQ((*h)->outputs()[0]->producer()->op_type(), "BiasAdd");
  EXPECT_EQ((*h)->outputs()[1]->producer()->op_type(), "Relu");
  io.output_tensors = {"nope:0"};
  auto bad = ImportGraphDef(e->graph_def, io);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("nope"), std::string::npos);
}

TEST(TfGraphDefTest, NodeOrderInTheGraphDefDoesNotMatter) {
  auto g = MakeConvGraph();
  auto e = ExportGraphDef(*g);
  ASSERT_TRUE(e.ok());
  tfproto::GraphDef reversed;
  for (int i = e->graph_def.node_size() - 1; i >= 0; --i)
    *reversed.add_node() = e->graph_def.node(i);
  auto h = ImportGraphDef(reversed, {});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->num_nodes(), 5);
  ASSERT_EQ((*h)->outputs().size(), 1u);
  EXPECT_EQ((*h)->outputs()[0]->name(), "probs");
  auto order = (*h)->TopologicalOrder();
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->front()->op_type(), "Transpose");
  EXPECT_EQ(order->back()->op_type(), "Identity");
}

TEST(TfGraphDefTest, ParseTensorName) {
  EXPECT_EQ(*ParseTensorName("a/b:2"), std::make_pair(std::string("a/b"), 2));
  EXPECT_EQ(*ParseTensorName("a"), std::make_pair(std::string("a"), 0));
  EXPECT_FALSE(ParseTensorName("^a").ok());
  EXPECT_FALSE(ParseTensorName("a:x").ok());
  EXPECT_FALSE(ParseTensorName("a:out:0").ok());
  EXPECT_FALSE(ParseTensorName("a:99999").ok());
}

TEST(TfGraphDefTest, ControlInputsAreIgnoredOnRead) {
  tfproto::GraphDef gd;
  auto* p = gd.add_node();
  p->set_name("x");
  p->set_op("Placeholder");
  (*p->mutable_attr())["dtype"].set_type(tfproto::DT_FLOAT);
  auto* noop = gd.add_node();
  noop->set_name("init");
  noop->set_op("NoOp");
  auto* r = gd.add_node();
  r->set_name("y");
  r->set_op("Relu");
  r->add_input("x");
  r->add_input("^init");
  auto h = ImportGraphDef(gd, {});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  const ir::Node* relu = FindNode(**h, "Relu");
  ASSERT_NE(relu, nullptr);
  EXPECT_EQ(relu->num_inputs(), 1);
  ASSERT_EQ((*h)->outputs().size(), 1u);  // NoOp is not an output
  EXPECT_EQ((*h)->outputs()[0]->name(), "y");
  EXPECT_EQ((*h)->inputs()[0]->info().shape, std::nullopt);  // no shape attr: unknown rank
}

TEST(TfGraphDefTest, WriteRejectsNonTfGraphsAndEmptyInputs) {
  auto g = MakeConvGraph();
  ir::Node* onnx = g->AddNode("Relu", "", "onnx_relu", {g->outputs()[0]}, {"z"});
  g->outputs().push_back(onnx->output(0));
  auto e = ExportGraphDef(*g);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("onnx_relu"), std::string::npos);

  auto g2 = MakeConvGraph();
  ir::Node* bad = g2->AddNode("AddV2", "tf", "add", {g2->outputs()[0], nullptr}, {"z"});
  g2->outputs().push_back(bad->output(0));
  auto e2 = ExportGraphDef(*g2);
  ASSERT_FALSE(e2.ok());
  EXPECT_NE(e2.status().message().find("AddV2 'add': input 1"), std::string::npos);
}

TEST(TfGraphDefTest, TruncatedAndGarbageFilesAreOneLineErrors) {
  auto g = MakeConvGraph();
  const std::string path = FreshPath("trunc") + ".pb";
  ASSERT_TRUE(WriteFrozenGraph(*g, path).ok());
  const std::string bytes = ReadAll(path);
  for (size_t cut : {bytes.size() / 2, bytes.size() - 1}) {
    WriteAll(path, bytes.substr(0, cut));
    auto r = ReadFrozenGraph(path);
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_NE(r.status().message().find(path), std::string::npos);
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
  WriteAll(path, "\xff\xff\xff\xff garbage, not a protobuf \x07\x07");
  EXPECT_FALSE(ReadFrozenGraph(path).ok());
  WriteAll(path, "");
  auto empty = ReadFrozenGraph(path);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("no nodes"), std::string::npos);
  std::filesystem::remove(path);
  auto missing = ReadFrozenGraph(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ferry::tf
