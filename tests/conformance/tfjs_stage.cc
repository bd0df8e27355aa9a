#include "tfjs_stage.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "allclose.h"
#include "test_data.h"
#include "convert/onnx_to_tf/convert.h"
#include "onnx/model_io.h"
#include "onnx/tensor_proto.h"
#include "tf/tfjs.h"

namespace ferry::conformance {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

bool IsFloat(DataType t) {
  return t == DataType::kFloat16 || t == DataType::kBFloat16 || t == DataType::kFloat32 ||
         t == DataType::kFloat64;
}

double ElementAsDouble(const Tensor& t, int64_t i) {
  if (t.dtype() == DataType::kFloat16) return HalfToFloat(t.data<uint16_t>()[i]);
  if (t.dtype() == DataType::kBFloat16) return BFloat16ToFloat(t.data<uint16_t>()[i]);
  return t.GetAsDouble(i);
}

// `t` in the dtype TF.js computes it in (float32, int32 or bool), or the reason it has none.
std::string ToTfjs(const Tensor& t, Tensor* out, std::string* dtype) {
  const int64_t n = t.NumElements();
  if (t.dtype() == DataType::kBool) {
    *out = t;
    *dtype = "bool";
    return "";
  }
  if (IsFloat(t.dtype())) {
    *out = Tensor(DataType::kFloat32, t.shape());
    for (int64_t i = 0; i < n; ++i) out->data<float>()[i] = static_cast<float>(ElementAsDouble(t, i));
    *dtype = "float32";
    return "";
  }
  if (t.dtype() == DataType::kString) return "a string input has no TF.js tensor form here";
  *out = Tensor(DataType::kInt32, t.shape());
  for (int64_t i = 0; i < n; ++i) {
    const bool big_unsigned =
        t.dtype() == DataType::kUInt64 && t.data<uint64_t>()[i] > static_cast<uint64_t>(INT32_MAX);
    const int64_t v = t.GetAsInt64(i);
    if (big_unsigned || v < INT32_MIN || v > INT32_MAX)
      return std::string(DataTypeName(t.dtype())) + " input value at " + std::to_string(i) +
             " does not fit TF.js's int32";
    out->data<int32_t>()[i] = static_cast<int32_t>(v);
  }
  *dtype = "int32";
  return "";
}

// A TF.js output (float32, int32 or bool) in the stored output's dtype, when that dtype is
// one TF.js maps to the output's (float16/bfloat16/float64 -> float32, other integers ->
// int32); otherwise unchanged, so that the comparison reports the dtype difference.
Tensor Widen(const Tensor& actual, DataType want) {
  const bool float_map = actual.dtype() == DataType::kFloat32 && IsFloat(want);
  const bool int_map = actual.dtype() == DataType::kInt32 && !IsFloat(want) &&
                       want != DataType::kBool && want != DataType::kString;
  if (actual.dtype() == want || (!float_map && !int_map)) return actual;
  Tensor w(want, actual.shape());
  const int64_t n = actual.NumElements();
  for (int64_t i = 0; i < n; ++i) {
    const double d = actual.GetAsDouble(i);
    const int64_t v = actual.GetAsInt64(i);
    switch (want) {
      case DataType::kFloat16: w.data<uint16_t>()[i] = FloatToHalf(static_cast<float>(d)); break;
      case DataType::kBFloat16: w.data<uint16_t>()[i] = FloatToBFloat16(static_cast<float>(d)); break;
      case DataType::kFloat64: w.data<double>()[i] = d; break;
      case DataType::kInt8: w.data<int8_t>()[i] = static_cast<int8_t>(v); break;
      case DataType::kInt16: w.data<int16_t>()[i] = static_cast<int16_t>(v); break;
      case DataType::kInt64: w.data<int64_t>()[i] = v; break;
      case DataType::kUInt8: w.data<uint8_t>()[i] = static_cast<uint8_t>(v); break;
      case DataType::kUInt16: w.data<uint16_t>()[i] = static_cast<uint16_t>(v); break;
      case DataType::kUInt32: w.data<uint32_t>()[i] = static_cast<uint32_t>(v); break;
      case DataType::kUInt64: w.data<uint64_t>()[i] = static_cast<uint64_t>(v); break;
      default: return actual;
    }
  }
  return w;
}

// "TF.js has no X: ... " when the stored output holds a value TF.js's float32 / int32 cannot
// (a float64 beyond float32's range, an integer beyond int32's), so that the reason says why.
std::string NarrowingNote(const Tensor& expected) {
  const int64_t n = expected.NumElements();
  if (expected.dtype() == DataType::kFloat64) {
    for (int64_t i = 0; i < n; ++i) {
      const double v = expected.data<double>()[i];
      if (std::isfinite(v) && std::fabs(v) > 3.4028234663852886e38)
        return "TF.js has no float64 (computes it as float32, whose range ends at 3.4e38): ";
    }
  }
  if (!IsFloat(expected.dtype()) && expected.dtype() != DataType::kBool &&
      expected.dtype() != DataType::kString) {
    for (int64_t i = 0; i < n; ++i) {
      const bool big_unsigned = expected.dtype() == DataType::kUInt64 &&
                                expected.data<uint64_t>()[i] > static_cast<uint64_t>(INT32_MAX);
      const int64_t v = expected.GetAsInt64(i);
      if (big_unsigned || v < INT32_MIN || v > INT32_MAX)
        return std::string("TF.js has no ") + DataTypeName(expected.dtype()) +
               " (computes it as int32): ";
    }
  }
  return "";
}

std::vector<fs::path> DataSets(const fs::path& dir) {
  std::vector<fs::path> sets;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
      sets.push_back(e.path());
  std::sort(sets.begin(), sets.end());
  return sets;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

std::string FindTfjs(const std::string& node, const fs::path& oracles_dir) {
  const std::string probe = ShellQuote(node) + " --version > /dev/null 2>&1";
  if (std::system(probe.c_str()) != 0) return "node ('" + node + "') does not run";
  std::error_code ec;
  if (!fs::exists(oracles_dir / "node_modules" / "@tensorflow" / "tfjs" / "package.json", ec))
    return "@tensorflow/tfjs is not installed in " + (oracles_dir / "node_modules").string() +
           " (npm ci in tests/oracles)";
  return "";
}

std::string PrepareTfjsCase(const fs::path& test_dir, const fs::path& case_dir) {
  auto onnx = onnx::LoadModel((test_dir / "model.onnx").string());
  if (!onnx.ok()) return "load: " + onnx.status().message();
  DropContradictedInputShapes(
      test_dir.parent_path().filename().string() + "/" + test_dir.filename().string(), **onnx);
  auto tf = convert::ConvertOnnxToTf(**onnx);
  if (!tf.ok()) return "convert: " + tf.status().message();
  std::vector<std::string> notes;
  const Status written = tf::WriteTfjs(**tf, (case_dir / "model").string(), {}, &notes);
  if (!written.ok()) {
    // The message starts with the temporary folder; the reason keeps what follows it.
    std::string msg = written.message();
    const std::string dir = (case_dir / "model").string() + ": ";
    if (msg.rfind(dir, 0) == 0) msg = msg.substr(dir.size());
    return "tfjs write: " + msg;
  }
  const std::vector<ir::Value*>& tf_inputs = (*tf)->inputs();

  json c;
  c["outputs"] = json::array();
  for (const ir::Value* v : (*tf)->outputs()) c["outputs"].push_back(v->name());
  c["sets"] = json::array();
  for (const fs::path& set : DataSets(test_dir)) {
    const std::string set_name = set.filename().string();
    // Bind by name when every file names a TF input, else by position (as the convert stage).
    std::vector<Tensor> inputs;
    std::vector<std::string> names;
    for (const fs::path& f : SortedTestDataFiles(set, "input_")) {
      ::onnx::TensorProto tp;
      std::ifstream in(f, std::ios::binary);
      if (!in || !tp.ParseFromIstream(&in)) return set_name + ": cannot parse " + f.string();
      auto t = onnx::TensorFromProto(tp);
      if (!t.ok()) return set_name + ": " + t.status().message();
      inputs.push_back(std::move(t).value());
      names.push_back(tp.name());
    }
    bool named = !names.empty() && names.size() == tf_inputs.size();
    for (const ir::Value* v : tf_inputs)
      named &= std::find(names.begin(), names.end(), v->name()) != names.end();
    if (!named && inputs.size() < tf_inputs.size())
      return set_name + ": " + std::to_string(inputs.size()) + " input files for " +
             std::to_string(tf_inputs.size()) + " TF inputs";
    fs::create_directories(case_dir / set_name);
    json set_json;
    set_json["inputs"] = json::array();
    for (size_t i = 0; i < tf_inputs.size(); ++i) {
      size_t src = i;
      if (named) src = std::find(names.begin(), names.end(), tf_inputs[i]->name()) - names.begin();
      Tensor t;
      std::string dtype;
      const std::string why = ToTfjs(inputs[src], &t, &dtype);
      if (!why.empty()) return set_name + ": input '" + tf_inputs[i]->name() + "': " + why;
      const std::string file = set_name + "/input_" + std::to_string(i) + ".bin";
      std::ofstream out(case_dir / file, std::ios::binary);
      out.write(static_cast<const char*>(t.raw_data()), static_cast<std::streamsize>(t.NumBytes()));
      if (!out) return "cannot write " + (case_dir / file).string();
      set_json["inputs"].push_back(
          {{"name", tf_inputs[i]->name()}, {"dtype", dtype}, {"shape", t.shape().dims()},
           {"file", file}});
    }
    set_json["name"] = set_name;
    c["sets"].push_back(set_json);
  }
  std::ofstream out(case_dir / "case.json");
  out << c.dump();
  return out ? "" : "cannot write " + (case_dir / "case.json").string();
}

std::string RunTfjsRunner(const std::string& node, const fs::path& runner,
                          const fs::path& oracles_dir, const fs::path& list_file, int timeout_s) {
  const fs::path log = list_file.parent_path() / "runner.log";
  const std::string cmd = "timeout " + std::to_string(timeout_s) + " " + ShellQuote(node) + " " +
                          ShellQuote(runner.string()) + " " + ShellQuote(oracles_dir.string()) +
                          " " + ShellQuote(list_file.string()) + " > " +
                          ShellQuote(log.string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  if (rc == 0) return "";
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string tail = ss.str();
  if (tail.size() > 300) tail = tail.substr(tail.size() - 300);
  return "tfjs_runner.js failed (status " + std::to_string(rc) + "): " + tail;
}

std::string CompareTfjsCase(const fs::path& test_dir, const fs::path& case_dir) {
  try {  // a malformed result.json (nlohmann::json throws) is this test's failure
    std::ifstream in(case_dir / "result.json");
    if (!in) return "tfjs: no result (the runner did not reach this test)";
    json r;
    try {
      in >> r;
    } catch (const std::exception& e) {
      return std::string("tfjs: result.json: ") + e.what();
    }
    if (r.contains("error")) return "tfjs: " + r["error"].get<std::string>();
    const std::vector<fs::path> sets = DataSets(test_dir);
    if (!r.contains("sets") || r["sets"].size() != sets.size())
      return "tfjs: result.json does not hold every data set";
    for (size_t s = 0; s < sets.size(); ++s) {
      const std::string where = sets[s].filename().string() + ": ";
      const json& outs = r["sets"][s]["outputs"];
      const std::vector<fs::path> expected_files = SortedTestDataFiles(sets[s], "output_");
      if (expected_files.size() != outs.size())
        return where + "TF.js produced " + std::to_string(outs.size()) + " outputs, " +
               std::to_string(expected_files.size()) + " expected";
      for (size_t i = 0; i < outs.size(); ++i) {
        const std::string dt = outs[i]["dtype"].get<std::string>();
        const DataType t = dt == "float32" ? DataType::kFloat32
                           : dt == "int32" ? DataType::kInt32
                           : dt == "bool"  ? DataType::kBool
                                           : DataType::kUndefined;
        if (t == DataType::kUndefined) return where + "output " + std::to_string(i) + " has TF.js dtype " + dt;
        Tensor actual(t, Shape(outs[i]["shape"].get<std::vector<int64_t>>()));
        std::ifstream bin(case_dir / outs[i]["file"].get<std::string>(), std::ios::binary);
        bin.read(static_cast<char*>(actual.raw_data()), static_cast<std::streamsize>(actual.NumBytes()));
        if (!bin) return where + "cannot read TF.js output " + std::to_string(i);
        auto expected = onnx::ReadTensorProtoFile(expected_files[i].string());
        if (!expected.ok()) return where + expected.status().message();
        const std::string mismatch =
            AllCloseMismatch(Widen(actual, expected->dtype()), *expected, Tolerance{});
        if (!mismatch.empty())
          return where + "output " + std::to_string(i) + ": " + NarrowingNote(*expected) + mismatch;
      }
    }
    return "";
  } catch (const std::exception& e) {
    return std::string("tfjs: result.json: ") + e.what();
  }
}

}  // namespace ferry::conformance
