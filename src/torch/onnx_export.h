// SimpleCNN weights -> IR(onnx): the graph torch.onnx.export writes for the guide's model in
// eval mode (checked against torch 1.13's exporter: same ops, attributes, node and value
// names). No libtorch here. Save it with ferry::onnx::SaveModel (src/onnx/model_io.h).
//
//   input float32[batch_size,1,28,28]  (pixels / 255, as the checkpoint; see checkpoint.h)
//   /conv1/Conv -> /max_pool/MaxPool -> /conv2/Conv -> /max_pool_1/MaxPool -> /flatten/Flatten
//   -> /relu/Relu -> /fc/fc.0/Gemm -> /fc/fc.1/Relu -> /fc/fc.3/Gemm -> /LogSoftmax
//   output float32[batch_size,10]
// Dropout (fc.2) is the identity in eval mode and is not exported, as torch does.
#pragma once

#include <cstdint>
#include <memory>

#include "core/status.h"
#include "ir/graph.h"
#include "torch/simple_cnn_weights.h"

namespace ferry::torch {

struct ExportOptions {
  int opset = 13;      // default-domain opset, 11..17
  int64_t batch = -1;  // -1: a dynamic batch dim named "batch_size"; else a fixed size >= 1
};

StatusOr<std::shared_ptr<ir::Graph>> BuildSimpleCnnOnnxGraph(const SimpleCnnWeights& weights,
                                                             const ExportOptions& options = {});

}  // namespace ferry::torch
