// Opens any model ferry knows as a check::ModelRunner, by looking at the path:
// a ferry checkpoint or TorchScript file (.pt/.ckpt: libtorch), .onnx (ferry's ONNX
// runtime), a SavedModel folder, a frozen .pb, or a TF.js folder / model.json (ferry's TF
// runtime).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "check/model_runner.h"
#include "check/per_node.h"
#include "core/status.h"
#include "ir/graph.h"
#include "runtime/profile.h"

namespace ferry::cli {

enum class ModelFormat { kTorch, kOnnx, kSavedModel, kFrozenPb, kTfjs };

const char* ModelFormatName(ModelFormat f);
StatusOr<ModelFormat> DetectFormat(const std::string& path);

struct OpenOptions {
  int num_threads = 0;
  // Off for run-only commands: the session gives up the graph as given once optimized
  // (runtime::SessionOptions::keep_original_graph); per-node checks need it on.
  bool keep_original_graph = true;
  // Per-step wall times of every run (runtime::SessionOptions::profile; ONNX and TF only).
  std::shared_ptr<runtime::StepProfile> profile;
};

StatusOr<std::unique_ptr<check::ModelRunner>> OpenModel(const std::string& path,
                                                        const OpenOptions& options = {});

// The IR graph of an ONNX or TF model (not of a torch checkpoint).
StatusOr<std::shared_ptr<ir::Graph>> LoadGraph(const std::string& path, ModelFormat* format);

// A loaded ONNX or TF graph as a runner (ferry's ONNX or TF op set by `format`); `label`
// prefixes errors.
StatusOr<std::unique_ptr<check::ModelRunner>> OpenGraph(std::shared_ptr<ir::Graph> g,
                                                        ModelFormat format,
                                                        const std::string& label,
                                                        const OpenOptions& options = {});

bool IsTfFormat(ModelFormat f);

// The per-node check's links between an ONNX graph and the TF graph converted from it, from
// the converter's record in the TF graph (tf::SourceValue): graph inputs first, then every
// node's outputs in topological order.
StatusOr<std::vector<check::ValueLink>> LinkValues(const ir::Graph& onnx, const ir::Graph& tf);

// B inputs that take the ONNX input transposed (a model converted with --input-layout NHWC).
std::map<std::string, std::vector<int64_t>> InputPerms(const ir::Graph& tf);

}  // namespace ferry::cli
