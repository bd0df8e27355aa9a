// Negative log-likelihood loss over [n, c, d] log-probabilities (d = product of the extra
// spatial dims) with [n, d] class targets: the core of ONNX NegativeLogLikelihoodLoss-13 and
// SoftmaxCrossEntropyLoss-13. Oracle: reference/loss.h.
#pragma once

#include <cstdint>
#include <optional>

#include "core/status.h"

namespace ferry::kernels {

enum class LossReduction { kNone, kSum, kMean };

// loss[i, k] = -weight[t] * logp[i, t, k] with t = target[i, k] (weight 1 when weight is
// null); targets equal to ignore_index contribute 0 and no weight. kNone writes n * d values,
// kSum their sum, kMean their sum divided by the sum of the weights used (the spec's weighted
// mean). A target outside [0, c) that is not ignored is an error.
template <typename T, typename I>
Status NllLoss(const T* logp, const I* target, const T* weight, int64_t n, int64_t c, int64_t d,
               std::optional<int64_t> ignore_index, LossReduction reduction, T* y);

}  // namespace ferry::kernels
