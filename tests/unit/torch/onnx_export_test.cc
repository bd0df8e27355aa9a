#include "torch/onnx_export.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onnx/model_io.h"
#include "test_util.h"
#include "torch/checkpoint.h"
#include "torch/simple_cnn.h"

namespace ferry::torch {
namespace {

using testing_util::RunCommand;
using testing_util::ScratchDir;

const std::string kOracle = std::string(FERRY_SOURCE_DIR) + "/tests/unit/torch/torch_oracle.py";

SimpleCnnWeights RandomWeights(uint64_t seed) {
  return SimpleCnn::CreateRandom(seed).value()->Weights().value();
}

std::string DimsString(const ir::Value* v) { return v->info().ShapeString(); }

TEST(OnnxExportTest, GraphHasTorchExportersOpsNamesAndInitializers) {
  const SimpleCnnWeights w = RandomWeights(4);
  for (int opset : {11, 13, 17}) {
    auto g = BuildSimpleCnnOnnxGraph(w, {opset, -1});
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    const ir::Graph& graph = **g;
    EXPECT_EQ(graph.opset(""), opset);
    EXPECT_EQ(graph.metadata().at("producer_name"), "ferry");
    ASSERT_EQ(graph.inputs().size(), 1u);
    EXPECT_EQ(graph.inputs()[0]->name(), "input");
    EXPECT_EQ(DimsString(graph.inputs()[0]), "[batch_size,1,28,28]");
    ASSERT_EQ(graph.outputs().size(), 1u);
    EXPECT_EQ(graph.outputs()[0]->name(), "output");
    EXPECT_EQ(DimsString(graph.outputs()[0]), "[batch_size,10]");

    auto order = graph.TopologicalOrder();
    ASSERT_TRUE(order.ok()) << order.status().ToString();
    std::vector<std::string> ops, names;
    for (const ir::Node* n : *order) {
      ops.push_back(n->op_type());
      names.push_back(n->name());
    }
    EXPECT_EQ(ops, (std::vector<std::string>{"Conv", "MaxPool", "Conv", "MaxPool", "Flatten",
                                             "Relu", "Gemm", "Relu", "Gemm", "LogSoftmax"}));
    EXPECT_EQ(names.front(), "/conv1/Conv");
    EXPECT_EQ(names[6], "/fc/fc.0/Gemm");
    const ir::Node* logsoftmax = order->back();
    EXPECT_EQ(logsoftmax->GetInt("axis", 0), opset >= 13 ? -1 : 1) << "opset " << opset;
    const ir::Node* gemm = (*order)[6];
    EXPECT_EQ(gemm->GetInt("transB", 0), 1);
    EXPECT_EQ(gemm->input(1)->name(), "fc.0.weight");
    const ir::Node* conv2 = (*order)[2];
    EXPECT_EQ(conv2->GetInts("strides"), (std::vector<int64_t>{2, 2}));
    EXPECT_EQ(conv2->GetInts("kernel_shape"), (std::vector<int64_t>{5, 5}));
    EXPECT_EQ((*order)[1]->GetInts("kernel_shape"), (std::vector<int64_t>{1, 1}));

    // Every parameter is an initializer holding the checkpoint's bytes.
    for (const auto& [name, shape] : SimpleCnnParamSpecs()) {
      const ir::Value* v = graph.FindValue(name);
      ASSERT_NE(v, nullptr) << name;
      ASSERT_TRUE(v->is_constant()) << name;
      ASSERT_EQ(v->constant().shape(), shape) << name;
      EXPECT_EQ(
          std::memcmp(v->constant().raw_data(), w.Find(name)->raw_data(), v->constant().NumBytes()),
          0)
          << name;
    }
  }
}

TEST(OnnxExportTest, FixedBatchAndErrors) {
  const SimpleCnnWeights w = RandomWeights(4);
  auto g = BuildSimpleCnnOnnxGraph(w, {13, 8});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(DimsString((*g)->inputs()[0]), "[8,1,28,28]");
  EXPECT_EQ(DimsString((*g)->outputs()[0]), "[8,10]");

  auto old = BuildSimpleCnnOnnxGraph(w, {10, -1});
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("opset 10"), std::string::npos);
  auto zero = BuildSimpleCnnOnnxGraph(w, {13, 0});
  ASSERT_FALSE(zero.ok());
  SimpleCnnWeights broken = w;
  broken.params.erase(broken.params.begin());
  auto missing = BuildSimpleCnnOnnxGraph(broken, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("conv1.weight"), std::string::npos);
}

// The saved model passes onnx.checker and equals torch.onnx.export's output for the same
// checkpoint: nodes, attributes, names, graph inputs/outputs and initializer values.
TEST(OnnxExportTest, SavedModelEqualsTorchOnnxExport) {
  if (RunCommand("/usr/bin/python3 -c 'import torch, onnx' 2>/dev/null") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 lacks torch or onnx";
  }
  ScratchDir dir;
  const SimpleCnnWeights w = RandomWeights(9);
  const std::string ckpt = dir.file("model.pt");
  ASSERT_TRUE(SaveCheckpoint(w, ckpt).ok());
  for (int opset : {11, 13}) {
    auto g = BuildSimpleCnnOnnxGraph(w, {opset, -1});
    ASSERT_TRUE(g.ok());
    const std::string ours = dir.file("ours" + std::to_string(opset) + ".onnx");
    const std::string ref = dir.file("torch" + std::to_string(opset) + ".onnx");
    Status saved = onnx::SaveModel(**g, ours);
    ASSERT_TRUE(saved.ok()) << saved.ToString();
    ASSERT_EQ(RunCommand("/usr/bin/python3 " + kOracle + " onnx " + ckpt + " " +
                         std::to_string(opset) + " " + ref + " 2>/dev/null"),
              0);
    EXPECT_EQ(RunCommand("/usr/bin/python3 " + kOracle + " onnx_compare " + ours + " " + ref), 0)
        << "opset " << opset;
  }
}

}  // namespace
}  // namespace ferry::torch
