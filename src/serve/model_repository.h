// The models `ferry serve` serves and their versions, as TF Serving's file-system source and
// manager see them: a base path holds numeric version folders; a policy picks which are
// served; a poller finds new ones, loads them off the request path and swaps them in.
//
// Requests hold a shared_ptr to the version they run on, so a version that is unloaded
// while a request runs on it stays alive until that request finishes. New versions are
// loaded before old ones are unloaded (TF Serving's availability-preserving policy), and a
// version that fails to load is reported and skipped: the versions already serving stay.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "check/model_runner.h"
#include "core/status.h"
#include "serve/batcher.h"
#include "serve/config.h"

namespace ferry::serve {

// Opens the model in one version folder (a SavedModel, or a folder holding model.onnx).
// Injected by the CLI, which knows every format; tests inject fakes.
using ModelLoader =
    std::function<StatusOr<std::unique_ptr<check::ModelRunner>>(const std::string& version_dir)>;

// One loaded version of one model.
class ServableVersion {
 public:
  ServableVersion(std::string model_name, int64_t version,
                  std::unique_ptr<check::ModelRunner> runner,
                  const BatchingParameters* batching, Batcher::BatchObserver observer);

  const std::string& model_name() const { return model_name_; }
  int64_t version() const { return version_; }
  const check::ModelRunner& runner() const { return *runner_; }
  bool batched() const { return batcher_ != nullptr; }

  // Runs the model, through the batcher when batching is on. Thread-safe.
  StatusOr<std::vector<Tensor>> Run(std::vector<Tensor> inputs, bool* queue_full) const;

 private:
  std::string model_name_;
  int64_t version_;
  std::unique_ptr<check::ModelRunner> runner_;
  std::unique_ptr<Batcher> batcher_;  // declared after runner_: destroyed first
  Batcher::BatchObserver observer_;   // batch sizes when there is no batcher
};

// TF Serving's ServableState::ManagerState, as GetModelStatus reports it.
enum class VersionState { kStart, kLoading, kAvailable, kUnloading, kEnd };
const char* VersionStateName(VersionState s);

struct VersionStatus {
  int64_t version = 0;
  VersionState state = VersionState::kStart;
  Status status;  // why a version ended, when it failed to load
};

struct RepositoryOptions {
  ModelLoader loader;
  // Seconds between polls of the base paths; 0: poll once, at Start (as TF Serving).
  int poll_wait_seconds = 1;
  bool enable_batching = false;
  BatchingParameters batching;
  // Instances of each version, each run by a thread of its own (PinnedRunner): runs never
  // move between threads, which oneDNN's default scratchpad needs. 0: one instance, run on
  // whatever thread the request came on.
  int model_instances = 2;
  // Observers for metrics and logs; may be empty.
  std::function<void(const std::string& model, int64_t rows)> on_batch;
  std::function<void(const std::string& model, int64_t version, const Status& status)> on_load;
  std::function<void(const std::string& line)> log;
};

class ModelRepository {
 public:
  ModelRepository(std::vector<ModelConfig> models, RepositoryOptions options);
  ~ModelRepository();  // stops polling
  ModelRepository(const ModelRepository&) = delete;
  ModelRepository& operator=(const ModelRepository&) = delete;

  // Polls once (loading what is there), then starts the poller thread when the poll wait is
  // positive.
  void Start();
  void Stop();
  // One pass over every base path: load what the policy wants, unload what it no longer does.
  void PollOnce();

  bool HasModel(const std::string& name) const;
  std::vector<std::string> ModelNames() const;

  // The version a request runs on: `version`, or the one `label` names, or else the highest
  // available one. NotFound (404) for an unknown model, version or label.
  StatusOr<std::shared_ptr<const ServableVersion>> Find(const std::string& name,
                                                        std::optional<int64_t> version,
                                                        const std::string& label) const;
  // Every version the repository has seen (or just `version`), highest first.
  StatusOr<std::vector<VersionStatus>> GetStatus(const std::string& name,
                                                 std::optional<int64_t> version) const;
  // Available version numbers of a model, highest first.
  std::vector<int64_t> AvailableVersions(const std::string& name) const;
  // Every model has at least one available version.
  bool AllReady() const;

 private:
  struct Model {
    ModelConfig config;
    std::map<int64_t, std::shared_ptr<const ServableVersion>> available;
    std::map<int64_t, VersionStatus> status;
    std::map<int64_t, std::string> failed_fingerprint;  // skip until the folder changes
  };

  void PollModel(const std::string& name);
  // The loader's model for `dir`, as options_.model_instances pinned instances.
  StatusOr<std::unique_ptr<check::ModelRunner>> LoadInstances(const std::string& dir) const;
  void Log(const std::string& line) const;

  const RepositoryOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, Model> models_;
  std::mutex poll_mu_;  // one poll at a time
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread poller_;
};

}  // namespace ferry::serve
