// The steps of the guide's pipeline that both their own subcommand and `demo` run.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace ferry::cli {

struct ConvertRequest {
  std::string onnx_path;
  std::string saved_model_dir;  // empty: not written
  std::string frozen_pb;
  std::string tfjs_dir;
  bool force = false;
  bool keep_nchw = false;            // --keep-nchw
  std::string input_layout = "NCHW";  // --input-layout NCHW|NHWC
  // --overwrite-input-shape NAME:D0,D1,...: fixes an input's shape (named dims included).
  std::vector<std::string> overwrite_input_shapes;
};

// Parses "name:1,3,224,224" (dims >= 0; -1 leaves a dim dynamic).
StatusOr<std::pair<std::string, std::vector<int64_t>>> ParseInputShape(const std::string& flag);

// Sets the shapes of the named graph inputs (rank must agree with a known rank), then
// re-runs onnx shape inference over the intermediate values so that the fixed dims reach
// them.
Status OverwriteInputShapes(ir::Graph& onnx, const std::vector<std::string>& flags);

struct ConvertResult {
  double load_ms = 0, convert_ms = 0, write_ms = 0;
  int onnx_nodes = 0, tf_nodes = 0, transposes = 0;
  std::vector<std::string> written;  // "path (N bytes)"
  std::vector<std::string> notes;    // dtype down-casts for TF.js and the like
  std::string ToText() const;
};

StatusOr<ConvertResult> Convert(const ConvertRequest& request);

struct ExportRequest {
  std::string checkpoint;
  std::string onnx_path;
  int opset = 13;
  int64_t batch = -1;  // -1: dynamic
  bool force = false;
};

// Exports a ferry checkpoint to ONNX; the file passes the onnx checker and shape inference.
Status ExportCheckpoint(const ExportRequest& request);

// Size of a file, or the total of a folder's files, in bytes.
int64_t PathBytes(const std::string& path);

}  // namespace ferry::cli
