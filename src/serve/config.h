// What `ferry serve` serves and how: TF Serving's ModelServerConfig and BatchingParameters,
// read from their protobuf text format (tensorflow_serving/config/model_server_config.proto,
// tensorflow_serving/servables/tensorflow/session_bundle_config.proto).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace ferry::serve {

// Which numeric version folders of a base path are served
// (FileSystemStoragePathSourceConfig.ServableVersionPolicy).
struct VersionPolicy {
  enum class Kind { kLatest, kSpecific, kAll };
  Kind kind = Kind::kLatest;
  int64_t num_versions = 1;       // kLatest
  std::vector<int64_t> versions;  // kSpecific
};

struct ModelConfig {
  std::string name;
  std::string base_path;
  std::string model_platform;  // "tensorflow", "onnx", or empty: any format ferry runs
  VersionPolicy version_policy;
  std::map<std::string, int64_t> version_labels;
};

// model_config_list { config { name: "m" base_path: "/models/m" model_platform: "tensorflow"
//   model_version_policy { latest { num_versions: 2 } } version_labels { key: "stable" value: 1 }
// } }. Checks names are unique and non-empty and base paths are set.
StatusOr<std::vector<ModelConfig>> ParseModelConfig(const std::string& text,
                                                    const std::string& source);
StatusOr<std::vector<ModelConfig>> ReadModelConfigFile(const std::string& path);

struct BatchingParameters {
  int64_t max_batch_size = 32;
  int64_t batch_timeout_micros = 1000;
  int64_t num_batch_threads = 2;
  // Batches that may wait per model version before requests are refused (503).
  int64_t max_enqueued_batches = 100;
};

// max_batch_size { value: 32 } batch_timeout_micros { value: 1000 } ... (each a
// google.protobuf.Int64Value; the bare form `max_batch_size: 32` is accepted too).
StatusOr<BatchingParameters> ParseBatchingParameters(const std::string& text,
                                                     const std::string& source);
StatusOr<BatchingParameters> ReadBatchingParametersFile(const std::string& path);

StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace ferry::serve
