#include "cli/io_flags.h"

#include <filesystem>

#include "core/npy.h"

namespace ferry::cli {
namespace fs = std::filesystem;

StatusOr<std::map<std::string, Tensor>> ReadInputFlags(const std::vector<std::string>& flags) {
  std::map<std::string, Tensor> inputs;
  for (const std::string& f : flags) {
    size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == f.size())
      return InvalidArgument("--input " + f + ": expected NAME=FILE.npy");
    std::string name = f.substr(0, eq);
    if (inputs.count(name)) return InvalidArgument("--input " + name + " given twice");
    FERRY_ASSIGN_OR_RETURN(Tensor t, ReadNpy(f.substr(eq + 1)));
    inputs[name] = std::move(t);
  }
  return inputs;
}

Status CheckOutputPath(const std::string& path, bool force, const std::string& flag) {
  std::error_code ec;
  if (force || !fs::exists(path, ec)) return Status::Ok();
  if (fs::is_directory(path, ec)) {
    if (fs::is_empty(path, ec)) return Status::Ok();
    return InvalidArgument(flag + " " + path + ": folder exists and is not empty (use --force)");
  }
  return InvalidArgument(flag + " " + path + ": file exists (use --force)");
}

}  // namespace ferry::cli
