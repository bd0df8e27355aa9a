// Reference negative log-likelihood loss: the spec's formula element by element, with the
// weighted mean computed from separately gathered per-element losses and weights.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kernels/loss.h"

namespace ferry::kernels::reference {

template <typename T, typename I>
void NllLoss(const T* logp, const I* target, const T* weight, int64_t n, int64_t c, int64_t d,
             std::optional<int64_t> ignore_index, LossReduction reduction, T* y) {
  std::vector<double> losses(n * d, 0.0), weights(n * d, 0.0);
  for (int64_t i = 0; i < n * d; ++i) {
    const int64_t t = static_cast<int64_t>(target[i]);
    if (ignore_index && t == *ignore_index) continue;
    weights[i] = weight ? static_cast<double>(weight[t]) : 1.0;
    losses[i] = -weights[i] * static_cast<double>(logp[((i / d) * c + t) * d + i % d]);
  }
  if (reduction == LossReduction::kNone) {
    for (int64_t i = 0; i < n * d; ++i) y[i] = static_cast<T>(losses[i]);
    return;
  }
  double sum = 0.0, wsum = 0.0;
  for (int64_t i = 0; i < n * d; ++i) {
    sum += losses[i];
    wsum += weights[i];
  }
  y[0] = static_cast<T>(reduction == LossReduction::kSum ? sum : sum / wsum);
}

}  // namespace ferry::kernels::reference
