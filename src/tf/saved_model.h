// SavedModel (TF1-style, frozen: Consts only, empty variables/) and the entry points of the
// TF formats: this header is what the rest of ferry includes.
//
// dir/saved_model.pb = SavedModel{schema version 1, one MetaGraphDef{tags ["serve"], the
// GraphDef, signature_def["serving_default"] = {inputs, outputs keyed by IR value names,
// TensorInfo "node:0", method "tensorflow/serving/predict"}}}; dir/variables/ is empty,
// which TF's loader accepts (it skips the restore when variables.index is absent).
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "ir/graph.h"
#include "tf/graph_def.h"
#include "tf/options.h"
#include "tf/tfjs.h"

namespace ferry::tf {

inline constexpr char kServeTag[] = "serve";
inline constexpr char kServingSignature[] = "serving_default";
inline constexpr char kPredictMethod[] = "tensorflow/serving/predict";

Status WriteSavedModel(const ir::Graph& g, const std::string& dir, const WriteOptions& options);

// Reads dir/saved_model.pb: the meta graph tagged "serve" (or the only one), signature
// "serving_default" (or the only one; none: Placeholders and unconsumed nodes).
StatusOr<std::shared_ptr<ir::Graph>> ReadSavedModel(const std::string& dir);

// Detects the format of `path` and reads it: a folder holding saved_model.pb (SavedModel) or
// model.json (TF.js), a model.json file, a saved_model.pb file, or any other file as a frozen
// GraphDef.
StatusOr<std::shared_ptr<ir::Graph>> LoadTfModel(const std::string& path,
                                                 const LoadOptions& options = {});

}  // namespace ferry::tf
