#include "cli/pipeline.h"

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>

#include "cli/io_flags.h"
#include "convert/onnx_to_tf/convert.h"
#include "onnx/model_io.h"
#include "tf/saved_model.h"
#include "tf/tfjs_dtypes.h"
#include "torch/backend.h"
#include "torch/onnx_export.h"

namespace ferry::cli {
namespace fs = std::filesystem;

namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int64_t PathBytes(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return static_cast<int64_t>(fs::file_size(path, ec));
  int64_t total = 0;
  if (fs::is_directory(path, ec))
    for (const auto& e : fs::recursive_directory_iterator(path, ec))
      if (e.is_regular_file(ec)) total += static_cast<int64_t>(e.file_size(ec));
  return total;
}

std::string ConvertResult::ToText() const {
  std::string s;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "converted %d ONNX nodes to %d TF nodes (%d Transpose) in %.1f ms "
                "(load %.1f ms, write %.1f ms)\n",
                onnx_nodes, tf_nodes, transposes, convert_ms, load_ms, write_ms);
  s += buf;
  for (const auto& w : written) s += "  wrote " + w + "\n";
  for (const auto& n : notes) s += "  note: " + n + "\n";
  return s;
}

StatusOr<std::pair<std::string, std::vector<int64_t>>> ParseInputShape(const std::string& flag) {
  const size_t colon = flag.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == flag.size())
    return InvalidArgument("--overwrite-input-shape '" + flag +
                           "': expected NAME:D0,D1,... (e.g. input:1,3,224,224)");
  std::vector<int64_t> dims;
  const std::string list = flag.substr(colon + 1);
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string::npos) end = list.size();
    const std::string item = list.substr(pos, end - pos);
    char* rest = nullptr;
    const long long d = item.empty() ? -2 : std::strtoll(item.c_str(), &rest, 10);
    if (item.empty() || *rest != '\0' || d < -1)
      return InvalidArgument("--overwrite-input-shape '" + flag + "': dim '" + item +
                             "' is not a number >= -1");
    dims.push_back(d);
    pos = end + 1;
  }
  return std::make_pair(flag.substr(0, colon), dims);
}

Status OverwriteInputShapes(ir::Graph& onnx, const std::vector<std::string>& flags) {
  if (flags.empty()) return Status::Ok();
  for (const std::string& flag : flags) {
    FERRY_ASSIGN_OR_RETURN(auto parsed, ParseInputShape(flag));
    const auto& [name, dims] = parsed;
    ir::Value* in = nullptr;
    for (ir::Value* v : onnx.inputs())
      if (v->name() == name && !v->is_constant()) in = v;
    if (!in) {
      std::string names;
      for (const ir::Value* v : onnx.inputs())
        if (!v->is_constant()) names += (names.empty() ? "'" : ", '") + v->name() + "'";
      return InvalidArgument("--overwrite-input-shape " + flag + ": the model has no input '" +
                             name + "' (inputs: " + names + ")");
    }
    if (in->info().shape && in->info().shape->size() != dims.size())
      return InvalidArgument("--overwrite-input-shape " + flag + ": input '" + name +
                             "' has rank " + std::to_string(in->info().shape->size()) + ", not " +
                             std::to_string(dims.size()));
    std::vector<ir::Dim> shape;
    for (int64_t d : dims) shape.push_back(d < 0 ? ir::Dim::Unknown() : ir::Dim::Known(d));
    in->info().shape = shape;
  }
  // Intermediate shapes recorded in the file still carry the old symbolic dims: forget them
  // and let shape inference derive them from the new input shapes.
  for (ir::Value* v : onnx.values())
    if (!v->is_constant() && v->producer()) v->info().shape.reset();
  return onnx::InferShapes(onnx).WithContext("--overwrite-input-shape");
}

