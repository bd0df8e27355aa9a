// The HTTP API of `ferry serve`, independent of the HTTP library: a request (method, path,
// body) in, a status code and a JSON body out. Two protocols:
//
// TF Serving REST (https://www.tensorflow.org/tfx/serving/api_rest):
//   GET  /v1/models/M[/versions/N | /labels/L]            model_version_status
//   GET  /v1/models/M[/versions/N | /labels/L]/metadata   signature_def
//   POST /v1/models/M[/versions/N | /labels/L]:predict    row or columnar predict
// KServe v2 / Triton
// (https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/):
//   GET /v2, /v2/health/live, /v2/health/ready, /v2/models/M[/versions/V][/ready]
//   POST /v2/models/M[/versions/V]/infer
// and GET /metrics (also /monitoring/prometheus/metrics, TF Serving's path).
//
// Errors are {"error": "..."} with TF Serving's codes: 400 for a bad request, 404 for an
// unknown model, version or path, 500 for a failure of ferry itself. Nothing a client sends
// can make Handle throw.
#pragma once

#include <string>

#include "serve/metrics.h"
#include "serve/model_repository.h"

namespace ferry::serve {

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class RestApi {
 public:
  RestApi(const ModelRepository* repository, Metrics* metrics)
      : repository_(repository), metrics_(metrics) {}

  // Also records the request in the metrics.
  HttpReply Handle(const std::string& method, const std::string& path,
                   const std::string& body) const;

 private:
  struct Target;  // a parsed path
  HttpReply Dispatch(const std::string& method, const std::string& path, const std::string& body,
                     std::string* model, std::string* api) const;
  HttpReply TfStatus(const Target& t) const;
  HttpReply TfMetadata(const Target& t) const;
  HttpReply TfPredict(const Target& t, const std::string& body) const;
  HttpReply V2ModelMetadata(const Target& t) const;
  HttpReply V2ModelReady(const Target& t) const;
  HttpReply V2Infer(const Target& t, const std::string& body) const;

  const ModelRepository* repository_;
  Metrics* metrics_;
};

// HTTP status TF Serving gives a canonical error code.
int HttpStatusOf(const Status& status);
// "OK", "INVALID_ARGUMENT", ... (TF's canonical error code names).
const char* TfErrorCodeName(StatusCode code);
HttpReply ErrorReply(int status, const std::string& message);

}  // namespace ferry::serve
