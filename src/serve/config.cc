#include "serve/config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "serve/text_format.h"

namespace ferry::serve {
namespace {

Status Unknown(const TextField& f, const std::string& where, const std::string& source) {
  return InvalidArgument(source + ":" + std::to_string(f.line) + ": unknown field '" + f.name +
                         "' in " + where);
}

Status ParsePolicy(const TextMessage& m, const std::string& source, VersionPolicy* p) {
  int kinds = 0;
  for (const TextField& f : m.fields) {
    if (!f.is_message)
      return InvalidArgument(source + ":" + std::to_string(f.line) + ": '" + f.name +
                             "' should be a message");
    ++kinds;
    if (f.name == "latest") {
      p->kind = VersionPolicy::Kind::kLatest;
      p->num_versions = 1;
      if (const TextField* n = f.message->Find("num_versions")) {
        FERRY_ASSIGN_OR_RETURN(p->num_versions, n->AsInt());
        if (p->num_versions < 1)
          return InvalidArgument(source + ":" + std::to_string(n->line) +
                                 ": num_versions must be at least 1");
      }
    } else if (f.name == "specific") {
      p->kind = VersionPolicy::Kind::kSpecific;
      for (const TextField* v : f.message->All("versions")) {
        FERRY_ASSIGN_OR_RETURN(int64_t n, v->AsInt());
        p->versions.push_back(n);
      }
      if (p->versions.empty())
        return InvalidArgument(source + ":" + std::to_string(f.line) +
                               ": model_version_policy.specific lists no versions");
    } else if (f.name == "all") {
      p->kind = VersionPolicy::Kind::kAll;
    } else {
      return Unknown(f, "model_version_policy (expected latest, specific or all)", source);
    }
  }
  if (kinds > 1)
    return InvalidArgument(source + ": model_version_policy sets more than one of "
                           "latest/specific/all");
  return Status::Ok();
}

StatusOr<ModelConfig> ParseOneConfig(const TextMessage& m, const std::string& source) {
  ModelConfig c;
  for (const TextField& f : m.fields) {
    if (f.name == "name") {
      FERRY_ASSIGN_OR_RETURN(c.name, f.AsString());
    } else if (f.name == "base_path") {
      FERRY_ASSIGN_OR_RETURN(c.base_path, f.AsString());
    } else if (f.name == "model_platform") {
      FERRY_ASSIGN_OR_RETURN(c.model_platform, f.AsString());
    } else if (f.name == "model_version_policy") {
      if (!f.is_message) return Unknown(f, "config", source);
      FERRY_RETURN_IF_ERROR(ParsePolicy(*f.message, source, &c.version_policy));
    } else if (f.name == "version_labels") {
      if (!f.is_message) return Unknown(f, "config", source);
      const TextField* k = f.message->Find("key");
      const TextField* v = f.message->Find("value");
      if (!k || !v)
        return InvalidArgument(source + ":" + std::to_string(f.line) +
                               ": version_labels needs a key and a value");
      FERRY_ASSIGN_OR_RETURN(std::string key, k->AsString());
      FERRY_ASSIGN_OR_RETURN(int64_t value, v->AsInt());
      c.version_labels[key] = value;
    } else if (f.name == "model_type" || f.name == "logging_config") {
      // Deprecated / logging-only fields of TF Serving's ModelConfig: accepted, ignored.
    } else {
      return Unknown(f, "config", source);
    }
  }
  if (c.name.empty()) return InvalidArgument(source + ": a config has no name");
  if (c.base_path.empty())
    return InvalidArgument(source + ": model '" + c.name + "' has no base_path");
  if (!c.model_platform.empty() && c.model_platform != "tensorflow" &&
      c.model_platform != "onnx" && c.model_platform != "onnxruntime_onnx")
    return InvalidArgument(source + ": model '" + c.name + "': model_platform '" +
                           c.model_platform + "' is not served (use tensorflow or onnx)");
  return c;
}

}  // namespace

StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

StatusOr<std::vector<ModelConfig>> ParseModelConfig(const std::string& text,
                                                    const std::string& source) {
  FERRY_ASSIGN_OR_RETURN(TextMessage top, ParseTextFormat(text, source));
  std::vector<ModelConfig> out;
  for (const TextField& f : top.fields) {
    if (f.name != "model_config_list" || !f.is_message)
      return InvalidArgument(source + ":" + std::to_string(f.line) + ": expected "
                             "model_config_list { ... }, found '" + f.name + "'");
    for (const TextField& c : f.message->fields) {
      if (c.name != "config" || !c.is_message) return Unknown(c, "model_config_list", source);
      FERRY_ASSIGN_OR_RETURN(ModelConfig mc, ParseOneConfig(*c.message, source));
      out.push_back(std::move(mc));
    }
  }
  if (out.empty()) return InvalidArgument(source + ": model_config_list has no config");
  std::set<std::string> names;
  for (const ModelConfig& c : out)
    if (!names.insert(c.name).second)
      return InvalidArgument(source + ": model '" + c.name + "' is configured twice");
  return out;
}

StatusOr<std::vector<ModelConfig>> ReadModelConfigFile(const std::string& path) {
  FERRY_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ParseModelConfig(text, path);
}

StatusOr<BatchingParameters> ParseBatchingParameters(const std::string& text,
                                                     const std::string& source) {
  FERRY_ASSIGN_OR_RETURN(TextMessage top, ParseTextFormat(text, source));
  BatchingParameters p;
  for (const TextField& f : top.fields) {
    int64_t* target = nullptr;
    if (f.name == "max_batch_size") target = &p.max_batch_size;
    if (f.name == "batch_timeout_micros") target = &p.batch_timeout_micros;
    if (f.name == "num_batch_threads") target = &p.num_batch_threads;
    if (f.name == "max_enqueued_batches") target = &p.max_enqueued_batches;
    if (!target) {
      // TF Serving's other knobs change how batches are padded or split, not results.
      if (f.name == "allowed_batch_sizes" || f.name == "pad_variable_length_inputs" ||
          f.name == "thread_pool_name" || f.name == "enable_large_batch_splitting" ||
          f.name == "max_execution_batch_size")
        continue;
      return Unknown(f, "batching parameters", source);
    }
    const TextField* v = &f;
    if (f.is_message) {
      v = f.message->Find("value");
      if (!v)
        return InvalidArgument(source + ":" + std::to_string(f.line) + ": '" + f.name +
                               "' has no value");
    }
    FERRY_ASSIGN_OR_RETURN(*target, v->AsInt());
  }
  if (p.max_batch_size < 1) return InvalidArgument(source + ": max_batch_size must be >= 1");
  if (p.batch_timeout_micros < 0)
    return InvalidArgument(source + ": batch_timeout_micros must be >= 0");
  if (p.num_batch_threads < 1 || p.num_batch_threads > 256)
    return InvalidArgument(source + ": num_batch_threads must be in [1, 256]");
  if (p.max_enqueued_batches < 1)
    return InvalidArgument(source + ": max_enqueued_batches must be >= 1");
  return p;
}

StatusOr<BatchingParameters> ReadBatchingParametersFile(const std::string& path) {
  FERRY_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ParseBatchingParameters(text, path);
}

}  // namespace ferry::serve
