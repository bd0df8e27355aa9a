// Helpers shared by subcommands for flags that name files.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace ferry::cli {

// Parses "NAME=FILE.npy" flags and reads each file.
StatusOr<std::map<std::string, Tensor>> ReadInputFlags(const std::vector<std::string>& flags);

// Refuses an existing non-empty folder or an existing file unless force is set.
Status CheckOutputPath(const std::string& path, bool force, const std::string& flag);

}  // namespace ferry::cli
