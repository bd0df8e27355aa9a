// No partial outputs: write to a temporary sibling, then rename into place.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace ferry {

// Writes `contents` to `path` through "<path>.tmp-<pid>" and rename(2); on any error the
// temporary file is removed and `path` is untouched.
Status WriteFileAtomically(const std::string& path, std::string_view contents);

// A temporary sibling folder "<path>.tmp-<pid>" for building a folder output; Commit()
// renames it onto `path` (replacing an existing one only when `replace`); the destructor
// removes it when not committed.
class TempDir {
 public:
  explicit TempDir(std::string target);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  Status Create();
  const std::string& path() const { return tmp_; }
  Status Commit(bool replace);

 private:
  std::string target_, tmp_;
  bool committed_ = false;
};

}  // namespace ferry
