// Tensors in and out of the JSON bodies that TF Serving's REST API and KServe's v2 protocol
// use. Inputs are checked against the model's TensorSpecs here, so that a bad request is a
// 400 with a message naming the input and never reaches the runtime.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/model_runner.h"
#include "core/status.h"
#include "core/tensor.h"

namespace ferry::serve {

// TF Serving predict (https://www.tensorflow.org/tfx/serving/api_rest#predict_api):
//   row form      {"signature_name"?: s, "instances": [...]}  -> {"predictions": [...]}
//   columnar form {"signature_name"?: s, "inputs": v | {name: v}} -> {"outputs": v | {name: v}}
struct PredictRequest {
  std::string signature_name;
  bool row_format = true;
  std::vector<Tensor> inputs;  // in the order of the model's input specs
};

StatusOr<PredictRequest> ParsePredictRequest(const nlohmann::json& body,
                                             const std::vector<check::TensorSpec>& specs);

// The response body; row form needs every output's first dim to be the batch size.
StatusOr<std::string> WritePredictResponse(const std::vector<Tensor>& outputs,
                                           const std::vector<check::TensorSpec>& specs,
                                           bool row_format);

// KServe v2 inference
// (https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/):
//   {"id"?, "inputs": [{"name", "shape", "datatype", "data"}], "outputs"?: [{"name"}]}
struct InferRequest {
  std::string id;
  bool has_id = false;
  std::vector<Tensor> inputs;             // in the order of the model's input specs
  std::vector<std::string> output_names;  // empty: all outputs
};

StatusOr<InferRequest> ParseInferRequest(const nlohmann::json& body,
                                         const std::vector<check::TensorSpec>& specs);
StatusOr<std::string> WriteInferResponse(const InferRequest& request,
                                         const std::vector<Tensor>& outputs,
                                         const std::vector<check::TensorSpec>& specs,
                                         const std::string& model_name, int64_t version);

// "FP32", "INT64", ... (KServe v2 tensor data types); empty when there is none.
std::string KServeDataType(DataType t);
// "DT_FLOAT", "DT_INT64", ... (TF's DataType enum names, for signature_def metadata).
std::string TfDataTypeName(DataType t);

std::string Base64Encode(const std::string& bytes);
StatusOr<std::string> Base64Decode(const std::string& text);

// Appends `t` as nested JSON arrays (strings as JSON strings, or {"b64": ...} when b64).
void AppendTensorJson(const Tensor& t, bool b64, std::string* out);

}  // namespace ferry::serve
