// Opens any model ferry knows as a check::ModelRunner, by looking at the path:
// a ferry checkpoint or TorchScript file (.pt/.ckpt: libtorch), .onnx (ferry's ONNX
// runtime), a SavedModel folder, a frozen .pb, or a TF.js folder / model.json (ferry's TF
// runtime).
#pragma once

#include <memory>
#include <string>

#include "check/model_runner.h"
#include "core/status.h"
#include "ir/graph.h"

namespace ferry::cli {

enum class ModelFormat { kTorch, kOnnx, kSavedModel, kFrozenPb, kTfjs };

const char* ModelFormatName(ModelFormat f);
StatusOr<ModelFormat> DetectFormat(const std::string& path);

struct OpenOptions {
  int num_threads = 0;
};

StatusOr<std::unique_ptr<check::ModelRunner>> OpenModel(const std::string& path,
                                                        const OpenOptions& options = {});

// The IR graph of an ONNX or TF model (not of a torch checkpoint).
StatusOr<std::shared_ptr<ir::Graph>> LoadGraph(const std::string& path, ModelFormat* format);

}  // namespace ferry::cli
