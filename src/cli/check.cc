// ferry check A B: the guide's onnxtest.py for any two models ferry can run.
#include <cstdio>

#include "check/check.h"
#include "check/per_node.h"
#include "cli/command.h"
#include "cli/io_flags.h"
#include "cli/models.h"
#include "core/atomic_file.h"
#include "report/check_html.h"

namespace ferry::cli {

namespace {

struct CheckFlags {
  std::string a, b, json, html;
  std::vector<std::string> inputs;
  check::CheckOptions opt;
  int threads = 0;
  bool per_node = false;
};

// Opens a TF model B through its graph, so that the converter's record in it (tf::SourceValue)
// tells how B's inputs are laid out and, for --per-node, which value stands for which.
StatusOr<check::CheckReport> Check(CheckFlags& f, const OpenOptions& oo) {
  FERRY_ASSIGN_OR_RETURN(ModelFormat fa, DetectFormat(f.a));
  FERRY_ASSIGN_OR_RETURN(ModelFormat fb, DetectFormat(f.b));
  if (f.per_node && (fa != ModelFormat::kOnnx || !IsTfFormat(fb)))
    return InvalidArgument("--per-node: A must be an ONNX model and B a SavedModel, frozen .pb "
                           "or TF.js model converted from it");
  std::shared_ptr<ir::Graph> ga, gb;
  std::unique_ptr<check::ModelRunner> a, b;
  if (f.per_node) {
    FERRY_ASSIGN_OR_RETURN(ga, LoadGraph(f.a, nullptr));
    FERRY_ASSIGN_OR_RETURN(a, OpenGraph(ga, fa, f.a, oo));
  } else {
    FERRY_ASSIGN_OR_RETURN(a, OpenModel(f.a, oo));
  }
  if (IsTfFormat(fb) && !IsTfFormat(fa)) {
    FERRY_ASSIGN_OR_RETURN(gb, LoadGraph(f.b, nullptr));
    f.opt.b_input_perms = InputPerms(*gb);
    FERRY_ASSIGN_OR_RETURN(b, OpenGraph(gb, fb, f.b, oo));
  } else {
    FERRY_ASSIGN_OR_RETURN(b, OpenModel(f.b, oo));
  }
  if (!f.per_node) return check::RunCheck(*a, *b, f.opt);
  FERRY_ASSIGN_OR_RETURN(std::vector<check::ValueLink> links, LinkValues(*ga, *gb));
  return check::RunPerNodeCheck(*a, *b, links, f.opt);
}

}  // namespace

void AddCheckCommand(CLI::App& app, Action* action) {
  using Flags = CheckFlags;
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand(
      "check", "Run two models on the same inputs and compare every output (exit 1 on mismatch)");
  c->add_option("A", f->a, "reference model: checkpoint, .pt, .onnx, SavedModel, .pb, TF.js")
      ->required();
  c->add_option("B", f->b, "model under test")->required();
  c->add_option("--atol", f->opt.tol.atol, "absolute tolerance")->capture_default_str();
  c->add_option("--rtol", f->opt.tol.rtol, "relative tolerance")->capture_default_str();
  c->add_option("--trials", f->opt.trials, "random input sets")->capture_default_str()
      ->check(CLI::PositiveNumber);
  c->add_option("--batch", f->opt.batch, "value of dynamic dims in generated inputs")
      ->capture_default_str()->check(CLI::PositiveNumber);
  c->add_option("--seed", f->opt.seed, "seed of the generated inputs")->capture_default_str();
  c->add_option("--input", f->inputs, "NAME=FILE.npy: use this input instead of noise");
  c->add_option("--json", f->json, "also write the report as JSON");
  c->add_option("--html", f->html, "also write the report as a page with error histograms");
  c->add_option("--threads", f->threads, "threads (default: FERRY_NUM_THREADS or all cores)");
  c->add_flag("--per-node", f->per_node,
              "A .onnx, B converted from it: also compare every intermediate value with its TF "
              "counterpart and name the first node outside the tolerance");
  c->callback([f, action] {
    *action = [f]() -> int {
      auto inputs = ReadInputFlags(f->inputs);
      if (!inputs.ok()) return Fail(inputs.status());
      f->opt.inputs = std::move(inputs).value();
      OpenOptions oo;
      oo.num_threads = f->threads;
      auto report = Check(*f, oo);
      if (!report.ok()) return Fail(report.status());
      std::fputs(report->ToText(f->opt.tol).c_str(), stdout);
      if (!f->json.empty()) {
        Status s = WriteFileAtomically(f->json, report->ToJson(f->opt.tol) + "\n");
        if (!s.ok()) return Fail(s);
      }
      if (!f->html.empty()) {
        Status s = WriteFileAtomically(
            f->html, report::CheckReportHtml(*report, f->opt.tol, {f->a, f->b}));
        if (!s.ok()) return Fail(s);
      }
      return report->pass() ? kExitOk : kExitMismatch;
    };
  });
}

}  // namespace ferry::cli
