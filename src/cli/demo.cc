// ferry demo: the guide's whole pipeline in one command —
// train -> export -> check (torch vs ONNX) -> convert -> check (ONNX vs each TF output).
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "check/check.h"
#include "cli/command.h"
#include "cli/models.h"
#include "cli/pipeline.h"
#include "cli/train_flags.h"

namespace ferry::cli {
namespace fs = std::filesystem;

namespace {

struct Row {
  std::string step, result, detail;
  double ms = 0;
};

void PrintStep(const std::string& title) { std::printf("\n== %s\n", title.c_str()); }

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string Human(int64_t bytes) {
  char buf[32];
  if (bytes >= 1 << 20) std::snprintf(buf, sizeof buf, "%.2f MB", bytes / 1048576.0);
  else std::snprintf(buf, sizeof buf, "%.1f KB", bytes / 1024.0);
  return buf;
}

// Runs check A B and returns a summary row; prints the full report.
StatusOr<Row> CheckStep(const std::string& label, const std::string& a, const std::string& b,
                        const check::CheckOptions& opt, bool* all_pass) {
  auto t0 = std::chrono::steady_clock::now();
  FERRY_ASSIGN_OR_RETURN(auto ma, OpenModel(a));
  FERRY_ASSIGN_OR_RETURN(auto mb, OpenModel(b));
  FERRY_ASSIGN_OR_RETURN(check::CheckReport rep, check::RunCheck(*ma, *mb, opt));
  std::fputs(rep.ToText(opt.tol).c_str(), stdout);
  *all_pass = *all_pass && rep.pass();
  Row row{label, rep.pass() ? "PASS" : "FAIL", "", MsSince(t0)};
  char buf[160];
  const auto& c = rep.outputs.at(0);
  std::snprintf(buf, sizeof buf, "max_abs %.2e  max_rel %.2e  sum(a-b) %.2e", c.max_abs_error,
                c.max_rel_error, c.sum_diff);
  row.detail = buf;
  return row;
}

}  // namespace

void AddDemoCommand(CLI::App& app, Action* action) {
  struct Flags {
    torch::TrainOptions train;
    std::string out = "runs/demo";
    int opset = 13;
    check::CheckOptions check;
  };
  auto f = std::make_shared<Flags>();
  f->train.data_dir = torch::kDefaultMnistDir;
  CLI::App* c = app.add_subcommand(
      "demo", "The guide's pipeline: train, export, check, convert, check — every number printed");
  AddTrainFlags(c, &f->train);
  c->add_option("--out", f->out, "folder for every artefact (replaced on each run)")
      ->capture_default_str();
  c->add_option("--opset", f->opset, "ONNX opset of the export")->capture_default_str();
  c->add_option("--check-batch", f->check.batch, "batch of the check inputs")
      ->capture_default_str();
  c->callback([f, action] {
    *action = [f]() -> int {
      const fs::path out(f->out);
      std::error_code ec;
      fs::create_directories(out, ec);
      if (ec) return Fail(InvalidArgument(f->out + ": cannot create folder: " + ec.message()));
      std::vector<Row> rows;
      bool all_pass = true;

      PrintStep("1/5 train SimpleCNN on " + f->train.data_dir);
      f->train.out_dir = (out / "train").string();
      auto t0 = std::chrono::steady_clock::now();
      auto tr = TrainWithProgress(f->train);
      if (!tr.ok()) return Fail(tr.status());
      std::fputs(TrainResultText(*tr).c_str(), stdout);
      char buf[160];
      std::snprintf(buf, sizeof buf, "t10k acc %.4f  val_loss %.4f  %.0f samples/s",
                    tr->test_accuracy, tr->val_loss, tr->samples_per_sec);
      rows.push_back({"train", "done", buf, MsSince(t0)});

      PrintStep("2/5 export the checkpoint to ONNX");
      const std::string onnx_path = (out / "model.onnx").string();
      t0 = std::chrono::steady_clock::now();
      Status s = ExportCheckpoint({tr->checkpoint_path, onnx_path, f->opset, -1, true});
      if (!s.ok()) return Fail(s);
      std::printf("wrote %s (%s, opset %d, dynamic batch)\n", onnx_path.c_str(),
                  Human(PathBytes(onnx_path)).c_str(), f->opset);
      rows.push_back({"export", "done", "model.onnx " + Human(PathBytes(onnx_path)), MsSince(t0)});

      PrintStep("3/5 check: PyTorch (libtorch) vs ONNX (ferry runtime)");
      auto row = CheckStep("check torch->onnx", tr->checkpoint_path, onnx_path, f->check, &all_pass);
      if (!row.ok()) return Fail(row.status());
      rows.push_back(*row);

      PrintStep("4/5 convert ONNX to TensorFlow: SavedModel, frozen .pb, TF.js");
      ConvertRequest cr;
      cr.onnx_path = onnx_path;
      cr.saved_model_dir = (out / "saved_model").string();
      cr.frozen_pb = (out / "model.pb").string();
      cr.tfjs_dir = (out / "tfjs").string();
      cr.force = true;
      t0 = std::chrono::steady_clock::now();
      auto cv = Convert(cr);
      if (!cv.ok()) return Fail(cv.status());
      std::fputs(cv->ToText().c_str(), stdout);
      std::snprintf(buf, sizeof buf, "%d TF nodes, %d Transpose", cv->tf_nodes, cv->transposes);
      rows.push_back({"convert", "done", buf, MsSince(t0)});

      PrintStep("5/5 check: ONNX vs each TensorFlow output (ferry TF runtime)");
      for (const auto& [label, path] :
           std::vector<std::pair<std::string, std::string>>{{"check onnx->savedmodel", cr.saved_model_dir},
                                                            {"check onnx->frozen-pb", cr.frozen_pb},
                                                            {"check onnx->tfjs", cr.tfjs_dir}}) {
        auto r = CheckStep(label, onnx_path, path, f->check, &all_pass);
        if (!r.ok()) return Fail(r.status());
        r->detail += "  " + Human(PathBytes(path));
        rows.push_back(*r);
      }

      std::printf("\n== summary (tolerance |b - a| <= %g + %g * |a|)\n", f->check.tol.atol,
                  f->check.tol.rtol);
      std::printf("  %-24s %-6s %10s  %s\n", "step", "result", "time", "numbers");
      for (const Row& r : rows)
        std::printf("  %-24s %-6s %8.0f ms  %s\n", r.step.c_str(), r.result.c_str(), r.ms,
                    r.detail.c_str());
      std::printf("%s\n", all_pass ? "every hop PASSED" : "a hop FAILED");
      return all_pass ? kExitOk : kExitMismatch;
    };
  });
}

}  // namespace ferry::cli
