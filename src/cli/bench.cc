// ferry bench MODEL: latency (median, p10, p90) and throughput of ferry's runtime; with
// --profile, the median time of every node as well.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "check/check.h"
#include "cli/command.h"
#include "cli/io_flags.h"
#include "cli/models.h"
#include "core/atomic_file.h"
#include "runtime/session.h"

namespace ferry::cli {
namespace {

// numpy.percentile's default (linear interpolation between closest ranks).
double Percentile(const std::vector<double>& sorted, double p) {
  double pos = (sorted.size() - 1) * p;
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// The per-node table of --profile: execution order, median of the timed runs.
void PrintProfile(const std::vector<runtime::StepProfile::Node>& nodes, double run_median_ms,
                  int iters) {
  double sum = 0.0;
  for (const auto& n : nodes) sum += runtime::StepProfile::Median(n.micros);
  std::printf("per node, median of %d runs, in execution order:\n", iters);
  std::printf("%10s %7s  %-24s %s\n", "us", "share", "op", "node");
  for (const auto& n : nodes) {
    const double us = runtime::StepProfile::Median(n.micros);
    std::printf("%10.1f %6.1f%%  %-24s %s\n", us, sum > 0 ? 100.0 * us / sum : 0.0,
                n.op_type.c_str(), n.name.c_str());
  }
  std::printf("sum of node medians %.3f ms, median run %.3f ms\n", sum / 1000.0, run_median_ms);
}

}  // namespace

void AddBenchCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string model, json;
    std::vector<std::string> inputs;
    int64_t batch = 1;
    int threads = 0, iters = 100, warmup = 10;
    bool profile = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand("bench", "Time a model in ferry's runtime: median, p10, p90");
  c->add_option("MODEL", f->model, ".onnx, SavedModel, .pb, TF.js or checkpoint")->required();
  c->add_option("--batch", f->batch, "value of dynamic dims")->capture_default_str()
      ->check(CLI::PositiveNumber);
  c->add_option("--threads", f->threads, "threads (default: FERRY_NUM_THREADS or all cores)");
  c->add_option("--iters", f->iters, "timed runs")->capture_default_str()
      ->check(CLI::PositiveNumber);
  c->add_option("--warmup", f->warmup, "untimed runs first")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  c->add_option("--input", f->inputs, "NAME=FILE.npy (default: seeded noise)");
  c->add_option("--json", f->json, "also write the result as JSON");
  c->add_flag("--profile", f->profile,
              "also time every node (ONNX and TF models): median per node, execution order");
  c->callback([f, action] {
    *action = [f]() -> int {
      auto given = ReadInputFlags(f->inputs);
      if (!given.ok()) return Fail(given.status());
      OpenOptions oo;
      oo.num_threads = f->threads;
      oo.keep_original_graph = false;  // runs only: no per-node values
      if (f->profile) oo.profile = std::make_shared<runtime::StepProfile>();
      auto model = OpenModel(f->model, oo);
      if (!model.ok()) return Fail(model.status());
      std::vector<Tensor> inputs;
      if (given->empty()) {
        auto made = check::MakeInputs((*model)->inputs(), f->batch, 0);
        if (!made.ok()) return Fail(made.status());
        inputs = std::move(made).value();
      } else {
        for (const auto& s : (*model)->inputs()) {
          auto it = given->find(s.name);
          if (it == given->end()) return Fail(InvalidArgument("missing --input " + s.name));
          Status st = check::CheckInputMatchesSpec(s, it->second);
          if (!st.ok()) return Fail(st);
          inputs.push_back(it->second);
        }
      }
      for (int i = 0; i < f->warmup; ++i) {
        auto r = (*model)->Run(inputs);
        if (!r.ok()) return Fail(r.status());
      }
      if (oo.profile) oo.profile->Clear();  // warm-up runs (and preparing) do not count
      std::vector<double> ms;
      ms.reserve(f->iters);
      for (int i = 0; i < f->iters; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        auto r = (*model)->Run(inputs);
        auto t1 = std::chrono::steady_clock::now();
        if (!r.ok()) return Fail(r.status());
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      std::sort(ms.begin(), ms.end());
      const double median = Percentile(ms, 0.5);
      const int64_t batch = inputs.empty() || inputs[0].rank() == 0 ? 1 : inputs[0].dim(0);
      const double per_sec = 1000.0 * batch / median;
      const int threads = runtime::ResolveNumThreads(f->threads);
      std::printf("%s (%s) batch %lld, %d threads, %d iters: median %.3f ms, p10 %.3f ms, "
                  "p90 %.3f ms, %.1f samples/s\n",
                  f->model.c_str(), (*model)->kind().c_str(), static_cast<long long>(batch),
                  threads, f->iters, median, Percentile(ms, 0.1), Percentile(ms, 0.9), per_sec);
      std::vector<runtime::StepProfile::Node> nodes;
      if (oo.profile) {
        nodes = oo.profile->nodes();
        if (nodes.empty())
          std::printf("no per-node times: --profile times ONNX and TF models only\n");
        else
          PrintProfile(nodes, median, f->iters);
      }
      if (!f->json.empty()) {
        nlohmann::json j = {{"model", f->model},       {"kind", (*model)->kind()},
                            {"batch", batch},          {"threads", threads},
                            {"iters", f->iters},       {"median_ms", median},
                            {"p10_ms", Percentile(ms, 0.1)}, {"p90_ms", Percentile(ms, 0.9)},
                            {"samples_per_sec", per_sec}};
        if (oo.profile) {
          nlohmann::json rows = nlohmann::json::array();
          for (const auto& n : nodes)
            rows.push_back({{"name", n.name},
                            {"op_type", n.op_type},
                            {"runs", n.micros.size()},
                            {"median_us", runtime::StepProfile::Median(n.micros)}});
          j["nodes"] = std::move(rows);
        }
        Status s = WriteFileAtomically(f->json, j.dump(2) + "\n");
        if (!s.ok()) return Fail(s);
      }
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
