// TF ScatterNd(indices, updates, shape) and TensorScatterUpdate(tensor, indices, updates)
// (array_ops.cc). indices is [..., K]: each row addresses a slice tensor[i0, ..., iK-1] of
// shape shape[K:]. ScatterNd starts from zeros and adds the updates (duplicates sum);
// TensorScatterUpdate copies tensor and assigns them (the last duplicate wins).
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

template <bool kUpdate>
class Scatter final : public runtime::Op {
 public:
  explicit Scatter(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 3) init_status_ = info.Error("expects 3 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* idx = ctx.input(kUpdate ? 1 : 0);
    const Tensor* upd = ctx.input(kUpdate ? 2 : 1);
    const Tensor* base = kUpdate ? ctx.input(0) : nullptr;
    if (!idx || !upd || (kUpdate && !base) || (!kUpdate && !ctx.input(2)))
      return ctx.Error("missing input");
    const Shape shape = kUpdate ? base->shape() : Shape(ctx.input(2)->ToInt64Vector());
    if (idx->rank() < 1) return ctx.Error("indices must have rank >= 1");
    const int64_t k = idx->dim(idx->rank() - 1);
    if (k > shape.rank()) return ctx.Error("index depth exceeds the output rank");
    int64_t slice = 1;
    for (int d = static_cast<int>(k); d < shape.rank(); ++d) slice *= shape[d];
    const int64_t rows = k == 0 ? 0 : idx->NumElements() / k;
    if (upd->NumElements() != rows * slice)
      return ctx.Error("updates " + upd->DebugString() + " do not match indices " +
                       idx->DebugString());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, upd->dtype(), shape));
    if (kUpdate)
      std::memcpy(y->raw_data(), base->raw_data(), y->NumBytes());
    else
      std::memset(y->raw_data(), 0, y->NumBytes());
    std::vector<int64_t> offsets(rows);
    for (int64_t r = 0; r < rows; ++r) {
      int64_t off = 0;
      for (int64_t j = 0; j < k; ++j) {
        const int64_t i = idx->GetAsInt64(r * k + j);
        if (i < 0 || i >= shape[j])
          return ctx.Error("index " + std::to_string(i) + " is outside [0, " +
                           std::to_string(shape[j]) + ")");
        off = off * shape[j] + i;
      }
      offsets[r] = off * slice;
    }
    const bool ok = VisitNumeric(
        upd->dtype(),
        [&](auto tag) {
          using T = decltype(tag);
          const T* u = upd->data<T>();
          T* o = y->data<T>();
          for (int64_t r = 0; r < rows; ++r)
            for (int64_t e = 0; e < slice; ++e) {
              if constexpr (kUpdate || std::is_same_v<T, bool>)
                o[offsets[r] + e] = u[r * slice + e];
              else
                o[offsets[r] + e] += u[r * slice + e];
            }
        },
        /*with_bool=*/true);
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(upd->dtype()) + " is not supported");
    return Status::Ok();
  }
};

}  // namespace

void RegisterScatterNd(runtime::OpSet& s) {
  s.Add<Scatter<false>>("ScatterNd", 1, "tf");
  s.Add<Scatter<true>>("TensorScatterUpdate", 1, "tf");
}

}  // namespace ferry::tf::ops
