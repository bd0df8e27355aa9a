// The server end to end over loopback HTTP, with fake models (fake_models.h): every endpoint
// against expected JSON, the error codes, batching, hot reload and shutdown.
#include "serve/server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <sys/socket.h>

#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "fake_models.h"

namespace ferry::serve {
namespace {

using json = nlohmann::json;
using testing::FakeLoader;
using testing::RunLog;
using testing::TempDir;
using testing::WriteVersion;

struct Reply {
  int status = -1;
  std::string text;
  json body;
};

Reply Call(int port, const std::string& method, const std::string& path,
           const std::string& body = "") {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(20, 0);
  httplib::Result res = method == "GET" ? cli.Get(path.c_str())
                                        : cli.Post(path.c_str(), body, "application/json");
  Reply r;
  if (!res) return r;
  r.status = res->status;
  r.text = res->body;
  r.body = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  return r;
}
Reply Get(int port, const std::string& path) { return Call(port, "GET", path); }
Reply Post(int port, const std::string& path, const std::string& body) {
  return Call(port, "POST", path, body);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::make_shared<RunLog>();
    WriteVersion(dir_.path() / "m", 1, "factor 1\n");
    WriteVersion(dir_.path() / "m", 2, "factor 2\n");
    WriteVersion(dir_.path() / "multi", 1, "kind multi\n");
    WriteVersion(dir_.path() / "strings", 5, "kind strings\n");
  }

  ServerOptions Options() {
    ServerOptions o;
    ModelConfig m;
    m.name = "m";
    m.base_path = (dir_.path() / "m").string();
    m.version_labels = {{"stable", 1}, {"canary", 2}};
    m.version_policy.kind = VersionPolicy::Kind::kAll;
    ModelConfig multi{"multi", (dir_.path() / "multi").string()};
    ModelConfig strings{"strings", (dir_.path() / "strings").string()};
    o.models = {m, multi, strings};
    o.loader = FakeLoader(log_);
    o.port = 0;
    o.http_threads = 32;
    o.poll_wait_seconds = 1;
    o.log = [](const std::string&) {};
    return o;
  }

  void Start(ServerOptions o) {
    auto s = Server::Start(std::move(o));
    ASSERT_TRUE(s.ok()) << s.status().message();
    server_ = std::move(s).value();
    port_ = server_->port();
    ASSERT_GT(port_, 0);
  }

  TempDir dir_;
  std::shared_ptr<RunLog> log_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

TEST_F(ServerTest, ModelStatusAsTfServing) {
  Start(Options());
  Reply r = Get(port_, "/v1/models/m");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"model_version_status": [
      {"version": "2", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}},
      {"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
  ]})"));
  r = Get(port_, "/v1/models/m/versions/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["model_version_status"].size(), 1u);
  EXPECT_EQ(r.body["model_version_status"][0]["version"], "1");
  r = Get(port_, "/v1/models/m/labels/canary");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["model_version_status"][0]["version"], "2");
  EXPECT_EQ(Get(port_, "/v1/models/m/versions/9").status, 404);
  EXPECT_EQ(Get(port_, "/v1/models/m/labels/nope").status, 404);
  r = Get(port_, "/v1/models/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, json::parse(R"({"error": "Could not find any versions of model nope"})"));
}

TEST_F(ServerTest, MetadataIsASignatureDef) {
  Start(Options());
  Reply r = Get(port_, "/v1/models/m/metadata");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({
    "model_spec": {"name": "m", "signature_name": "", "version": "2"},
    "metadata": {"signature_def": {"signature_def": {"serving_default": {
      "inputs": {"x": {"dtype": "DT_FLOAT", "name": "x", "tensor_shape": {
          "dim": [{"size": "-1", "name": ""}, {"size": "3", "name": ""}], "unknown_rank": false}}},
      "outputs": {"y": {"dtype": "DT_FLOAT", "name": "y", "tensor_shape": {
          "dim": [{"size": "-1", "name": ""}, {"size": "3", "name": ""}], "unknown_rank": false}}},
      "method_name": "tensorflow/serving/predict"}}}}})"));
  r = Get(port_, "/v1/models/m/versions/1/metadata");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["model_spec"]["version"], "1");
}

TEST_F(ServerTest, PredictRowAndColumnar) {
  Start(Options());
  Reply r = Post(port_, "/v1/models/m:predict", R"({"instances": [[1, 2, 3], [0.5, -1, 4]]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"predictions": [[2, 4, 6], [1, -2, 8]]})"));
  r = Post(port_, "/v1/models/m/versions/1:predict", R"({"inputs": [[1, 2, 3]]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"outputs": [[1, 2, 3]]})"));
  r = Post(port_, "/v1/models/m/labels/stable:predict",
           R"({"signature_name": "serving_default", "inputs": {"x": [[1, 1, 1]]}})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"outputs": [[1, 1, 1]]})"));
}

