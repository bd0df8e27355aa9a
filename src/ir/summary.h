// What `ferry inspect` prints about a graph in any op set: signature, op histogram,
// parameter count and bytes, opsets and producer.
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
};

GraphSummary Summarize(const Graph& g);
std::string SummaryToText(const GraphSummary& s, const std::string& title);
std::string SummaryToJson(const GraphSummary& s, const std::string& format);

}  // namespace ferry::ir
