#include "cli/pipeline.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli/io_flags.h"
#include "convert/onnx_to_tf/convert.h"
#include "onnx/model_io.h"
#include "tf/saved_model.h"
#include "torch/checkpoint.h"
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

StatusOr<ConvertResult> Convert(const ConvertRequest& r) {
  // Refuse occupied outputs before doing any work.
  if (!r.saved_model_dir.empty())
    FERRY_RETURN_IF_ERROR(CheckOutputPath(r.saved_model_dir, r.force, "-o"));
  if (!r.tfjs_dir.empty()) FERRY_RETURN_IF_ERROR(CheckOutputPath(r.tfjs_dir, r.force, "--tfjs"));
  if (!r.frozen_pb.empty())
    FERRY_RETURN_IF_ERROR(CheckOutputPath(r.frozen_pb, r.force, "--frozen-pb"));

  ConvertResult result;
  auto t0 = std::chrono::steady_clock::now();
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> onnx_graph, onnx::LoadModel(r.onnx_path));
  result.load_ms = MsSince(t0);
  result.onnx_nodes = onnx_graph->num_nodes();

  t0 = std::chrono::steady_clock::now();
  auto tf_graph = convert::ConvertOnnxToTf(*onnx_graph, convert::ConvertOptions{});
  if (!tf_graph.ok()) return tf_graph.status().WithContext(r.onnx_path);
  result.convert_ms = MsSince(t0);
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
    FERRY_RETURN_IF_ERROR(tf::WriteFrozenGraph(**tf_graph, r.frozen_pb));
    result.written.push_back(r.frozen_pb + " (frozen GraphDef, " +
                             std::to_string(PathBytes(r.frozen_pb)) + " bytes)");
  }
  if (!r.tfjs_dir.empty()) {
    std::vector<std::string> notes;
    FERRY_RETURN_IF_ERROR(tf::WriteTfjs(**tf_graph, r.tfjs_dir, wo, &notes));
    result.written.push_back(r.tfjs_dir + " (TF.js graph model, " +
                             std::to_string(PathBytes(r.tfjs_dir)) + " bytes)");
    result.notes.insert(result.notes.end(), notes.begin(), notes.end());
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
  FERRY_ASSIGN_OR_RETURN(torch::SimpleCnnWeights weights, torch::LoadCheckpoint(r.checkpoint));
  torch::ExportOptions eo;
  eo.opset = r.opset;
  eo.batch = r.batch;
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> g, torch::BuildSimpleCnnOnnxGraph(weights, eo));
  // SaveModel runs the onnx checker and shape inference and writes atomically.
  return onnx::SaveModel(*g, r.onnx_path);
}

}  // namespace ferry::cli
