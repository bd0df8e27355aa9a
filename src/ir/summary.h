// What `ferry inspect` prints about a graph in any op set: signature, op histogram,
// parameter count and bytes, opsets and producer, and a FLOPs estimate per node.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ferry::ir {

struct GraphSummary {
  struct Io {
    std::string name;
    std::string dtype;
    std::string shape;
  };
  std::vector<Io> inputs, outputs;
  std::map<std::string, int> op_histogram;  // op type -> count (subgraphs included)
  int num_nodes = 0;
  int64_t num_parameters = 0;  // elements of float constants
  int64_t parameter_bytes = 0;
  int num_constants = 0;
  std::map<std::string, int64_t> opsets;
  std::map<std::string, std::string> metadata;
  // FLOPs of the top-level nodes (a multiply-add counts 2), in graph order.
  struct NodeFlops {
    std::string name, op;
    int64_t flops = -1;  // -1: the shapes it needs are not known
  };
  std::vector<NodeFlops> node_flops;
  int64_t total_flops = 0;  // over the nodes whose estimate is known
  int flops_unknown = 0;    // costed nodes left out of total_flops for unknown shapes
};

// FLOPs of one node from the shapes in its values' infos, a multiply-add counting 2:
// convolutions and matrix products (ONNX Conv, ConvTranspose, Gemm, MatMul; TF Conv2D,
// DepthwiseConv2dNative, MatMul, BatchMatMulV2), pools, normalisations, softmax and
// elementwise maths. Data movement (Reshape, Transpose, Concat, ...) and unknown op types
// cost 0. A dim that is not known (a symbolic batch) counts as `unknown_dim`. -1 when a
// shape the estimate needs has unknown rank.
int64_t EstimateFlops(const Node& n, int64_t unknown_dim = 1);

GraphSummary Summarize(const Graph& g);
std::string SummaryToText(const GraphSummary& s, const std::string& title);
std::string SummaryToJson(const GraphSummary& s, const std::string& format);

}  // namespace ferry::ir
