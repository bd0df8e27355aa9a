// ferry inspect MODEL: signature, op histogram, parameters, opsets and producer.
#include <cstdio>

#include "cli/command.h"
#include "cli/models.h"
#include "ir/summary.h"

namespace ferry::cli {

void AddInspectCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string model, format = "text";
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand("inspect", "Show a model's inputs, outputs, ops and size");
  c->add_option("MODEL", f->model, ".onnx, SavedModel folder, .pb or TF.js folder")->required();
  c->add_option("--format", f->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  c->callback([f, action] {
    *action = [f]() -> int {
      ModelFormat format;
      auto g = LoadGraph(f->model, &format);
      if (!g.ok()) return Fail(g.status());
      ir::GraphSummary s = ir::Summarize(**g);
      if (f->format == "json") {
        std::printf("%s\n", ir::SummaryToJson(s, ModelFormatName(format)).c_str());
      } else {
        std::fputs(ir::SummaryToText(s, f->model + " (" + ModelFormatName(format) + ")").c_str(),
                   stdout);
      }
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
