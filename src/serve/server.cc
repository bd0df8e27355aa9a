#include "serve/server.h"

#include <csignal>
#include <cstdio>
#include <exception>

#include <sys/socket.h>

#include <httplib.h>

namespace ferry::serve {
namespace {

// Debian's libcpp-httplib is built with a listen backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG):
// with 64 clients connecting at once, the kernel drops SYNs and they retry after 1 s, 3 s...
// listen(2) on a listening socket updates its backlog, so raise it once bound.
class HttpServer final : public httplib::Server {
 public:
  void RaiseBacklog(int backlog) {
    const int fd = svr_sock_;
    if (fd >= 0) ::listen(fd, backlog);
  }
};

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() { Shutdown(); }

void Server::Log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "ferry serve: %s\n", line.c_str());
  }
}

StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options) {
  if (options.models.empty()) return InvalidArgument("ferry serve: no model to serve");
  if (!options.loader) return InvalidArgument("ferry serve: no model loader");
  if (options.port < 0 || options.port > 65535)
    return InvalidArgument("--rest_api_port " + std::to_string(options.port) +
                           " is not a port number");
  if (options.model_instances < 0 || options.model_instances > 64)
    return InvalidArgument("--model_instances must be in [0, 64]");
  if (options.http_threads < 1) return InvalidArgument("--rest_api_num_threads must be >= 1");
  if (options.max_body_bytes < 1) return InvalidArgument("--max_body_bytes must be >= 1");
  if (options.idle_timeout_seconds < 1)
    return InvalidArgument("--idle_timeout_seconds must be >= 1");
  // A client that hangs up mid-response must not take the process down.
  std::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<Server> s(new Server(std::move(options)));
  Server* self = s.get();

  RepositoryOptions ro;
  ro.loader = s->options_.loader;
  ro.poll_wait_seconds = s->options_.poll_wait_seconds;
  ro.enable_batching = s->options_.enable_batching;
  ro.batching = s->options_.batching;
  ro.model_instances = s->options_.model_instances;
  ro.on_batch = [self](const std::string& model, int64_t rows) {
    self->metrics_.RecordBatch(model, rows);
  };
  ro.on_load = [self](const std::string& model, int64_t, const Status& st) {
    self->metrics_.RecordLoad(model, st.ok());
  };
  ro.log = [self](const std::string& line) { self->Log(line); };
  s->repository_ = std::make_unique<ModelRepository>(s->options_.models, std::move(ro));
  s->repository_->Start();
  for (const std::string& name : s->repository_->ModelNames())
    if (s->repository_->AvailableVersions(name).empty())
      s->Log("model '" + name + "' has no loadable version yet; it becomes ready when one "
             "appears");
  s->api_ = std::make_unique<RestApi>(s->repository_.get(), &s->metrics_);

  auto http = std::make_unique<HttpServer>();
  const int threads = s->options_.http_threads;
  http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http->set_tcp_nodelay(true);
  http->set_keep_alive_max_count(s->options_.keep_alive_max_requests);
  http->set_keep_alive_timeout(s->options_.idle_timeout_seconds);
  http->set_read_timeout(s->options_.idle_timeout_seconds, 0);
  http->set_write_timeout(s->options_.idle_timeout_seconds, 0);
  http->set_payload_max_length(static_cast<size_t>(s->options_.max_body_bytes));
  const RestApi* api = s->api_.get();
  auto handle = [api](const httplib::Request& req, httplib::Response& res) {
    HttpReply r = api->Handle(req.method, req.path, req.body);
    res.status = r.status;
    res.set_content(std::move(r.body), r.content_type.c_str());
  };
  http->Get(".*", handle);
  // POST bodies are read through a content reader: httplib would otherwise cap bodies sent
  // as application/x-www-form-urlencoded (what `curl -d` sends, as in TF Serving's own
  // examples) at 8 KiB. The reader still enforces set_payload_max_length (413).
  http->Post(".*", [api](const httplib::Request& req, httplib::Response& res,
                         const httplib::ContentReader& reader) {
    std::string body;
    const bool complete = reader([&body](const char* data, size_t n) {
      body.append(data, n);
      return true;
    });
    if (!complete) {  // httplib has set the status (413 for an oversized body)
      if (res.status < 400) res.status = 400;
      return;
    }
    HttpReply r = api->Handle(req.method, req.path, body);
    res.status = r.status;
    res.set_content(std::move(r.body), r.content_type.c_str());
  });
  // Whatever httplib answers by itself (413, an unsupported method, a bad request line)
  // still gets a JSON body.
  const int64_t limit = s->options_.max_body_bytes;
  http->set_error_handler([limit](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string msg;
    if (res.status == 413) {
      msg = "the request body is larger than --max_body_bytes (" + std::to_string(limit) +
            " bytes)";
    } else if (res.status == 404 || res.status == 405) {
      res.status = 404;
      msg = "Malformed request: " + req.method + " " + req.path;
    } else {
      msg = "HTTP " + std::to_string(res.status);
    }
    res.set_content(ErrorReply(res.status, msg).body, "application/json");
  });
  http->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(ErrorReply(500, "internal error").body, "application/json");
      });

  if (s->options_.port == 0) {
    s->port_ = http->bind_to_any_port(s->options_.host);
    if (s->port_ <= 0) return FailedPrecondition("cannot bind " + s->options_.host);
  } else {
    if (!http->bind_to_port(s->options_.host, s->options_.port))
      return FailedPrecondition("cannot bind " + s->options_.host + ":" +
                                std::to_string(s->options_.port) + " (in use?)");
    s->port_ = s->options_.port;
  }
  http->RaiseBacklog(1024);
  s->http_ = std::move(http);
  httplib::Server* h = s->http_.get();
  s->listener_ = std::thread([h] { h->listen_after_bind(); });
  s->Log("serving REST on http://" + s->options_.host + ":" + std::to_string(s->port_));
  return s;
}

void Server::Shutdown() {
  if (shut_down_.exchange(true)) return;
  if (http_) {
    // stop() closes the listening socket; listen_after_bind returns once every worker has
    // finished the request it was on (httplib ends keep-alive loops when the socket closes).
    http_->stop();
    if (listener_.joinable()) listener_.join();
  }
  if (repository_) repository_->Stop();
  Log("stopped");
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace ferry::serve
