#include "serve/model_repository.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <set>

#include "serve/pinned_runner.h"

namespace ferry::serve {
namespace fs = std::filesystem;

namespace {

// Numeric folder names under `base` (TF Serving ignores every other entry).
std::map<int64_t, std::string> ListVersions(const std::string& base) {
  std::map<int64_t, std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string n = it->path().filename().string();
    if (n.empty() || n.size() > 18 || !std::all_of(n.begin(), n.end(), ::isdigit)) continue;
    if (!it->is_directory(ec)) continue;
    out[std::stoll(n)] = it->path().string();
  }
  return out;
}

// Names, sizes and times of a version folder's files: a failed version is retried only when
// this changes (say, once its writer has finished).
std::string Fingerprint(const std::string& dir) {
  std::string fp;
  std::error_code ec;
  int n = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end && n < 1000;
       it.increment(ec), ++n) {
    std::error_code e2;
    fp += it->path().string();
    if (it->is_regular_file(e2)) fp += ":" + std::to_string(it->file_size(e2));
    fp += ":" + std::to_string(it->last_write_time(e2).time_since_epoch().count()) + ";";
  }
  return fp;
}

}  // namespace

ServableVersion::ServableVersion(std::string model_name, int64_t version,
                                 std::unique_ptr<check::ModelRunner> runner,
                                 const BatchingParameters* batching,
                                 Batcher::BatchObserver observer)
    : model_name_(std::move(model_name)), version_(version), runner_(std::move(runner)) {
  if (batching && Batcher::CanBatch(*runner_)) {
    batcher_ = std::make_unique<Batcher>(runner_.get(), *batching, std::move(observer));
  } else {
    observer_ = std::move(observer);
  }
}

StatusOr<std::vector<Tensor>> ServableVersion::Run(std::vector<Tensor> inputs,
                                                   bool* queue_full) const {
  if (queue_full) *queue_full = false;
  if (batcher_) return batcher_->Run(std::move(inputs), queue_full);
  if (observer_ && !inputs.empty() && inputs[0].rank() > 0) observer_(inputs[0].dim(0));
  return runner_->Run(inputs);
}

const char* VersionStateName(VersionState s) {
  switch (s) {
    case VersionState::kStart: return "START";
    case VersionState::kLoading: return "LOADING";
    case VersionState::kAvailable: return "AVAILABLE";
    case VersionState::kUnloading: return "UNLOADING";
    case VersionState::kEnd: return "END";
  }
  return "UNKNOWN";
}

ModelRepository::ModelRepository(std::vector<ModelConfig> models, RepositoryOptions options)
    : options_(std::move(options)) {
  for (ModelConfig& c : models) {
    Model m;
    std::string name = c.name;
    m.config = std::move(c);
    models_.emplace(name, std::move(m));
  }
}

ModelRepository::~ModelRepository() { Stop(); }

void ModelRepository::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

void ModelRepository::Start() {
  PollOnce();
  if (options_.poll_wait_seconds <= 0 || poller_.joinable()) return;
  poller_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, std::chrono::seconds(options_.poll_wait_seconds),
                              [this] { return stopping_; })) {
      lock.unlock();
      PollOnce();
      lock.lock();
    }
  });
}

void ModelRepository::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

void ModelRepository::PollOnce() {
  std::lock_guard<std::mutex> poll_lock(poll_mu_);
  for (const std::string& name : ModelNames()) PollModel(name);
}

StatusOr<std::unique_ptr<check::ModelRunner>> ModelRepository::LoadInstances(
    const std::string& dir) const {
  if (!options_.loader) return Internal("no model loader");
  const int n = std::max(1, options_.model_instances);
  std::vector<std::unique_ptr<check::ModelRunner>> instances;
  for (int i = 0; i < n; ++i) {
    StatusOr<std::unique_ptr<check::ModelRunner>> r = Internal("unset");
    try {
      r = options_.loader(dir);
    } catch (const std::exception& e) {
      r = Internal(std::string("loading threw: ") + e.what());
    }
    if (!r.ok()) return r.status();
    if (!*r) return Internal("the loader returned no model");
    instances.push_back(std::move(r).value());
  }
  if (options_.model_instances <= 0) return std::move(instances[0]);
  return std::unique_ptr<check::ModelRunner>(new PinnedRunner(std::move(instances)));
}

