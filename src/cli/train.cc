// ferry train: the guide's SimpleCNN on MNIST-format data, as its Lightning TrainModule.
#include <cmath>
#include <cstdio>
#include <utility>

#include "cli/command.h"
#include "cli/train_flags.h"
#include "core/progress.h"
#include "torch/backend.h"
#include "tf/tfevents.h"

namespace ferry::cli {

void AddTrainFlags(CLI::App* c, torch::TrainOptions* o) {
  c->add_option("--data", o->data_dir, "folder of {train,t10k}-*-ubyte[.gz] IDX files")
      ->capture_default_str();
  c->add_option("--epochs", o->epochs, "epochs")->capture_default_str()->check(CLI::PositiveNumber);
  c->add_option("--batch-size", o->batch_size, "batch size")->capture_default_str()
      ->check(CLI::PositiveNumber);
  c->add_option("--lr", o->lr, "AdamW learning rate")->capture_default_str();
  c->add_option("--val-split", o->val_split, "training images held out for validation")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  c->add_option("--seed", o->seed, "seed of initialisation, shuffling and dropout")
      ->capture_default_str();
  c->add_option("--threads", o->num_threads, "threads (default: all cores)");
  c->add_option("--max-steps", o->max_steps, "stop after this many steps (-1: no limit)")
      ->capture_default_str();
}

StatusOr<torch::TrainResult> TrainWithProgress(torch::TrainOptions o) {
  FERRY_ASSIGN_OR_RETURN(const torch::TorchBackend* backend, torch::LoadTorchBackend());
  std::unique_ptr<ProgressBar> bar;
  int bar_epoch = -1;
  const int epochs = o.epochs;
  o.on_progress = [&](const torch::TrainProgress& p) {
    if (p.epoch != bar_epoch) {
      if (bar) bar->Finish("");
      bar_epoch = p.epoch;
      bar = std::make_unique<ProgressBar>(p.steps_per_epoch, "epoch " + std::to_string(p.epoch + 1) +
                                                                "/" + std::to_string(epochs));
    }
    char suffix[128];
    std::snprintf(suffix, sizeof suffix, "train_loss %.4f  %.0f samples/s", p.loss,
                  p.samples_per_sec);
    bar->Update(p.step_in_epoch, suffix);
  };
  // TensorBoard's event file beside metrics.csv, with the same rows (Lightning's default
  // TensorBoardLogger writes one). Created at the first logged row: a run that fails before
  // logging anything leaves no empty file behind.
  std::unique_ptr<tf::EventWriter> events;
  Status events_status;
  o.on_metrics = [&](const torch::LoggedMetrics& m) {
    if (!events_status.ok()) return;
    if (!events) {
      auto w = tf::EventWriter::Create(o.out_dir);
      if (!w.ok()) {
        events_status = w.status();
        return;
      }
      events = std::move(w).value();
    }
    const std::pair<const char*, double> scalars[] = {{"train_loss", m.train_loss},
                                                      {"train_loss_epoch", m.train_loss_epoch},
                                                      {"val_loss", m.val_loss},
                                                      {"val_acc", m.val_acc}};
    for (const auto& [tag, v] : scalars)
      if (!std::isnan(v) && events_status.ok())
        events_status = events->AddScalar(tag, static_cast<float>(v), m.step);
  };
  auto r = backend->Train(o);
  if (bar) bar->Finish("");
  if (events && events_status.ok()) events_status = events->Close();
  if (r.ok() && !events_status.ok()) return events_status.WithContext("TensorBoard event file");
  return r;
}

std::string TrainResultText(const torch::TrainResult& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "trained %lld steps in %.1f s: %.0f samples/s\n"
                "  val_loss %.4f  val_acc %.4f\n"
                "  t10k accuracy %.4f\n"
                "  wrote %s and %s\n",
                static_cast<long long>(r.steps), r.seconds, r.samples_per_sec, r.val_loss,
                r.val_acc, r.test_accuracy, r.checkpoint_path.c_str(),
                r.metrics_path.c_str());
  return buf;
}

void AddTrainCommand(CLI::App& app, Action* action) {
  auto o = std::make_shared<torch::TrainOptions>();
  o->data_dir = torch::kDefaultMnistDir;
  o->out_dir = "runs/train";
  CLI::App* c = app.add_subcommand("train", "Train the guide's SimpleCNN (AdamW, NLLLoss)");
  AddTrainFlags(c, o.get());
  c->add_option("--out", o->out_dir, "folder for metrics.csv and model.pt")->capture_default_str();
  c->callback([o, action] {
    *action = [o]() -> int {
      auto r = TrainWithProgress(*o);
      if (!r.ok()) return Fail(r.status());
      std::fputs(TrainResultText(*r).c_str(), stdout);
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
