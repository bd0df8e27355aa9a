// ONNX ReverseSequence (10): for each batch entry b (along batch_axis, default 1) reverses
// the first sequence_lens[b] steps along time_axis (default 0); later steps are copied.
#include <cstring>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ReverseSequence final : public Op {
 public:
  explicit ReverseSequence(const NodeInfo& info)
      : batch_axis_(info.node().GetInt("batch_axis", 1)),
        time_axis_(info.node().GetInt("time_axis", 0)) {
    if (!((batch_axis_ == 0 && time_axis_ == 1) || (batch_axis_ == 1 && time_axis_ == 0)))
      init_status_ = info.Error("batch_axis and time_axis must be 0 and 1 in some order");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> lens, IntValues(ctx, 1));
    if (x->rank() < 2) return ctx.Error("input 0 must have rank >= 2");
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    const int64_t nb = x->dim(batch_axis_), nt = x->dim(time_axis_);
    if (static_cast<int64_t>(lens.size()) != nb)
      return ctx.Error("input 1 (sequence_lens) needs " + std::to_string(nb) + " values");
    const int64_t inner = nb * nt ? x->NumElements() / (nb * nt) : 0;
    const size_t bytes = inner * SizeOf(x->dtype());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    const char* xp = static_cast<const char*>(x->raw_data());
    char* yp = static_cast<char*>(y->raw_data());
    // Row (t, b) of [time, batch] or [batch, time] leading dims.
    auto row = [&](int64_t t, int64_t b) { return time_axis_ == 0 ? t * nb + b : b * nt + t; };
    for (int64_t b = 0; b < nb; ++b) {
      if (lens[b] < 0 || lens[b] > nt)
        return ctx.Error("sequence_lens[" + std::to_string(b) + "] = " +
                         std::to_string(lens[b]) + " is outside [0, " + std::to_string(nt) + "]");
      for (int64_t t = 0; t < nt; ++t) {
        const int64_t src = t < lens[b] ? lens[b] - 1 - t : t;
        std::memcpy(yp + row(t, b) * bytes, xp + row(src, b) * bytes, bytes);
      }
    }
    return Status::Ok();
  }

 private:
  int64_t batch_axis_;
  int64_t time_axis_;
};

}  // namespace

void RegisterReverseSequence(OpSet& s) { s.Add<ReverseSequence>("ReverseSequence", 10); }

}  // namespace ferry::onnx::ops
