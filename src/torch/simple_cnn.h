// The guide's SimpleCNN as a libtorch module, behind a header without libtorch types.
// Input: float32 [N, 1, 28, 28] holding pixels already scaled to [0, 1] (pixel / 255, the
// guide's torchvision ToTensor; no mean/std normalisation). Output: log-probabilities [N, 10].
#pragma once

#include <cstdint>
#include <memory>

#include "core/status.h"
#include "core/tensor.h"
#include "torch/simple_cnn_weights.h"

namespace ferry::torch {

// Sets libtorch's intra-op thread count (at::set_num_threads); n <= 0 keeps the default.
void SetTorchNumThreads(int n);
int GetTorchNumThreads();

struct EvalStats {
  double loss = 0;      // mean NLL over the samples
  double accuracy = 0;  // fraction of argmax == label
  int64_t count = 0;
};

class SimpleCnn {
 public:
  ~SimpleCnn();
  SimpleCnn(const SimpleCnn&) = delete;
  SimpleCnn& operator=(const SimpleCnn&) = delete;

  // PyTorch's default initialisation (kaiming-uniform weights), from torch::manual_seed(seed).
  static StatusOr<std::unique_ptr<SimpleCnn>> CreateRandom(uint64_t seed);
  // Copies validated weights in; the model starts in eval mode.
  static StatusOr<std::unique_ptr<SimpleCnn>> FromWeights(const SimpleCnnWeights& weights);

  // A copy of the parameters, in state_dict order.
  StatusOr<SimpleCnnWeights> Weights() const;

  // Eval-mode forward (dropout off, no autograd): float32 [N,1,28,28] -> [N,10].
  StatusOr<Tensor> Predict(const Tensor& input) const;

  // Creates the AdamW optimizer (PyTorch defaults: betas (0.9, 0.999), eps 1e-8,
  // weight_decay 0.01) and switches to train mode.
  Status StartTraining(double lr);
  // One optimizer step on a batch: `images` float32 [n*784] (scaled as above), `labels` [n].
  // Returns the batch's mean NLL loss. Dropout is on.
  StatusOr<float> TrainStep(const float* images, const int64_t* labels, int64_t n);
  // Eval-mode loss and accuracy over n samples of uint8 pixels (scaled here by 1/255) in
  // batches of `batch_size`. Leaves the model in the mode it found it in.
  StatusOr<EvalStats> Evaluate(const uint8_t* pixels, const uint8_t* labels, int64_t n,
                               int64_t batch_size) const;

 private:
  struct Impl;
  explicit SimpleCnn(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::torch
