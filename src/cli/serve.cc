// ferry serve: serve models over TF Serving's REST API and KServe v2, with TF Serving's flag
// names (tensorflow_serving/model_servers/main.cc), until SIGTERM or SIGINT.
#include <cstdio>
#include <thread>

#include "cli/command.h"
#include "cli/models.h"
#include "serve/config.h"
#include "serve/server.h"

namespace ferry::cli {

void AddServeCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string model_name, model_base_path, model_config_file, batching_parameters_file;
    std::string host = "127.0.0.1";
    int port = 8501;
    bool enable_batching = false;
    int threads = 0;
    int model_instances = 2;
    int http_threads = 128;
    int poll_wait_seconds = 1;
    int64_t max_body_bytes = int64_t{64} << 20;
    int idle_timeout_seconds = 30;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand(
      "serve", "Serve models over TF Serving's REST API and KServe v2 (until SIGTERM)");
  c->add_option("--model_name", f->model_name, "name of the model (with --model_base_path)");
  c->add_option("--model_base_path", f->model_base_path,
                "folder of numeric version folders, each a SavedModel or holding model.onnx");
  c->add_option("--model_config_file", f->model_config_file,
                "TF Serving ModelServerConfig in text format (several models)");
  c->add_option("--rest_api_port", f->port, "HTTP port (0: any free port)")->capture_default_str();
  c->add_option("--rest_api_host", f->host, "address to listen on (0.0.0.0: every interface)")
      ->capture_default_str();
  c->add_option("--rest_api_num_threads", f->http_threads,
                "HTTP threads: connections served at once")
      ->capture_default_str();
  c->add_flag("--enable_batching", f->enable_batching, "merge concurrent requests into batches");
  c->add_option("--batching_parameters_file", f->batching_parameters_file,
                "TF Serving BatchingParameters in text format (max_batch_size, "
                "batch_timeout_micros, num_batch_threads, max_enqueued_batches)");
  c->add_option("--threads", f->threads,
                "threads per model run (default: FERRY_NUM_THREADS or all cores)");
  c->add_option("--model_instances", f->model_instances,
                "copies of each model, each run by a thread of its own (0: one copy, run on "
                "the request's thread)")
      ->capture_default_str();
  c->add_option("--file_system_poll_wait_seconds", f->poll_wait_seconds,
                "seconds between looks for new versions (0: look once at start)")
      ->capture_default_str();
  c->add_option("--max_body_bytes", f->max_body_bytes, "larger request bodies get HTTP 413")
      ->capture_default_str();
  c->add_option("--idle_timeout_seconds", f->idle_timeout_seconds,
                "close connections idle this long")
      ->capture_default_str();
  c->callback([f, action] {
    *action = [f]() -> int {
      serve::ServerOptions o;
      if (!f->model_config_file.empty()) {
        if (!f->model_name.empty() || !f->model_base_path.empty())
          return Fail(InvalidArgument(
              "give either --model_config_file or --model_name with --model_base_path"));
        auto models = serve::ReadModelConfigFile(f->model_config_file);
        if (!models.ok()) return Fail(models.status());
        o.models = std::move(models).value();
      } else {
        if (f->model_base_path.empty())
          return Fail(InvalidArgument("--model_base_path (or --model_config_file) is required"));
        serve::ModelConfig m;
        m.name = f->model_name.empty() ? "default" : f->model_name;  // TF Serving's default
        m.base_path = f->model_base_path;
        o.models = {m};
      }
      if (!f->batching_parameters_file.empty()) {
        if (!f->enable_batching)
          return Fail(InvalidArgument("--batching_parameters_file needs --enable_batching"));
        auto p = serve::ReadBatchingParametersFile(f->batching_parameters_file);
        if (!p.ok()) return Fail(p.status());
        o.batching = *p;
      }
      OpenOptions oo;
      oo.num_threads = f->threads;
      oo.keep_original_graph = false;  // runs only: no per-node values
      o.loader = [oo](const std::string& dir) { return OpenModel(dir, oo); };
      o.host = f->host;
      o.port = f->port;
      o.http_threads = f->http_threads;
      o.enable_batching = f->enable_batching;
      o.model_instances = f->model_instances;
      o.poll_wait_seconds = f->poll_wait_seconds;
      o.max_body_bytes = f->max_body_bytes;
      o.idle_timeout_seconds = f->idle_timeout_seconds;
      // Before any thread starts, so that every thread inherits the mask and the signal
      // reaches only WaitForTerminationSignal.
      serve::BlockTerminationSignals();
      auto server = serve::Server::Start(std::move(o));
      if (!server.ok()) return Fail(server.status());
      std::printf("ferry serve: listening on http://%s:%d\n", f->host.c_str(), (*server)->port());
      std::fflush(stdout);
      const int sig = serve::WaitForTerminationSignal();
      std::fprintf(stderr, "ferry serve: signal %d: finishing in-flight requests\n", sig);
      (*server)->Shutdown();
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
