// Files of one test_data_set_N folder of ONNX's backend test corpus.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ferry::conformance {

// The `<prefix><k>.pb` files of `dir` (input_0.pb, input_1.pb, ...) in numeric order of k.
std::vector<std::filesystem::path> SortedTestDataFiles(const std::filesystem::path& dir,
                                                       const std::string& prefix);

}  // namespace ferry::conformance