TEST_F(ServerTest, PredictEveryDtypeWithSeveralInputs) {
  Start(Options());
  Reply r = Post(port_, "/v1/models/multi:predict", R"({"instances": [
      {"a": [1, 2], "b": 10, "c": true, "d": 0.25, "e": 7},
      {"a": [3, 4], "b": -5, "c": false, "d": 1.5, "e": 0}]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"predictions": [
      {"sum": 3, "b_plus_1": 11, "not_c": false, "d_times_2": 0.5, "e_minus_1": 6},
      {"sum": 7, "b_plus_1": -4, "not_c": true, "d_times_2": 3.0, "e_minus_1": -1}]})"));
  r = Post(port_, "/v1/models/multi:predict",
           R"({"inputs": {"a": [[1, 2]], "b": [1], "c": [true], "d": [2], "e": [3]}})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"outputs": {"sum": [3], "b_plus_1": [2], "not_c": [false],
                                    "d_times_2": [4.0], "e_minus_1": [2]}})"));
}

TEST_F(ServerTest, B64InAndOut) {
  Start(Options());
  Reply r = Post(port_, "/v1/models/strings:predict",
                 R"({"instances": [{"b64": "aGVsbG8="}, "abc"]})");
  ASSERT_EQ(r.status, 200) << r.text;
  // "echo_bytes" ends in _bytes: TF Serving's rule for base64 output.
  EXPECT_EQ(r.body, json::parse(R"({"predictions": [
      {"length": 5, "echo_bytes": {"b64": "aGVsbG8="}},
      {"length": 3, "echo_bytes": {"b64": "YWJj"}}]})"));
}

