// The conformance runner's TF.js stage: every test that passes the convert stage is written
// as a TF.js graph model (tf::WriteTfjs) with its inputs, one node process runs all of them
// with @tensorflow/tfjs 4.22's cpu backend (tfjs_runner.js), and the outputs are compared
// with the stored ones by the runtime stage's rule (allclose.h).
//
// TF.js computes in float32, int32 and bool only: inputs are handed to it in those types
// (every float type as float32, every integer type as int32, which must fit), and its
// outputs are widened back to the stored dtype before the comparison (the dtype mapping
// `ferry convert` reports for TF.js).
#pragma once

#include <filesystem>
#include <string>

namespace ferry::conformance {

// Why TF.js cannot run here ("" when node and @tensorflow/tfjs are found): `node` is the
// node binary, `oracles_dir` the folder whose node_modules holds @tensorflow/tfjs.
std::string FindTfjs(const std::string& node, const std::filesystem::path& oracles_dir);

// Converts the test in `test_dir` and writes case_dir/model/ (the TF.js model),
// case_dir/case.json (inputs per data set, output names) and each input as raw TF.js bytes.
// Returns "" on success, else the reason.
std::string PrepareTfjsCase(const std::filesystem::path& test_dir,
                            const std::filesystem::path& case_dir);

// Runs tfjs_runner.js once over the case folders listed in `list_file` (one per line); each
// gets case_dir/result.json. Returns "" when node ran to the end, else why not.
std::string RunTfjsRunner(const std::string& node, const std::filesystem::path& runner,
                          const std::filesystem::path& oracles_dir,
                          const std::filesystem::path& list_file, int timeout_s);

// Compares case_dir/result.json's outputs with the stored outputs of `test_dir`; "" when
// every output of every data set matches, else the data set, output and mismatch.
std::string CompareTfjsCase(const std::filesystem::path& test_dir,
                            const std::filesystem::path& case_dir);

}  // namespace ferry::conformance
