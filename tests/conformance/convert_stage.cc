#include "convert_stage.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include "allclose.h"
#include "test_data.h"
#include "convert/onnx_to_tf/convert.h"
#include "onnx/model_io.h"
#include "onnx/tensor_proto.h"
#include "runtime/session.h"
#include "tf/ops/registry.h"

namespace ferry::conformance {
namespace {

namespace fs = std::filesystem;


// The TF graph stores int64 values as int32 (TF.js has no int64 weights, and the converter
// narrows integer tensors: TfDType); an int32 output is widened back before the comparison
// with an int64 reference, so that the dtype check still catches every other difference.
Tensor WidenLike(const Tensor& actual, const Tensor& expected) {
  if (actual.dtype() != DataType::kInt32 || expected.dtype() != DataType::kInt64) return actual;
  Tensor w(DataType::kInt64, actual.shape());
  const int32_t* in = actual.data<int32_t>();
  int64_t* out = w.data<int64_t>();
  for (int64_t i = 0; i < actual.NumElements(); ++i) out[i] = in[i];
  return w;
}

// The corpus stores bfloat16 as UINT16 bits (see conformance_main.cc).
Tensor AsBFloat16If(const Tensor& t, DataType wanted) {
  if (wanted != DataType::kBFloat16 || t.dtype() != DataType::kUInt16) return t;
  Tensor b(DataType::kBFloat16, t.shape());
  std::memcpy(b.raw_data(), t.raw_data(), t.NumBytes());
  return b;
}

}  // namespace

std::string ConvertFailureReason(const std::string& message) {
  const std::string kUnsupported = "cannot convert to TensorFlow, unsupported ONNX op";
  if (message.rfind(kUnsupported, 0) != 0) return "convert: " + message;
  const size_t colon = message.find("): ");
  if (colon == std::string::npos) return "convert: " + message;
  // "Foo (node 'a'), Bar (nodes 'b', 'c')": the op names are the items before " (".
  std::string ops;
  const std::string list = message.substr(colon + 3);
  size_t pos = 0;
  while (pos < list.size()) {
    size_t paren = list.find(" (", pos);
    if (paren == std::string::npos) break;
    ops += (ops.empty() ? "" : ", ") + list.substr(pos, paren - pos);
    size_t close = list.find(')', paren);
    if (close == std::string::npos) break;
    pos = close + 1;
    while (pos < list.size() && (list[pos] == ',' || list[pos] == ' ')) ++pos;
  }
  return "no TF converter for " + ops;
}

// "sequence input 'x'" for the first input or output that is not a tensor, else "".
std::string FirstNonTensor(const fs::path& model_path) {
  ::onnx::ModelProto proto;
  std::ifstream in(model_path, std::ios::binary);
  if (!in || !proto.ParseFromIstream(&in)) return "";
  for (const auto* list : {&proto.graph().input(), &proto.graph().output()}) {
    for (const auto& vi : *list) {
      const auto& t = vi.type();
      if (t.has_tensor_type()) continue;
      const char* kind = t.has_sequence_type() ? "sequence" : t.has_optional_type() ? "optional"
                                                                                    : "non-tensor";
      return std::string(kind) + (list == &proto.graph().input() ? " input '" : " output '") +
             vi.name() + "'";
    }
  }
  return "";
}

std::string RunThroughConversion(const fs::path& dir) {
  // A TF graph's inputs and outputs are tensors.
  const std::string non_tensor = FirstNonTensor(dir / "model.onnx");
  if (!non_tensor.empty()) return non_tensor + ": TF graphs take and give tensors only";
  auto onnx = onnx::LoadModel((dir / "model.onnx").string());
  if (!onnx.ok()) return "load: " + onnx.status().message();
  DropContradictedInputShapes(
      dir.parent_path().filename().string() + "/" + dir.filename().string(), **onnx);
  auto tf = convert::ConvertOnnxToTf(**onnx);
  if (!tf.ok()) return ConvertFailureReason(tf.status().message());
  runtime::SessionOptions so;
  so.num_threads = 1;
  auto session = runtime::Session::Create(*tf, tf::TfOpSet(), so);
  if (!session.ok()) return "tf session: " + session.status().message();
  const auto& tf_inputs = (*session)->inputs();
  const auto& tf_outputs = (*session)->outputs();

  std::vector<fs::path> sets;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
      sets.push_back(e.path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty()) return "no test_data_set_N folder";

  for (const fs::path& set : sets) {
    const std::string where = set.filename().string() + ": ";
    // The converter keeps the ONNX inputs' names and order (initializers excluded), so the
    // data set binds by name when every file names a TF input, else by position.
    std::vector<Tensor> inputs;
    std::vector<std::string> names;
    for (const fs::path& f : SortedTestDataFiles(set, "input_")) {
      ::onnx::TensorProto tp;
      std::ifstream in(f, std::ios::binary);
      if (!in || !tp.ParseFromIstream(&in)) return where + "cannot parse " + f.string();
      auto t = onnx::TensorFromProto(tp);
      if (!t.ok()) return where + f.filename().string() + ": " + t.status().message();
      inputs.push_back(std::move(t).value());
      names.push_back(tp.name());
    }
    std::map<std::string, const ir::Value*> by_name;
    for (const ir::Value* v : tf_inputs) by_name[v->name()] = v;
    bool named = !names.empty() && names.size() == tf_inputs.size();
    for (const std::string& n : names) named &= by_name.count(n) != 0;
    std::vector<Tensor> ordered(tf_inputs.size());
    if (!named && inputs.size() < tf_inputs.size())
      return where + std::to_string(inputs.size()) + " input files for " +
             std::to_string(tf_inputs.size()) + " TF inputs";
    for (size_t i = 0; i < tf_inputs.size(); ++i) {
      size_t src = i;
      if (named)
        src = std::find(names.begin(), names.end(), tf_inputs[i]->name()) - names.begin();
      ordered[i] = AsBFloat16If(inputs[src], tf_inputs[i]->dtype());
    }
    auto outputs = (*session)->Run(ordered);
    if (!outputs.ok()) return where + "tf run: " + outputs.status().message();
    const std::vector<fs::path> expected_files = SortedTestDataFiles(set, "output_");
    if (expected_files.size() != outputs->size())
      return where + "TF graph produced " + std::to_string(outputs->size()) + " outputs, " +
             std::to_string(expected_files.size()) + " expected";
    for (size_t i = 0; i < expected_files.size(); ++i) {
      auto expected = onnx::ReadTensorProtoFile(expected_files[i].string());
      if (!expected.ok()) return where + expected.status().message();
      *expected = AsBFloat16If(*expected, (*outputs)[i].dtype());
      const std::string mismatch =
          AllCloseMismatch(WidenLike((*outputs)[i], *expected), *expected, Tolerance{});
      if (!mismatch.empty())
        return where + "output " + std::to_string(i) + " '" + tf_outputs[i]->name() +
               "': " + mismatch;
    }
  }
  return "";
}

}  // namespace ferry::conformance