TEST_F(ServerTest, BadRequestsAre400WithAMessage) {
  Start(Options());
  struct Case {
    std::string body;
    std::string message;
  };
  const std::vector<Case> cases = {
      {R"({"instances": [[1, 2, 3]})", "JSON Parse error"},
      {"", "no body"},
      {R"({"instances": [[1, 2]]})", "shape [1,2]"},
      {R"({"instances": [[1, 2, "x"]]})", "expected a number"},
      {R"({"inputs": {"y": [[1, 2, 3]]}})", "input 'y'"},
      {R"({"instances": [[1, 2, 3]], "signature_name": "other"})", "other"},
      {std::string(200, '[') + std::string(200, ']'), "nested deeper"},
  };
  for (const Case& c : cases) {
    Reply r = Post(port_, "/v1/models/m:predict", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.text;
    ASSERT_TRUE(r.body.is_object() && r.body.contains("error")) << r.text;
    EXPECT_NE(r.body["error"].get<std::string>().find(c.message), std::string::npos)
        << c.body << " -> " << r.text;
  }
  Reply r = Post(port_, "/v1/models/multi:predict",
                 R"({"inputs": {"a": [[1, 2]], "b": [1], "c": [true], "d": [2]}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, json::parse(R"({"error": "missing input 'e'"})"));
  r = Post(port_, "/v1/models/multi:predict",
           R"({"inputs": {"a": [[1, 2]], "b": [1.5], "c": [true], "d": [2], "e": [1]}})");
  EXPECT_EQ(r.status, 400);
  // The server is still fine after all that.
  EXPECT_EQ(Post(port_, "/v1/models/m:predict", R"({"instances": [[1, 2, 3]]})").status, 200);
}

TEST_F(ServerTest, UnknownModelVersionOrPathIs404) {
  Start(Options());
  Reply r = Post(port_, "/v1/models/nope:predict", R"({"instances": [[1, 2, 3]]})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, json::parse(R"j({"error": "Servable not found for request: Latest(nope)"})j"));
  r = Post(port_, "/v1/models/m/versions/7:predict", R"({"instances": [[1, 2, 3]]})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body,
            json::parse(R"j({"error": "Servable not found for request: Specific(m, 7)"})j"));
  EXPECT_EQ(Get(port_, "/v1/models/m:predict").status, 404);  // wrong method
  EXPECT_EQ(Get(port_, "/v1/models/m/versions/x").status, 404);
  EXPECT_EQ(Get(port_, "/v3/anything").status, 404);
  EXPECT_EQ(Post(port_, "/v1/models/m:explode", "{}").status, 404);
  r = Call(port_, "GET", "/");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.body.contains("error"));
}

// curl -d sends application/x-www-form-urlencoded, as TF Serving's examples do.
TEST_F(ServerTest, FormEncodedContentTypeIsReadAsJson) {
  Start(Options());
  std::string body = R"({"instances": [)";
  for (int i = 0; i < 2000; ++i) body += std::string(i ? "," : "") + "[1,2,3]";
  body += "]}";
  ASSERT_GT(body.size(), 8192u);
  httplib::Client cli("127.0.0.1", port_);
  auto res = cli.Post("/v1/models/m:predict", body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body.substr(0, 200);
  EXPECT_EQ(json::parse(res->body)["predictions"].size(), 2000u);
}

TEST_F(ServerTest, BodyOverTheLimitIs413) {
  ServerOptions o = Options();
  o.max_body_bytes = 1000;
  Start(std::move(o));
  std::string big = R"({"instances": [)";
  for (int i = 0; i < 200; ++i) big += std::string(i ? "," : "") + "[1,2,3]";
  big += "]}";
  ASSERT_GT(big.size(), 1000u);
  Reply r = Post(port_, "/v1/models/m:predict", big);
  EXPECT_EQ(r.status, 413) << r.text;
  EXPECT_NE(r.text.find("max_body_bytes"), std::string::npos) << r.text;
  EXPECT_EQ(Post(port_, "/v1/models/m:predict", R"({"instances": [[1, 2, 3]]})").status, 200);
}

TEST_F(ServerTest, KServeV2) {
  Start(Options());
  EXPECT_EQ(Get(port_, "/v2/health/live").body, json::parse(R"({"live": true})"));
  Reply r = Get(port_, "/v2/health/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json::parse(R"({"ready": true})"));
  r = Get(port_, "/v2/models/m");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"name": "m", "versions": ["2", "1"],
      "platform": "onnxruntime_onnx",
      "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 3]}],
      "outputs": [{"name": "y", "datatype": "FP32", "shape": [-1, 3]}]})"));
  EXPECT_EQ(Get(port_, "/v2/models/m/ready").body, json::parse(R"({"name":"m","ready":true})"));
  EXPECT_EQ(Get(port_, "/v2/models/m/versions/1/ready").status, 200);
  EXPECT_EQ(Get(port_, "/v2/models/m/versions/3/ready").status, 400);
  EXPECT_EQ(Get(port_, "/v2/models/nope/ready").status, 404);
  r = Post(port_, "/v2/models/m/versions/1/infer", R"({"id": "a1", "inputs": [
      {"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6]}]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"model_name": "m", "model_version": "1", "id": "a1",
      "outputs": [{"name": "y", "datatype": "FP32", "shape": [2, 3],
                   "data": [1, 2, 3, 4, 5, 6]}]})"));
  r = Post(port_, "/v2/models/multi/infer", R"({"inputs": [
      {"name": "a", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]},
      {"name": "b", "shape": [1], "datatype": "INT64", "data": [41]},
      {"name": "c", "shape": [1], "datatype": "BOOL", "data": [false]},
      {"name": "d", "shape": [1], "datatype": "FP64", "data": [0.125]},
      {"name": "e", "shape": [1], "datatype": "INT32", "data": [-9]}],
      "outputs": [{"name": "b_plus_1"}, {"name": "not_c"}, {"name": "d_times_2"},
                  {"name": "e_minus_1"}]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json::parse(R"({"model_name": "multi", "model_version": "1", "outputs": [
      {"name": "b_plus_1", "datatype": "INT64", "shape": [1], "data": [42]},
      {"name": "not_c", "datatype": "BOOL", "shape": [1], "data": [true]},
      {"name": "d_times_2", "datatype": "FP64", "shape": [1], "data": [0.25]},
      {"name": "e_minus_1", "datatype": "INT32", "shape": [1], "data": [-10]}]})"));
  r = Post(port_, "/v2/models/m/infer", R"({"inputs": [
      {"name": "x", "shape": [1, 3], "datatype": "INT32", "data": [1, 2, 3]}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.text.find("datatype INT32, the model expects FP32"), std::string::npos) << r.text;
  EXPECT_EQ(Post(port_, "/v2/models/nope/infer", "{}").status, 404);
  EXPECT_EQ(Post(port_, "/v2/models/m/infer", "{oops").status, 400);
}

