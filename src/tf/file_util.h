// File helpers shared by the TF writers and readers: whole-file reads with one-line errors,
// and the "no partial outputs" rule of docs/ARCHITECTURE.md (build in a temporary sibling,
// rename into place when complete).
#pragma once

#include <functional>
#include <string>

#include "core/status.h"

namespace ferry::tf {

// Reads a whole file; errors name the file.
StatusOr<std::string> ReadFileToString(const std::string& path);
// Writes `data` to `path` (which must not be a directory) through a temporary sibling file
// that is renamed over it once complete.
Status WriteFileAtomically(const std::string& path, const std::string& data);
// Writes a plain file (no temporary): for files inside a directory that is itself built in a
// temporary place.
Status WriteFile(const std::string& path, const std::string& data);

// Builds directory `dir` by calling fill(tmp) on a fresh temporary sibling, then renames it
// into place. `dir` absent or empty: renamed over. `dir` non-empty: refused unless `force`,
// then the old folder is moved aside, the new one renamed in, the old one deleted (restored
// if the second rename fails). On any error the temporary folder is removed and `dir` is
// left as it was.
Status WriteDirAtomically(const std::string& dir, bool force,
                          const std::function<Status(const std::string& tmp)>& fill);

// True for a relative path with no "..", no empty and no absolute component: what a TF.js
// weights manifest may name.
bool IsSafeRelativePath(const std::string& p);

}  // namespace ferry::tf
