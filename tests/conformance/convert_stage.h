// The conformance runner's convert stage: an ONNX backend test that passes in ferry's ONNX
// runtime is converted with ferry::convert::ConvertOnnxToTf, run with the TF op set
// (tf::TfOpSet()) and compared with the stored outputs, as the runtime stage compares them.
#pragma once

#include <filesystem>
#include <string>

namespace ferry::conformance {

// Runs the test in `dir` (model.onnx and test_data_set_N/) through conversion. Returns an
// empty string when every output of every data set matches, otherwise one line saying why:
// "no TF converter for X, Y" when ops have no converter, "convert: ..." for other conversion
// errors, "tf session: ..." when the TF graph uses an op ferry's TF runtime lacks, or the
// data set, output and mismatch.
std::string RunThroughConversion(const std::filesystem::path& dir);

// Turns the converter's "unsupported ONNX ops" message into "no TF converter for X, Y" (so
// that expected-failure reasons stay short and stable); other messages pass through.
std::string ConvertFailureReason(const std::string& message);

}  // namespace ferry::conformance
