#include "tf/file_util.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace ferry::tf {

namespace fs = std::filesystem;

namespace {

// A name no other writer in this process or another one picks at the same time.
std::string TempSuffix() {
  static std::atomic<int> counter{0};
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

fs::path SiblingPath(const fs::path& p, const std::string& tag) {
  fs::path name = p.filename();
  if (name.empty()) name = p.parent_path().filename();  // "dir/" spelled with a slash
  fs::path parent = p.filename().empty() ? p.parent_path().parent_path() : p.parent_path();
  return parent / ("." + name.string() + tag + TempSuffix());
}

}  // namespace

StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return InvalidArgument("'" + path + "' is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fs::exists(path, ec)) return NotFound("'" + path + "' does not exist");
    return InvalidArgument("cannot open '" + path + "' for reading");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return InvalidArgument("error reading '" + path + "'");
  return ss.str();
}

Status WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return InvalidArgument("cannot open '" + path + "' for writing");
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return InvalidArgument("error writing '" + path + "' (disk full?)");
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, const std::string& data) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return InvalidArgument("'" + path + "' is a directory; expected a file path");
  fs::path tmp = SiblingPath(path, "");
  Status s = WriteFile(tmp.string(), data);
  if (!s.ok()) {
    fs::remove(tmp, ec);
    return s;
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return InvalidArgument("cannot rename '" + tmp.string() + "' to '" + path +
                           "': " + ec.message());
  }
  return Status::Ok();
}

Status WriteDirAtomically(const std::string& dir, bool force,
                          const std::function<Status(const std::string& tmp)>& fill) {
  std::error_code ec;
  const fs::path target(dir);
  bool exists = fs::exists(target, ec);
  bool replace = false;
  if (exists) {
    if (!fs::is_directory(target, ec))
      return InvalidArgument("'" + dir + "' exists and is not a directory");
    if (!fs::is_empty(target, ec)) {
      if (!force)
        return FailedPrecondition("'" + dir +
                                  "' exists and is not empty (pass force to replace it)");
      replace = true;
    }
  }
  fs::path tmp = SiblingPath(target, "");
  if (!tmp.parent_path().empty()) {
    fs::create_directories(tmp.parent_path(), ec);
    if (ec)
      return InvalidArgument("cannot create '" + tmp.parent_path().string() + "': " + ec.message());
  }
  fs::create_directory(tmp, ec);
  if (ec) return InvalidArgument("cannot create '" + tmp.string() + "': " + ec.message());
  auto cleanup = [&] {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
  };
  Status s;
  try {
    s = fill(tmp.string());
  } catch (const std::exception& e) {
    s = Internal(std::string("writing '") + dir + "': " + e.what());
  }
  if (!s.ok()) {
    cleanup();
    return s;
  }
  fs::path old;
  if (replace) {
    old = SiblingPath(target, ".old");
    fs::rename(target, old, ec);
    if (ec) {
      cleanup();
      return InvalidArgument("cannot move '" + dir + "' aside: " + ec.message());
    }
  }
  // rename(2) replaces an empty directory in one step.
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    if (replace) fs::rename(old, target, ignored);
    cleanup();
    return InvalidArgument("cannot rename '" + tmp.string() + "' to '" + dir +
                           "': " + ec.message());
  }
  if (replace) fs::remove_all(old, ec);  // best effort: the new folder is in place
  return Status::Ok();
}

bool IsSafeRelativePath(const std::string& p) {
  if (p.empty() || p[0] == '/' || p[0] == '\\') return false;
  if (p.find('\\') != std::string::npos || p.find(':') != std::string::npos) return false;
  fs::path path(p);
  if (path.is_absolute() || path.has_root_name()) return false;
  for (const auto& part : path) {
    const std::string s = part.string();
    if (s.empty() || s == "..") return false;
  }
  return true;
}

}  // namespace ferry::tf
