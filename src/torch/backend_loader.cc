// LoadTorchBackend: finds and dlopens libferry_torch.so (see backend.h). No libtorch here:
// this file is linked into the `ferry` executable.
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "torch/backend.h"

namespace ferry::torch {
namespace {

namespace fs = std::filesystem;

using Factory = const TorchBackend* (*)();

// The module's candidate paths, in search order.
std::vector<fs::path> Candidates() {
  if (const char* env = std::getenv(kTorchModuleEnv); env && *env) return {fs::path(env)};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {fs::path(kTorchModuleFile)};  // dlopen's own search (LD_LIBRARY_PATH)
  const fs::path dir = exe.parent_path();
  return {dir / kTorchModuleFile, dir.parent_path() / "lib" / "ferry" / kTorchModuleFile};
}

StatusOr<const TorchBackend*> Load() {
  const std::vector<fs::path> candidates = Candidates();
  fs::path path = candidates.front();
  std::error_code ec;
  for (const fs::path& p : candidates) {
    if (fs::exists(p, ec)) {
      path = p;
      break;
    }
  }
  const std::string what = "cannot load ferry's libtorch module " + path.string();
  if (candidates.size() > 1 && !fs::exists(path, ec)) {
    std::string where;
    for (const fs::path& p : candidates) where += (where.empty() ? "" : ", ") + p.string();
    return FailedPrecondition(what + ": not found (looked for " + where +
                              "; it is built with the ferry binary)");
  }
  // RTLD_LOCAL: libtorch's symbols stay out of the global scope, as the module's own.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* err = dlerror();
    return FailedPrecondition(what + ": " + (err ? err : "dlopen failed"));
  }
  auto factory = reinterpret_cast<Factory>(dlsym(handle, kTorchBackendFactory));
  if (!factory) {
    return FailedPrecondition(what + ": it has no " + kTorchBackendFactory +
                              " (built by another version of ferry?)");
  }
  const TorchBackend* backend = factory();
  if (!backend) return FailedPrecondition(what + ": its factory returned no backend");
  return backend;  // the module stays loaded for the life of the process
}

}  // namespace

StatusOr<const TorchBackend*> LoadTorchBackend() {
  static std::once_flag once;
  static StatusOr<const TorchBackend*> backend = Status(StatusCode::kInternal, "not loaded");
  std::call_once(once, [] { backend = Load(); });
  return backend;
}

}  // namespace ferry::torch
