// Every subcommand is one thin file: it declares its flags on CLI11 and maps them onto
// library calls. Errors come back as Status and leave through Fail(): one line, exit 2.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/status.h"

namespace ferry::cli {

// Exit codes (docs/ARCHITECTURE.md): 0 ok, 1 check mismatch, 2 bad input or unsupported model.
inline constexpr int kExitOk = 0;
inline constexpr int kExitMismatch = 1;
inline constexpr int kExitError = 2;

// The chosen subcommand's body, run after parsing.
using Action = std::function<int()>;

// Prints "ferry: error: <message>" on one line to stderr; returns kExitError.
int Fail(const Status& status);

void AddTrainCommand(CLI::App& app, Action* action);
void AddExportCommand(CLI::App& app, Action* action);
void AddRunCommand(CLI::App& app, Action* action);
void AddBenchCommand(CLI::App& app, Action* action);
void AddConvertCommand(CLI::App& app, Action* action);
void AddCheckCommand(CLI::App& app, Action* action);
void AddInspectCommand(CLI::App& app, Action* action);
void AddDemoCommand(CLI::App& app, Action* action);
void AddReportCommand(CLI::App& app, Action* action);
void AddServeCommand(CLI::App& app, Action* action);

}  // namespace ferry::cli
