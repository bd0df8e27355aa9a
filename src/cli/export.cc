// ferry export CKPT -o model.onnx [--opset 13] [--batch dynamic|N]
#include <cstdio>

#include "cli/command.h"
#include "cli/pipeline.h"

namespace ferry::cli {

void AddExportCommand(CLI::App& app, Action* action) {
  struct Flags {
    ExportRequest req;
    std::string batch = "dynamic";
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand("export", "Export a ferry checkpoint to ONNX");
  c->add_option("CKPT", f->req.checkpoint, "checkpoint written by ferry train (model.pt)")
      ->required();
  c->add_option("-o,--output", f->req.onnx_path, "the .onnx file to write")->required();
  c->add_option("--opset", f->req.opset, "ONNX opset, 11 to 17")->capture_default_str();
  c->add_option("--batch", f->batch, "'dynamic' (a named batch_size dim) or a fixed N")
      ->capture_default_str();
  c->add_flag("--force", f->req.force, "replace an existing file");
  c->callback([f, action] {
    *action = [f]() -> int {
      if (f->batch == "dynamic") {
        f->req.batch = -1;
      } else {
        try {
          size_t used = 0;
          f->req.batch = std::stoll(f->batch, &used);
          if (used != f->batch.size() || f->req.batch < 1) throw std::invalid_argument("");
        } catch (const std::exception&) {
          return Fail(InvalidArgument("--batch " + f->batch + ": expected 'dynamic' or N >= 1"));
        }
      }
      Status s = ExportCheckpoint(f->req);
      if (!s.ok()) return Fail(s);
      std::printf("wrote %s (opset %d, batch %s)\n", f->req.onnx_path.c_str(), f->req.opset,
                  f->batch.c_str());
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