TEST_F(ServerTest, MetricsInPrometheusFormat) {
  ServerOptions o = Options();
  o.model_instances = 0;  // runs on the HTTP threads, no PinnedRunner
  Start(std::move(o));
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Post(port_, "/v1/models/m:predict", R"({"instances": [[1, 2, 3]]})").status, 200);
  ASSERT_EQ(Post(port_, "/v1/models/m:predict", "{").status, 400);
  Reply r = Get(port_, "/metrics");
  ASSERT_EQ(r.status, 200);
  const std::string& t = r.text;
  EXPECT_NE(t.find("# TYPE ferry_serve_requests_total counter"), std::string::npos);
  EXPECT_NE(t.find("ferry_serve_requests_total{model=\"m\",api=\"predict\",code=\"200\"} 3\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("ferry_serve_request_errors_total{model=\"m\",api=\"predict\",code=\"400\"} 1"),
            std::string::npos);
  EXPECT_NE(t.find("ferry_serve_request_latency_seconds_bucket{model=\"m\",api=\"predict\","
                   "le=\"+Inf\"} 4"),
            std::string::npos);
  EXPECT_NE(t.find("ferry_serve_request_latency_seconds_count{model=\"m\",api=\"predict\"} 4"),
            std::string::npos);
  EXPECT_NE(t.find("ferry_serve_batch_size_count{model=\"m\"} 3"), std::string::npos) << t;
  EXPECT_NE(t.find("ferry_serve_model_loads_total{model=\"m\",result=\"ok\"} 2"),
            std::string::npos);
  // Unknown names are not labels: a client cannot grow the metrics.
  Post(port_, "/v1/models/zzz:predict", "{}");
  EXPECT_EQ(Get(port_, "/metrics").text.find("zzz"), std::string::npos);
}

TEST_F(ServerTest, FailingVersionIsReportedAndTheOldOneServes) {
  WriteVersion(dir_.path() / "m", 3, "fail\n");
  ServerOptions o = Options();
  o.models[0].version_policy = VersionPolicy{};  // latest 1
  Start(std::move(o));
  Reply r = Get(port_, "/v1/models/m");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["model_version_status"].size(), 2u) << r.text;
  EXPECT_EQ(r.body["model_version_status"][0]["version"], "3");
  EXPECT_EQ(r.body["model_version_status"][0]["state"], "END");
  EXPECT_EQ(r.body["model_version_status"][0]["status"]["error_code"], "INVALID_ARGUMENT");
  EXPECT_NE(r.body["model_version_status"][0]["status"]["error_message"].get<std::string>().find(
                "corrupt model"),
            std::string::npos);
  EXPECT_EQ(r.body["model_version_status"][1]["version"], "2");
  EXPECT_EQ(r.body["model_version_status"][1]["state"], "AVAILABLE");
  r = Post(port_, "/v1/models/m:predict", R"({"instances": [[1, 1, 1]]})");
  EXPECT_EQ(r.body, json::parse(R"({"predictions": [[2, 2, 2]]})"));
  EXPECT_NE(Get(port_, "/metrics").text.find(
                "ferry_serve_model_loads_total{model=\"m\",result=\"error\"} 1"),
            std::string::npos);
}

