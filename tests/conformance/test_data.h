// Files of one test_data_set_N folder of ONNX's backend test corpus.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ferry::conformance {

// The `<prefix><k>.pb` files of `dir` (input_0.pb, input_1.pb, ...) in numeric order of k.
std::vector<std::filesystem::path> SortedTestDataFiles(const std::filesystem::path& dir,
                                                       const std::string& prefix);

// Some tests store inputs that contradict the model's declared input shape: onnx 1.12's
// backend/test/case/node/castlike.py writes `like` of the bfloat16 CastLike tests as a
// 1-element tensor while the model declares it [3,4]. onnx's runner never checks declared
// shapes; ferry's runtime does. For the test `id` ("node/test_x") this drops the declared
// shape of exactly those inputs of `graph`; returns whether it dropped any.
bool DropContradictedInputShapes(const std::string& id, ir::Graph& graph);

}  // namespace ferry::conformance
