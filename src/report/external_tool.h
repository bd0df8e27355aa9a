// Running the Debian programs ferry draws with: graphviz's `dot` (graph layout) and
// librsvg's `rsvg-convert` (SVG -> PNG). A missing program is a clear error that says which
// package provides it, never a crash or an empty picture.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace ferry::report {

// The path of `program`: itself when it contains a '/', else the first executable match in
// $PATH. NotFound names the program and `package` ("install it: apt-get install graphviz").
StatusOr<std::string> FindProgram(const std::string& program, const std::string& package);

// Runs argv (argv[0] found with FindProgram) with `input` on its stdin and returns its
// stdout. A non-zero exit is an error quoting the first lines of its stderr.
StatusOr<std::string> RunProgram(const std::vector<std::string>& argv, const std::string& input,
                                 const std::string& package);

}  // namespace ferry::report
