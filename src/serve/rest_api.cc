#include "serve/rest_api.h"

#include <chrono>
#include <exception>
#include <optional>

#include <nlohmann/json.hpp>

#include "serve/json_parse.h"
#include "serve/tensor_json.h"

namespace ferry::serve {
namespace {

using json = nlohmann::json;

// Deeper JSON than any tensor needs would only serve to exhaust the stack.
constexpr int kMaxJsonDepth = 64;
constexpr char kSignature[] = "serving_default";

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

std::optional<int64_t> ParseVersion(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoll(s);
}

std::string Platform(const check::ModelRunner& r) {
  const std::string k = r.kind();
  if (k == "onnx") return "onnxruntime_onnx";  // the names Triton gives these formats
  if (k == "savedmodel") return "tensorflow_savedmodel";
  if (k == "frozen-pb") return "tensorflow_graphdef";
  if (k == "torch") return "pytorch_libtorch";
  return k;
}

json SpecsAsSignature(const std::vector<check::TensorSpec>& specs) {
  json m = json::object();
  for (const check::TensorSpec& s : specs) {
    json dims = json::array();
    for (int64_t d : s.dims) dims.push_back({{"size", std::to_string(d)}, {"name", ""}});
    json shape = s.has_shape ? json{{"dim", dims}, {"unknown_rank", false}}
                             : json{{"dim", json::array()}, {"unknown_rank", true}};
    m[s.name] = {{"dtype", TfDataTypeName(s.dtype)}, {"tensor_shape", shape}, {"name", s.name}};
  }
  return m;
}

json SpecsAsV2(const std::vector<check::TensorSpec>& specs) {
  json a = json::array();
  for (const check::TensorSpec& s : specs) {
    json dims = json::array();
    for (int64_t d : s.dims) dims.push_back(d);
    a.push_back({{"name", s.name}, {"datatype", KServeDataType(s.dtype)}, {"shape", dims}});
  }
  return a;
}

// Invalid UTF-8 (say, an input name a client sent) is replaced rather than thrown on.
HttpReply JsonReply(int status, const json& j) {
  return {status, j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json"};
}

StatusOr<json> ParseBody(const std::string& body) {
  if (body.empty()) return InvalidArgument("the request has no body (expected JSON)");
  return ParseJson(body, kMaxJsonDepth);
}

}  // namespace

// A request path, parsed: /v1/models/<model>[/versions/<n> | /labels/<l>][/<tail>][:<verb>]
struct RestApi::Target {
  std::string model;
  std::optional<int64_t> version;
  std::string label;
  std::string tail;  // "", "metadata", "ready", "infer"
  std::string verb;  // "", "predict", ...
};

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kUnimplemented: return 501;
    case StatusCode::kFailedPrecondition: return 400;
    case StatusCode::kOutOfRange: return 400;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

const char* TfErrorCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kUnimplemented: return "UNIMPLEMENTED";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kOutOfRange: return "OUT_OF_RANGE";
    case StatusCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

HttpReply ErrorReply(int status, const std::string& message) {
  return JsonReply(status, json{{"error", message}});
}

HttpReply RestApi::Handle(const std::string& method, const std::string& path,
                          const std::string& body) const {
  const auto start = std::chrono::steady_clock::now();
  std::string model, api = "other";
  HttpReply reply;
  try {
    reply = Dispatch(method, path, body, &model, &api);
  } catch (const std::exception& e) {
    // Library code returns Status; this guard keeps a bug from taking the server down.
    reply = ErrorReply(500, std::string("internal error: ") + e.what());
  } catch (...) {
    reply = ErrorReply(500, "internal error");
  }
  if (metrics_) {
    // Only configured names become labels: a client cannot grow the metrics without bound.
    if (!model.empty() && !repository_->HasModel(model)) model.clear();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics_->RecordRequest(model, api, reply.status, secs);
  }
  return reply;
}

HttpReply RestApi::Dispatch(const std::string& method, const std::string& path,
                            const std::string& body, std::string* model, std::string* api) const {
  const HttpReply malformed = ErrorReply(404, "Malformed request: " + method + " " + path);
  if (path == "/metrics" || path == "/monitoring/prometheus/metrics") {
    *api = "metrics";
    if (method != "GET") return malformed;
    return {200, metrics_ ? metrics_->Render() : "", "text/plain; version=0.0.4"};
  }
  const bool v1 = path.rfind("/v1/models/", 0) == 0;
  const bool v2 = path.rfind("/v2", 0) == 0;
  if (!v1 && !v2) return malformed;

  if (v2) {
    if (path == "/v2" || path == "/v2/") {
      *api = "v2_server";
      if (method != "GET") return malformed;
      return JsonReply(200, {{"name", "ferry"}, {"version", "0.1.0"},
                             {"extensions", json::array()}});
    }
    if (path == "/v2/health/live" || path == "/v2/health/ready") {
      *api = "health";
      if (method != "GET") return malformed;
      if (path == "/v2/health/live") return JsonReply(200, {{"live", true}});
      // KServe v2: 200 means ready, a 4xx means not (yet).
      const bool ready = repository_->AllReady();
      return JsonReply(ready ? 200 : 400, {{"ready", ready}});
    }
    if (path.rfind("/v2/models/", 0) != 0) return malformed;
  }

  Target t;
  std::string rest = path.substr(11);  // "/v1/models/" and "/v2/models/" alike
  if (v1) {
    const size_t colon = rest.rfind(':');
    const size_t slash = rest.rfind('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
      t.verb = rest.substr(colon + 1);
      rest.resize(colon);
    }
  }
  std::vector<std::string> seg = Split(rest, '/');
  if (seg.empty() || seg[0].empty()) return malformed;
  t.model = seg[0];
  *model = t.model;
  size_t i = 1;
  if (i + 1 < seg.size() && seg[i] == "versions") {
    t.version = ParseVersion(seg[i + 1]);
    if (!t.version) return malformed;
    i += 2;
  } else if (v1 && i + 1 < seg.size() && seg[i] == "labels") {
    t.label = seg[i + 1];
    if (t.label.empty()) return malformed;
    i += 2;
  }
  if (i < seg.size()) t.tail = seg[i++];
  if (i < seg.size()) return malformed;

  if (v1) {
    if (t.verb.empty() && t.tail.empty()) {
      *api = "status";
      return method == "GET" ? TfStatus(t) : malformed;
    }
    if (t.verb.empty() && t.tail == "metadata") {
      *api = "metadata";
      return method == "GET" ? TfMetadata(t) : malformed;
    }
    if (t.tail.empty() && t.verb == "predict") {
      *api = "predict";
      return method == "POST" ? TfPredict(t, body) : malformed;
    }
    if (t.tail.empty() && (t.verb == "classify" || t.verb == "regress")) {
      *api = t.verb;
      return ErrorReply(400, t.verb + " needs a classification or regression signature; "
                                      "ferry serves predict signatures only");
    }
    return malformed;
  }
  if (t.tail.empty()) {
    *api = "v2_metadata";
    return method == "GET" ? V2ModelMetadata(t) : malformed;
  }
  if (t.tail == "ready") {
    *api = "v2_ready";
    return method == "GET" ? V2ModelReady(t) : malformed;
  }
  if (t.tail == "infer") {
    *api = "infer";
    return method == "POST" ? V2Infer(t, body) : malformed;
  }
  return malformed;
}

HttpReply RestApi::TfStatus(const Target& t) const {
  std::optional<int64_t> version = t.version;
  if (!t.label.empty()) {
    auto sv = repository_->Find(t.model, std::nullopt, t.label);
    if (!sv.ok()) return ErrorReply(HttpStatusOf(sv.status()), sv.status().message());
    version = (*sv)->version();
  }
  auto st = repository_->GetStatus(t.model, version);
  if (!st.ok()) return ErrorReply(HttpStatusOf(st.status()), st.status().message());
  json list = json::array();
  for (const VersionStatus& v : *st) {
    list.push_back({{"version", std::to_string(v.version)},
                    {"state", VersionStateName(v.state)},
                    {"status",
                     {{"error_code", TfErrorCodeName(v.status.code())},
                      {"error_message", v.status.message()}}}});
  }
  return JsonReply(200, {{"model_version_status", list}});
}

HttpReply RestApi::TfMetadata(const Target& t) const {
  auto sv = repository_->Find(t.model, t.version, t.label);
  if (!sv.ok()) return ErrorReply(HttpStatusOf(sv.status()), sv.status().message());
  const check::ModelRunner& r = (*sv)->runner();
  json sig = {{"inputs", SpecsAsSignature(r.inputs())},
              {"outputs", SpecsAsSignature(r.outputs())},
              {"method_name", "tensorflow/serving/predict"}};
  json out = {
      {"model_spec",
       {{"name", t.model}, {"signature_name", ""}, {"version", std::to_string((*sv)->version())}}},
      {"metadata", {{"signature_def", {{"signature_def", {{kSignature, sig}}}}}}}};
  return JsonReply(200, out);
}

HttpReply RestApi::TfPredict(const Target& t, const std::string& body) const {
  auto sv = repository_->Find(t.model, t.version, t.label);
  if (!sv.ok()) return ErrorReply(HttpStatusOf(sv.status()), sv.status().message());
  auto j = ParseBody(body);
  if (!j.ok()) return ErrorReply(400, j.status().message());
  const check::ModelRunner& r = (*sv)->runner();
  auto req = ParsePredictRequest(*j, r.inputs());
  if (!req.ok()) return ErrorReply(HttpStatusOf(req.status()), req.status().message());
  if (!req->signature_name.empty() && req->signature_name != kSignature)
    return ErrorReply(400, "Serving signature name: \"" + req->signature_name +
                               "\" not found in signature def");
  bool queue_full = false;
  auto out = (*sv)->Run(std::move(req->inputs), &queue_full);
  if (queue_full) return ErrorReply(503, out.status().message());
  if (!out.ok()) return ErrorReply(HttpStatusOf(out.status()), out.status().message());
  auto text = WritePredictResponse(*out, r.outputs(), req->row_format);
  if (!text.ok()) return ErrorReply(HttpStatusOf(text.status()), text.status().message());
  return {200, std::move(text).value(), "application/json"};
}

HttpReply RestApi::V2ModelMetadata(const Target& t) const {
  auto sv = repository_->Find(t.model, t.version, "");
  if (!sv.ok()) return ErrorReply(HttpStatusOf(sv.status()), sv.status().message());
  const check::ModelRunner& r = (*sv)->runner();
  json versions = json::array();
  for (int64_t v : repository_->AvailableVersions(t.model)) versions.push_back(std::to_string(v));
  return JsonReply(200, {{"name", t.model},
                         {"versions", versions},
                         {"platform", Platform(r)},
                         {"inputs", SpecsAsV2(r.inputs())},
                         {"outputs", SpecsAsV2(r.outputs())}});
}

HttpReply RestApi::V2ModelReady(const Target& t) const {
  if (!repository_->HasModel(t.model))
    return ErrorReply(404, "Servable not found for request: Latest(" + t.model + ")");
  const bool ready = repository_->Find(t.model, t.version, "").ok();
  return JsonReply(ready ? 200 : 400, {{"name", t.model}, {"ready", ready}});
}

HttpReply RestApi::V2Infer(const Target& t, const std::string& body) const {
  auto sv = repository_->Find(t.model, t.version, "");
  if (!sv.ok()) return ErrorReply(HttpStatusOf(sv.status()), sv.status().message());
  auto j = ParseBody(body);
  if (!j.ok()) return ErrorReply(400, j.status().message());
  const check::ModelRunner& r = (*sv)->runner();
  auto req = ParseInferRequest(*j, r.inputs());
  if (!req.ok()) return ErrorReply(HttpStatusOf(req.status()), req.status().message());
  bool queue_full = false;
  auto out = (*sv)->Run(req->inputs, &queue_full);
  if (queue_full) return ErrorReply(503, out.status().message());
  if (!out.ok()) return ErrorReply(HttpStatusOf(out.status()), out.status().message());
  auto text = WriteInferResponse(*req, *out, r.outputs(), t.model, (*sv)->version());
  if (!text.ok()) return ErrorReply(HttpStatusOf(text.status()), text.status().message());
  return {200, std::move(text).value(), "application/json"};
}

}  // namespace ferry::serve
