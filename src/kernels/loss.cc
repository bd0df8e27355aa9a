// Negative log-likelihood loss: one pass over the targets, accumulating in double.
#include "kernels/loss.h"

#include <string>
#include <vector>

namespace ferry::kernels {

template <typename T, typename I>
Status NllLoss(const T* logp, const I* target, const T* weight, int64_t n, int64_t c, int64_t d,
               std::optional<int64_t> ignore_index, LossReduction reduction, T* y) {
  double sum = 0.0, weight_sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < d; ++k) {
      const int64_t t = static_cast<int64_t>(target[i * d + k]);
      double loss = 0.0;
      if (!ignore_index || t != *ignore_index) {
        if (t < 0 || t >= c)
          return InvalidArgument("target " + std::to_string(t) + " is outside [0, " +
                                 std::to_string(c) + ")");
        const double w = weight ? static_cast<double>(weight[t]) : 1.0;
        loss = -w * static_cast<double>(logp[(i * c + t) * d + k]);
        weight_sum += w;
      }
      if (reduction == LossReduction::kNone)
        y[i * d + k] = static_cast<T>(loss);
      else
        sum += loss;
    }
  }
  if (reduction == LossReduction::kSum) y[0] = static_cast<T>(sum);
  if (reduction == LossReduction::kMean) y[0] = static_cast<T>(sum / weight_sum);
  return Status::Ok();
}

#define FERRY_INSTANTIATE_NLL(T, I)                                                              \
  template Status NllLoss<T, I>(const T*, const I*, const T*, int64_t, int64_t, int64_t,        \
                                std::optional<int64_t>, LossReduction, T*);
FERRY_INSTANTIATE_NLL(float, int32_t)
FERRY_INSTANTIATE_NLL(float, int64_t)
FERRY_INSTANTIATE_NLL(double, int32_t)
FERRY_INSTANTIATE_NLL(double, int64_t)

}  // namespace ferry::kernels
