// `ferry serve`: the model repository, the REST API and the HTTP listener, together.
//
//   ServerOptions o;  o.models = {...};  o.loader = ...;  o.port = 0;
//   FERRY_ASSIGN_OR_RETURN(auto server, Server::Start(std::move(o)));
//   ... server->port() ...
//   server->Shutdown();  // stops accepting, finishes in-flight requests
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "serve/config.h"
#include "serve/metrics.h"
#include "serve/model_repository.h"
#include "serve/rest_api.h"

namespace httplib {
class Server;
}

namespace ferry::serve {

struct ServerOptions {
  std::vector<ModelConfig> models;
  ModelLoader loader;
  std::string host = "127.0.0.1";
  int port = 8501;  // 0: any free port (see Server::port())
  // HTTP worker threads. A keep-alive connection holds one while it is open, so this bounds
  // the connections served at once; more wait in the accept queue.
  int http_threads = 128;
  int poll_wait_seconds = 1;  // --file_system_poll_wait_seconds
  int model_instances = 2;    // see RepositoryOptions::model_instances
  bool enable_batching = false;
  BatchingParameters batching;
  int64_t max_body_bytes = int64_t{64} << 20;  // larger bodies get 413
  // A connection that sends nothing for this long is closed (also bounds a slow request).
  int idle_timeout_seconds = 30;
  size_t keep_alive_max_requests = 1000000;
  std::function<void(const std::string& line)> log;  // default: stderr
};

class Server {
 public:
  // Loads every model's versions (a model without a loadable version is not an error: it is
  // reported and becomes ready when one appears), binds, and starts serving.
  static StatusOr<std::unique_ptr<Server>> Start(ServerOptions options);
  ~Server();  // Shutdown()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  // Stops accepting connections, lets every request already received finish and be
  // answered, closes idle connections, stops polling. Idempotent.
  void Shutdown();

  ModelRepository& repository() { return *repository_; }
  Metrics& metrics() { return metrics_; }

 private:
  explicit Server(ServerOptions options);
  void Log(const std::string& line) const;

  ServerOptions options_;
  Metrics metrics_;
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<RestApi> api_;
  std::unique_ptr<httplib::Server> http_;
  std::thread listener_;
  int port_ = 0;
  std::atomic<bool> shut_down_{false};
};

// Blocks SIGTERM and SIGINT in the calling thread and the threads it starts afterwards:
// call before Server::Start, then WaitForTerminationSignal.
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT (blocked by BlockTerminationSignals); returns its number.
int WaitForTerminationSignal();

}  // namespace ferry::serve