StatusOr<ConvertResult> Convert(const ConvertRequest& r) {
  // Refuse occupied outputs before doing any work.
  if (!r.saved_model_dir.empty())
    FERRY_RETURN_IF_ERROR(CheckOutputPath(r.saved_model_dir, r.force, "-o"));
  if (!r.tfjs_dir.empty()) FERRY_RETURN_IF_ERROR(CheckOutputPath(r.tfjs_dir, r.force, "--tfjs"));
  if (!r.frozen_pb.empty())
    FERRY_RETURN_IF_ERROR(CheckOutputPath(r.frozen_pb, r.force, "--frozen-pb"));
  if (r.input_layout != "NCHW" && r.input_layout != "NHWC")
    return InvalidArgument("--input-layout " + r.input_layout + ": expected NCHW or NHWC");
  for (const std::string& flag : r.overwrite_input_shapes)
    FERRY_RETURN_IF_ERROR(ParseInputShape(flag).status());

  ConvertResult result;
  auto t0 = std::chrono::steady_clock::now();
  // The weights stay in the .onnx file until read: the converter reads those it rewrites, and
  // the writers copy the others file to file (core/file_bytes.h).
  onnx::LoadOptions lo;
  lo.lazy_weights = true;
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> onnx_graph, onnx::LoadModel(r.onnx_path, lo));
  result.load_ms = MsSince(t0);
  result.onnx_nodes = onnx_graph->num_nodes();

  t0 = std::chrono::steady_clock::now();
  FERRY_RETURN_IF_ERROR(OverwriteInputShapes(*onnx_graph, r.overwrite_input_shapes));
  convert::ConvertOptions co;
  co.keep_nchw = r.keep_nchw;
  co.input_nhwc = r.input_layout == "NHWC";
  auto tf_graph = convert::ConvertOnnxToTf(*onnx_graph, co);
  if (!tf_graph.ok()) return tf_graph.status().WithContext(r.onnx_path);
  result.convert_ms = MsSince(t0);
  // The TF graph shares the weights it did not have to re-lay; the rest of the ONNX graph
  // goes now, before the writers build their protos (peak memory, docs/CONVERT.md).
  onnx_graph.reset();
  result.tf_nodes = (*tf_graph)->num_nodes();
  for (const auto& n : (*tf_graph)->nodes()) result.transposes += n->op_type() == "Transpose";

  t0 = std::chrono::steady_clock::now();
  tf::WriteOptions wo;
  wo.force = r.force;
  if (!r.saved_model_dir.empty()) {
    FERRY_RETURN_IF_ERROR(tf::WriteSavedModel(**tf_graph, r.saved_model_dir, wo));
    result.written.push_back(r.saved_model_dir + " (SavedModel, " +
                             std::to_string(PathBytes(r.saved_model_dir)) + " bytes)");
  }
  if (!r.frozen_pb.empty()) {
    FERRY_RETURN_IF_ERROR(tf::WriteFrozenGraph(**tf_graph, r.frozen_pb, wo));
    result.written.push_back(r.frozen_pb + " (frozen GraphDef, " +
                             std::to_string(PathBytes(r.frozen_pb)) + " bytes)");
  }
  if (!r.tfjs_dir.empty()) {
    std::vector<std::string> notes;
    FERRY_RETURN_IF_ERROR(tf::WriteTfjs(**tf_graph, r.tfjs_dir, wo, &notes));
    result.written.push_back(r.tfjs_dir + " (TF.js graph model, " +
                             std::to_string(PathBytes(r.tfjs_dir)) + " bytes)");
    result.notes.insert(result.notes.end(), notes.begin(), notes.end());
    // The values TF.js computes in float32/int32 instead of their TF dtype (float64, int64, ...).
    for (const std::string& note : tf::TfjsDtypeNotes(**tf_graph)) result.notes.push_back(note);
  }
  result.write_ms = MsSince(t0);
  return result;
}

Status ExportCheckpoint(const ExportRequest& r) {
  if (r.opset < 11 || r.opset > 17)
    return InvalidArgument("--opset " + std::to_string(r.opset) + ": ferry exports opsets 11 to 17");
  if (r.batch == 0 || r.batch < -1)
    return InvalidArgument("--batch " + std::to_string(r.batch) + ": expected 'dynamic' or N >= 1");
  FERRY_RETURN_IF_ERROR(CheckOutputPath(r.onnx_path, r.force, "-o"));
  FERRY_ASSIGN_OR_RETURN(const torch::TorchBackend* backend, torch::LoadTorchBackend());
  FERRY_ASSIGN_OR_RETURN(torch::SimpleCnnWeights weights, backend->LoadCheckpoint(r.checkpoint));
  torch::ExportOptions eo;
  eo.opset = r.opset;
  eo.batch = r.batch;
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> g, torch::BuildSimpleCnnOnnxGraph(weights, eo));
  // SaveModel runs the onnx checker and shape inference and writes atomically.
  return onnx::SaveModel(*g, r.onnx_path);
}

}  // namespace ferry::cli