void ModelRepository::PollModel(const std::string& name) {
  ModelConfig config;
  {
    std::lock_guard<std::mutex> lock(mu_);
    config = models_.at(name).config;
  }
  const std::map<int64_t, std::string> on_disk = ListVersions(config.base_path);
  const VersionPolicy& policy = config.version_policy;

  // Versions to try, highest first; for `latest`, enough are loaded to have num_versions
  // available, so a newest version that fails leaves the previous one serving.
  std::vector<int64_t> candidates;
  for (auto it = on_disk.rbegin(); it != on_disk.rend(); ++it) {
    if (policy.kind == VersionPolicy::Kind::kSpecific &&
        std::find(policy.versions.begin(), policy.versions.end(), it->first) ==
            policy.versions.end())
      continue;
    candidates.push_back(it->first);
  }

  std::set<int64_t> wanted;
  for (int64_t v : candidates) {
    if (policy.kind == VersionPolicy::Kind::kLatest &&
        static_cast<int64_t>(wanted.size()) >= policy.num_versions)
      break;
    const std::string& dir = on_disk.at(v);
    bool loaded = false;
    std::string fingerprint;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Model& m = models_.at(name);
      loaded = m.available.count(v) > 0;
      if (!loaded) {
        fingerprint = Fingerprint(dir);
        auto f = m.failed_fingerprint.find(v);
        if (f != m.failed_fingerprint.end() && f->second == fingerprint) continue;
        m.status[v] = {v, VersionState::kLoading, Status::Ok()};
      }
    }
    if (loaded) {
      wanted.insert(v);
      continue;
    }
    // Load outside the lock: requests keep being served by the versions already there.
    Log("loading model '" + name + "' version " + std::to_string(v) + " from " + dir);
    StatusOr<std::unique_ptr<check::ModelRunner>> runner = LoadInstances(dir);
    std::shared_ptr<const ServableVersion> servable;
    if (runner.ok()) {
      Batcher::BatchObserver observer;
      if (options_.on_batch)
        observer = [cb = options_.on_batch, name](int64_t rows) { cb(name, rows); };
      servable = std::make_shared<const ServableVersion>(
          name, v, std::move(runner).value(),
          options_.enable_batching ? &options_.batching : nullptr, std::move(observer));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      Model& m = models_.at(name);
      if (servable) {
        m.available[v] = servable;
        m.status[v] = {v, VersionState::kAvailable, Status::Ok()};
        m.failed_fingerprint.erase(v);
        wanted.insert(v);
      } else {
        m.status[v] = {v, VersionState::kEnd, runner.status()};
        m.failed_fingerprint[v] = fingerprint;
      }
    }
    if (servable) {
      Log("model '" + name + "' version " + std::to_string(v) + " is available");
    } else {
      Log("model '" + name + "' version " + std::to_string(v) + " failed to load: " +
          runner.status().message());
    }
    if (options_.on_load) options_.on_load(name, v, runner.status());
  }

  // Unload what is no longer wanted, after the new versions are in. The shared_ptrs that
  // running requests hold keep an unloaded version alive until they finish.
  std::vector<std::shared_ptr<const ServableVersion>> retired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Model& m = models_.at(name);
    for (auto it = m.available.begin(); it != m.available.end();) {
      if (wanted.count(it->first)) {
        ++it;
        continue;
      }
      m.status[it->first] = {it->first, VersionState::kEnd, Status::Ok()};
      retired.push_back(std::move(it->second));
      it = m.available.erase(it);
    }
    // Forget failures of folders that are gone.
    for (auto it = m.failed_fingerprint.begin(); it != m.failed_fingerprint.end();)
      it = on_disk.count(it->first) ? std::next(it) : m.failed_fingerprint.erase(it);
  }
  for (const auto& r : retired)
    Log("model '" + name + "' version " + std::to_string(r->version()) + " unloaded");
  // `retired` is released here (or by the last request using it), outside the lock.
}

bool ModelRepository::HasModel(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return models_.count(name) > 0;
}

std::vector<std::string> ModelRepository::ModelNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, m] : models_) out.push_back(name);
  return out;
}

StatusOr<std::shared_ptr<const ServableVersion>> ModelRepository::Find(
    const std::string& name, std::optional<int64_t> version, const std::string& label) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find(name);
  // Messages as TF Serving words them, so that clients matching on them keep working.
  if (it == models_.end())
    return NotFound("Servable not found for request: Latest(" + name + ")");
  const Model& m = it->second;
  if (!label.empty()) {
    auto l = m.config.version_labels.find(label);
    if (l == m.config.version_labels.end())
      return NotFound("Unrecognized servable version label: " + label);
    version = l->second;
  }
  if (version) {
    auto v = m.available.find(*version);
    if (v == m.available.end())
      return NotFound("Servable not found for request: Specific(" + name + ", " +
                      std::to_string(*version) + ")");
    return v->second;
  }
  if (m.available.empty()) return NotFound("Servable not found for request: Latest(" + name + ")");
  return m.available.rbegin()->second;
}

StatusOr<std::vector<VersionStatus>> ModelRepository::GetStatus(
    const std::string& name, std::optional<int64_t> version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find(name);
  if (it == models_.end()) return NotFound("Could not find any versions of model " + name);
  std::vector<VersionStatus> out;
  for (auto s = it->second.status.rbegin(); s != it->second.status.rend(); ++s)
    if (!version || s->first == *version) out.push_back(s->second);
  if (version && out.empty())
    return NotFound("Could not find version " + std::to_string(*version) + " of model " + name);
  if (out.empty()) return NotFound("Could not find any versions of model " + name);
  return out;
}

std::vector<int64_t> ModelRepository::AvailableVersions(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<int64_t> out;
  auto it = models_.find(name);
  if (it == models_.end()) return out;
  for (auto v = it->second.available.rbegin(); v != it->second.available.rend(); ++v)
    out.push_back(v->first);
  return out;
}

bool ModelRepository::AllReady() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, m] : models_)
    if (m.available.empty()) return false;
  return !models_.empty();
}

}  // namespace ferry::serve
