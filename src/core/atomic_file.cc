#include "core/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace ferry {
namespace fs = std::filesystem;

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return InvalidArgument(path + ": cannot write: " + std::strerror(errno));
  bool ok = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  ok = (std::fflush(f) == 0) && ok;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    std::remove(tmp.c_str());
    return InvalidArgument(path + ": cannot write: " + std::strerror(e));
  }
  return Status::Ok();
}

TempDir::TempDir(std::string target) : target_(std::move(target)) {
  tmp_ = target_ + ".tmp-" + std::to_string(getpid());
}

TempDir::~TempDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }
}

Status TempDir::Create() {
  std::error_code ec;
  fs::remove_all(tmp_, ec);
  fs::path parent = fs::path(target_).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (!fs::create_directory(tmp_, ec))
    return InvalidArgument(target_ + ": cannot create folder: " + ec.message());
  return Status::Ok();
}

Status TempDir::Commit(bool replace) {
  std::error_code ec;
  if (fs::exists(target_, ec)) {
    if (!replace && !(fs::is_directory(target_, ec) && fs::is_empty(target_, ec)))
      return InvalidArgument(target_ + ": exists and is not empty (use --force)");
    // Move the old folder aside first so a failure never leaves neither.
    const std::string old = target_ + ".old-" + std::to_string(getpid());
    fs::rename(target_, old, ec);
    if (ec) return InvalidArgument(target_ + ": cannot replace: " + ec.message());
    fs::rename(tmp_, target_, ec);
    if (ec) {
      fs::rename(old, target_, ec);
      return InvalidArgument(target_ + ": cannot replace: " + ec.message());
    }
    fs::remove_all(old, ec);
  } else {
    fs::rename(tmp_, target_, ec);
    if (ec) return InvalidArgument(target_ + ": cannot write: " + ec.message());
  }
  committed_ = true;
  return Status::Ok();
}

}  // namespace ferry
