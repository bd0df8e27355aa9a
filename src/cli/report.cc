// ferry report RUN_DIR -o report.html|.svg|.png: the training curves of a `ferry train` run.
#include <cstdio>

#include "cli/command.h"
#include "report/training_report.h"

namespace ferry::cli {

void AddReportCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string run_dir, output;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand(
      "report", "Draw a training run's loss and accuracy curves from its metrics.csv");
  c->add_option("RUN_DIR", f->run_dir, "the --out folder of `ferry train`")->required();
  c->add_option("-o,--output", f->output,
                "report.html (self-contained page), .svg, or .png (needs rsvg-convert)")
      ->required();
  c->callback([f, action] {
    *action = [f]() -> int {
      Status s = report::WriteTrainingReport(f->run_dir, f->output);
      if (!s.ok()) return Fail(s);
      std::printf("wrote %s\n", f->output.c_str());
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
