// The training loop: data, shuffling, batches, metrics.csv and the checkpoint. The libtorch
// work (forward, backward, AdamW) is SimpleCnn's; this file has no libtorch include.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>
#include <vector>

#include "core/atomic_file.h"
#include "torch/checkpoint.h"
#include "torch/simple_cnn.h"
#include "torch/train.h"

namespace ferry::torch {
namespace {

constexpr int64_t kPixels = kImageSize * kImageSize;

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Status CheckOptions(const TrainOptions& o) {
  if (o.out_dir.empty()) return InvalidArgument("train: no output folder given");
  if (o.epochs < 1)
    return InvalidArgument("train: epochs must be >= 1, got " + std::to_string(o.epochs));
  if (o.batch_size < 1)
    return InvalidArgument("train: batch size must be >= 1, got " + std::to_string(o.batch_size));
  if (!(o.lr > 0)) return InvalidArgument("train: learning rate must be > 0");
  if (o.val_split < 0) return InvalidArgument("train: val_split must be >= 0");
  if (o.log_every_n_steps < 1) return InvalidArgument("train: log_every_n_steps must be >= 1");
  if (o.max_steps == 0 || o.max_steps < -1) {
    return InvalidArgument("train: max_steps must be positive or -1");
  }
  return Status::Ok();
}

Status CheckData(const MnistData& d, const std::string& what) {
  if (d.images.dim(1) != kImageSize || d.images.dim(2) != kImageSize) {
    return InvalidArgument(what + " images are " + d.images.shape().ToString() +
                           ", expected [N,28,28]");
  }
  const uint8_t* labels = d.labels.data<uint8_t>();
  for (int64_t i = 0; i < d.size(); ++i) {
    if (labels[i] >= kSimpleCnnClasses) {
      return InvalidArgument(what + " label " + std::to_string(i) + " is " +
                             std::to_string(labels[i]) + ", expected 0..9");
    }
  }
  return Status::Ok();
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

// Lightning's CSVLogger layout: one header, then rows where only the logged metrics are set.
class MetricsCsv {
 public:
  MetricsCsv() : text_("step,epoch,train_loss,train_loss_epoch,val_loss,val_acc\n") {}
  void StepRow(int64_t step, int epoch, double loss) {
    text_ += std::to_string(step) + "," + std::to_string(epoch) + "," + Num(loss) + ",,,\n";
  }
  void EpochRow(int64_t step, int epoch, double train_loss_epoch, const EvalStats* val) {
    text_ += std::to_string(step) + "," + std::to_string(epoch) + ",," + Num(train_loss_epoch) +
             "," + (val ? Num(val->loss) : "") + "," + (val ? Num(val->accuracy) : "") + "\n";
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace

StatusOr<TrainResult> Train(const TrainOptions& options) {
  const Clock::time_point t_start = Clock::now();
  FERRY_RETURN_IF_ERROR(CheckOptions(options));
  SetTorchNumThreads(options.num_threads);

  FERRY_ASSIGN_OR_RETURN(MnistData train, ReadMnist(options.data_dir, MnistSplit::kTrain));
  FERRY_RETURN_IF_ERROR(CheckData(train, "training"));
  MnistData test;
  if (options.evaluate_test) {
    FERRY_ASSIGN_OR_RETURN(test, ReadMnist(options.data_dir, MnistSplit::kTest));
    FERRY_RETURN_IF_ERROR(CheckData(test, "t10k"));
  }
  if (options.val_split >= train.size()) {
    return InvalidArgument("train: val_split " + std::to_string(options.val_split) +
                           " leaves no training images out of " + std::to_string(train.size()));
  }
  const int64_t train_n = train.size() - options.val_split;
  const uint8_t* pixels = train.images.data<uint8_t>();
  const uint8_t* labels = train.labels.data<uint8_t>();

  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    return InvalidArgument("train: cannot create output folder '" + options.out_dir +
                           "': " + ec.message());
  }

  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<SimpleCnn> model, SimpleCnn::CreateRandom(options.seed));
  FERRY_RETURN_IF_ERROR(model->StartTraining(options.lr));

  // Lightning's DataLoader default drop_last=False: the last, smaller batch is trained on.
  const int64_t batch = options.batch_size;
  const int64_t steps_per_epoch = (train_n + batch - 1) / batch;
  std::vector<int64_t> order(train_n);
  std::vector<float> batch_images(batch * kPixels);
  std::vector<int64_t> batch_labels(batch);
  MetricsCsv csv;
  TrainResult result;
  double train_seconds = 0;
  int64_t samples_seen = 0;
  int64_t step = 0;  // global steps done
  bool stop = false;

  for (int epoch = 0; epoch < options.epochs && !stop; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(options.seed + static_cast<uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), rng);
    double epoch_loss_sum = 0;
    int64_t epoch_samples = 0;
    double epoch_seconds = 0;
    for (int64_t s = 0; s < steps_per_epoch; ++s) {
      if (options.max_steps > 0 && step >= options.max_steps) {
        stop = true;
        break;
      }
      const Clock::time_point t0 = Clock::now();
      const int64_t begin = s * batch;
      const int64_t n = std::min(batch, train_n - begin);
      // ToTensor's scaling, fused into the gather of the shuffled batch.
      for (int64_t i = 0; i < n; ++i) {
        const int64_t idx = order[begin + i];
        const uint8_t* src = pixels + idx * kPixels;
        float* dst = batch_images.data() + i * kPixels;
        for (int64_t p = 0; p < kPixels; ++p) dst[p] = static_cast<float>(src[p]) * (1.0f / 255);
        batch_labels[i] = labels[idx];
      }
      FERRY_ASSIGN_OR_RETURN(float loss,
                             model->TrainStep(batch_images.data(), batch_labels.data(), n));
      const double dt = SecondsSince(t0);
      epoch_seconds += dt;
      train_seconds += dt;
      samples_seen += n;
      // train_loss_epoch is Lightning's sample-weighted mean of the step losses.
      epoch_loss_sum += static_cast<double>(loss) * n;
      epoch_samples += n;
      if ((step + 1) % options.log_every_n_steps == 0) {
        csv.StepRow(step, epoch, loss);
        if (options.on_metrics) {
          LoggedMetrics m;
          m.step = step;
          m.epoch = epoch;
          m.train_loss = loss;
          options.on_metrics(m);
        }
      }
      ++step;
      if (options.on_progress) {
        TrainProgress p;
        p.epoch = epoch;
        p.step = step;
        p.step_in_epoch = s + 1;
        p.steps_per_epoch = steps_per_epoch;
        p.loss = loss;
        p.samples_per_sec = epoch_seconds > 0 ? epoch_samples / epoch_seconds : 0;
        options.on_progress(p);
      }
    }
    if (epoch_samples == 0) break;
    EvalStats val;
    const bool has_val = options.val_split > 0;
    if (has_val) {
      FERRY_ASSIGN_OR_RETURN(val, model->Evaluate(pixels + train_n * kPixels, labels + train_n,
                                                  options.val_split, 512));
      result.val_loss = val.loss;
      result.val_acc = val.accuracy;
    }
    csv.EpochRow(step - 1, epoch, epoch_loss_sum / epoch_samples, has_val ? &val : nullptr);
    if (options.on_metrics) {
      LoggedMetrics m;
      m.step = step - 1;
      m.epoch = epoch;
      m.train_loss_epoch = epoch_loss_sum / epoch_samples;
      if (has_val) {
        m.val_loss = val.loss;
        m.val_acc = val.accuracy;
      }
      options.on_metrics(m);
    }
    result.epochs_run = epoch + 1;
  }

  if (options.evaluate_test) {
    FERRY_ASSIGN_OR_RETURN(EvalStats t,
                           model->Evaluate(test.images.data<uint8_t>(), test.labels.data<uint8_t>(),
                                           test.size(), 512));
    result.test_accuracy = t.accuracy;
    result.test_loss = t.loss;
  }

  namespace fs = std::filesystem;
  result.checkpoint_path = (fs::path(options.out_dir) / "model.pt").string();
  result.metrics_path = (fs::path(options.out_dir) / "metrics.csv").string();
  FERRY_ASSIGN_OR_RETURN(SimpleCnnWeights weights, model->Weights());
  FERRY_RETURN_IF_ERROR(SaveCheckpoint(weights, result.checkpoint_path));
  FERRY_RETURN_IF_ERROR(WriteFileAtomically(result.metrics_path, csv.text()));

  result.steps = step;
  result.samples_per_sec = train_seconds > 0 ? samples_seen / train_seconds : 0;
  result.seconds = SecondsSince(t_start);
  return result;
}

}  // namespace ferry::torch
