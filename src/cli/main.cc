// ferry: carry a trained network from PyTorch through ONNX to TensorFlow, checking every hop.
#include <cstdio>
#include <exception>

#include "cli/command.h"

namespace ferry::cli {

int Fail(const Status& status) {
  std::string msg = status.message();
  for (char& c : msg)
    if (c == '\n') c = ' ';
  std::fprintf(stderr, "ferry: error: %s\n", msg.c_str());
  return kExitError;
}

}  // namespace ferry::cli

int main(int argc, char** argv) {
  using namespace ferry::cli;
  CLI::App app{"ferry: PyTorch -> ONNX -> TensorFlow, with every hop checked", "ferry"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ferry 0.1.0");
  Action action;
  AddDemoCommand(app, &action);
  AddTrainCommand(app, &action);
  AddExportCommand(app, &action);
  AddCheckCommand(app, &action);
  AddConvertCommand(app, &action);
  AddRunCommand(app, &action);
  AddBenchCommand(app, &action);
  AddInspectCommand(app, &action);
  AddReportCommand(app, &action);
  AddServeCommand(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage errors are bad input: one line, exit 2.
    std::fprintf(stderr, "ferry: error: %s (see ferry --help)\n", e.what());
    return kExitError;
  }
  try {
    return action ? action() : kExitError;
  } catch (const std::exception& e) {
    // Library code returns Status; this is the last guard against a crash.
    return Fail(ferry::Internal(std::string("unexpected exception: ") + e.what()));
  }
}
