// Training the guide's SimpleCNN on (Fashion-)MNIST IDX files, as the guide's Lightning
// TrainModule does: AdamW(lr) with PyTorch's defaults, NLL loss on log_softmax outputs,
// dropout on while training. No libtorch types here (the CLI includes this header).
//
// Data: pixels are scaled by 1/255 (torchvision's ToTensor, the guide's transform), no
// mean/std normalisation; the model, its checkpoint and its ONNX export take the scaled
// float32 [N,1,28,28] tensor. The last `val_split` of the 60k training images are held out
// for validation (a fixed, not a random, split: the same images whatever the seed); the
// rest are shuffled each epoch by a std::mt19937_64 seeded with seed + epoch.
// Determinism: same seed, same thread count and same libtorch build give the same weights.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "core/status.h"
#include "torch/idx_reader.h"

namespace ferry::torch {

struct TrainProgress {
  int epoch = 0;                // 0-based
  int64_t step = 0;             // global optimizer step, 1-based (steps done so far)
  int64_t step_in_epoch = 0;    // 1-based
  int64_t steps_per_epoch = 0;  // may exceed what runs when max_steps stops early
  float loss = 0;               // this step's training loss
  double samples_per_sec = 0;   // training throughput so far in this epoch
};

// One row of metrics.csv as it is logged, for loggers that write elsewhere too (the CLI writes
// TensorBoard's event file from these). A metric the row does not log is NaN.
struct LoggedMetrics {
  int64_t step = 0;  // the row's step column
  int epoch = 0;
  double train_loss = std::numeric_limits<double>::quiet_NaN();
  double train_loss_epoch = std::numeric_limits<double>::quiet_NaN();
  double val_loss = std::numeric_limits<double>::quiet_NaN();
  double val_acc = std::numeric_limits<double>::quiet_NaN();
};

struct TrainOptions {
  std::string data_dir = kDefaultMnistDir;
  int epochs = 1;
  int batch_size = 64;
  double lr = 1e-3;
  int val_split = 5000;  // held-out tail of the training set; 0: no validation
  uint64_t seed = 0;
  std::string out_dir;         // receives model.pt and metrics.csv; created when missing
  int num_threads = 0;         // libtorch intra-op threads; 0 keeps libtorch's default
  int max_steps = -1;          // stop after this many optimizer steps in all (tests); -1: no limit
  int log_every_n_steps = 50;  // Lightning's default; 1 logs every step
  bool evaluate_test = true;   // compute t10k accuracy at the end
  std::function<void(const TrainProgress&)> on_progress;  // called after every step
  std::function<void(const LoggedMetrics&)> on_metrics;  // called for every metrics.csv row
};

struct TrainResult {
  double test_accuracy = -1;  // on t10k; -1 when not evaluated
  double test_loss = -1;
  double val_loss = -1;  // after the last epoch; -1 without validation
  double val_acc = -1;
  int64_t steps = 0;
  int epochs_run = 0;
  double samples_per_sec = 0;   // training samples / time in training steps (no eval)
  double seconds = 0;           // wall time of Train, data loading included
  std::string checkpoint_path;  // out_dir/model.pt
  std::string metrics_path;     // out_dir/metrics.csv
};

// Trains, writes out_dir/metrics.csv (Lightning CSVLogger's layout: header
// "step,epoch,train_loss,train_loss_epoch,val_loss,val_acc"; a row with train_loss every
// log_every_n_steps steps, a row with train_loss_epoch, val_loss and val_acc after each epoch)
// and out_dir/model.pt (see checkpoint.h), both atomically.
StatusOr<TrainResult> Train(const TrainOptions& options);

}  // namespace ferry::torch