// A new version written while clients hammer the server is picked up by polling and
// swapped in without a single failed request; the old one is unloaded.
TEST_F(ServerTest, HotLoadUnderLoadWithZeroFailures) {
  ServerOptions o = Options();
  o.models[0].version_policy = VersionPolicy{};  // latest 1: version 2 serves
  o.models[0].version_labels.clear();
  o.poll_wait_seconds = 1;
  Start(std::move(o));
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0}, saw_new{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      httplib::Client cli("127.0.0.1", port_);
      cli.set_keep_alive(true);
      while (!stop) {
        auto res = cli.Post("/v1/models/m:predict", R"({"instances": [[1, 1, 1]]})",
                            "application/json");
        if (!res || res->status != 200) {
          ++failed;
          continue;
        }
        json j = json::parse(res->body);
        const float v = j["predictions"][0][0].get<float>();
        if (v == 2.0f) ++ok;
        else if (v == 5.0f) ++ok, ++saw_new;
        else ++failed;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  WriteVersion(dir_.path() / "m", 3, "factor 5\ndelay_ms 1\n");
  for (int i = 0; i < 100 && saw_new < 50; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_GT(ok, 50);
  EXPECT_GE(saw_new, 50) << "version 3 never served";
  Reply r = Get(port_, "/v1/models/m");
  ASSERT_EQ(r.body["model_version_status"].size(), 2u) << r.text;
  EXPECT_EQ(r.body["model_version_status"][0]["state"], "AVAILABLE");
  EXPECT_EQ(r.body["model_version_status"][1]["version"], "2");
  EXPECT_EQ(r.body["model_version_status"][1]["state"], "END");
}

// Under batching, concurrent HTTP clients get what they would get unbatched, and the batch
// size histogram shows merged runs.
TEST_F(ServerTest, BatchingGivesIdenticalResults) {
  ServerOptions o = Options();
  o.enable_batching = true;
  o.batching.max_batch_size = 16;
  o.batching.batch_timeout_micros = 20000;
  o.batching.num_batch_threads = 2;
  Start(std::move(o));
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 12; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client cli("127.0.0.1", port_);
      for (int i = 0; i < 10; ++i) {
        const float a = c * 100 + i, b = -a / 4;
        json req = {{"instances", {{a, b, 1.0f}}}};
        auto res = cli.Post("/v1/models/m:predict", req.dump(), "application/json");
        if (!res || res->status != 200) {
          ++wrong;
          continue;
        }
        json want = {{"predictions", {{2 * a, 2 * b, 2.0f}}}};
        if (json::parse(res->body) != want) ++wrong;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(wrong, 0);
  int64_t largest = 0;
  for (int64_t rows : log_->batch_rows) largest = std::max(largest, rows);
  EXPECT_GT(largest, 1) << "no requests were merged";
  EXPECT_LT(log_->batch_rows.size(), 120u);
  EXPECT_NE(Get(port_, "/metrics").text.find("ferry_serve_batch_size_count{model=\"m\"} "),
            std::string::npos);
}

TEST_F(ServerTest, IdleConnectionsAreClosed) {
  ServerOptions o = Options();
  o.idle_timeout_seconds = 1;
  Start(std::move(o));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const auto start = std::chrono::steady_clock::now();
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10000), 1) << "the server never closed an idle connection";
  char c;
  EXPECT_EQ(::recv(fd, &c, 1, 0), 0);  // orderly close, no bytes
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(secs, 5.0);
  ::close(fd);
}

// What `ferry serve` does on SIGTERM: stop accepting, finish what is in flight, exit.
TEST_F(ServerTest, TermSignalDrainsInFlightRequests) {
  WriteVersion(dir_.path() / "slow", 1, "delay_ms 700\n");
  ServerOptions o = Options();
  o.models.push_back(ModelConfig{"slow", (dir_.path() / "slow").string()});
  BlockTerminationSignals();
  Start(std::move(o));
  Reply in_flight;
  std::thread client(
      [&] { in_flight = Post(port_, "/v1/models/slow:predict", R"({"instances":[[1,2,3]]})"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  ASSERT_EQ(::raise(SIGTERM), 0);  // blocked: stays pending for sigwait
  EXPECT_EQ(WaitForTerminationSignal(), SIGTERM);
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  client.join();
  EXPECT_EQ(in_flight.status, 200);
  EXPECT_EQ(in_flight.body, json::parse(R"({"predictions": [[2, 4, 6]]})"));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            10.0);
  // Nothing listens any more.
  EXPECT_EQ(Get(port_, "/v2/health/live").status, -1);
}

TEST_F(ServerTest, ModelWithoutVersionsIsNotReady) {
  ServerOptions o = Options();
  o.models.push_back(ModelConfig{"empty", (dir_.path() / "empty").string()});
  Start(std::move(o));
  EXPECT_EQ(Get(port_, "/v2/health/ready").status, 400);
  EXPECT_EQ(Get(port_, "/v2/models/empty/ready").status, 400);
  EXPECT_EQ(Post(port_, "/v1/models/empty:predict", R"({"instances":[[1,2,3]]})").status, 404);
  // A version appears: the poller loads it.
  WriteVersion(dir_.path() / "empty", 1, "factor 4\n");
  Reply r;
  for (int i = 0; i < 50; ++i) {
    r = Post(port_, "/v1/models/empty:predict", R"({"instances":[[1,2,3]]})");
    if (r.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(r.body, json::parse(R"({"predictions": [[4, 8, 12]]})"));
  EXPECT_EQ(Get(port_, "/v2/health/ready").status, 200);
}

TEST(ServerOptionsTest, RejectsBadOptions) {
  ServerOptions o;
  EXPECT_FALSE(Server::Start(o).ok());  // no models
  o.models = {ModelConfig{"m", "/nonexistent"}};
  EXPECT_FALSE(Server::Start(o).ok());  // no loader
  o.loader = FakeLoader();
  o.port = 70000;
  EXPECT_FALSE(Server::Start(o).ok());
}

}  // namespace
}  // namespace ferry::serve
