// ONNX Unique (11): the unique elements of the flattened input, or the unique slices along
// `axis`; sorted=1 (default) orders them ascending (slices lexicographically, as numpy.unique),
// sorted=0 by first occurrence. Outputs Y, indices (first occurrences), inverse_indices and
// counts, the last three int64.
#include <algorithm>
#include <map>
#include <numeric>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Unique final : public Op {
 public:
  explicit Unique(const NodeInfo& info)
      : has_axis_(info.node().has_attr("axis")),
        axis_(info.node().GetInt("axis", 0)),
        sorted_(info.node().GetInt("sorted", 1) != 0) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    int64_t outer = 1, n = x->NumElements(), inner = 1;
    int axis = 0;
    if (has_axis_) {
      FERRY_ASSIGN_OR_RETURN(axis, NormalizeAxis(axis_, x->rank(), ctx.node().Describe()));
      n = x->dim(axis);
      for (int d = 0; d < axis; ++d) outer *= x->dim(d);
      for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    }
    return Dispatch<Types::kNumeric>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T* xp = x->data<T>();
      std::vector<std::vector<T>> slices(n);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t j = 0; j < inner; ++j) slices[i].push_back(xp[(o * n + i) * inner + j]);
      // Unique slices in first-occurrence order, then optionally sorted.
      std::map<std::vector<T>, int64_t> seen;
      std::vector<int64_t> first;  // slice index of each unique value
      std::vector<int64_t> which(n);
      for (int64_t i = 0; i < n; ++i) {
        auto [it, inserted] = seen.emplace(slices[i], static_cast<int64_t>(first.size()));
        if (inserted) first.push_back(i);
        which[i] = it->second;
      }
      const int64_t u = static_cast<int64_t>(first.size());
      std::vector<int64_t> order(u);
      std::iota(order.begin(), order.end(), 0);
      if (sorted_)
        std::sort(order.begin(), order.end(),
                  [&](int64_t a, int64_t b) { return slices[first[a]] < slices[first[b]]; });
      std::vector<int64_t> rank(u);
      for (int64_t r = 0; r < u; ++r) rank[order[r]] = r;
      std::vector<int64_t> y_dims = {u};
      if (has_axis_) {
        y_dims = x->shape().dims();
        y_dims[axis] = u;
      }
      FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(y_dims)));
      for (int64_t r = 0; r < u; ++r) {
        const std::vector<T>& s = slices[first[order[r]]];
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t j = 0; j < inner; ++j)
            y->data<T>()[(o * u + r) * inner + j] = s[o * inner + j];
      }
      if (ctx.num_outputs() > 1) {
        FERRY_ASSIGN_OR_RETURN(Tensor * idx, ctx.Output(1, DataType::kInt64, Shape{u}));
        for (int64_t r = 0; r < u; ++r) idx->data<int64_t>()[r] = first[order[r]];
      }
      if (ctx.num_outputs() > 2) {
        FERRY_ASSIGN_OR_RETURN(Tensor * inv, ctx.Output(2, DataType::kInt64, Shape{n}));
        for (int64_t i = 0; i < n; ++i) inv->data<int64_t>()[i] = rank[which[i]];
      }
      if (ctx.num_outputs() > 3) {
        FERRY_ASSIGN_OR_RETURN(Tensor * cnt, ctx.Output(3, DataType::kInt64, Shape{u}));
        std::fill_n(cnt->data<int64_t>(), u, 0);
        for (int64_t i = 0; i < n; ++i) ++cnt->data<int64_t>()[rank[which[i]]];
      }
      return Status::Ok();
    });
  }

 private:
  bool has_axis_;
  int64_t axis_;
  bool sorted_;
};

}  // namespace

void RegisterUnique(OpSet& s) { s.Add<Unique>("Unique", 11); }

}  // namespace ferry::onnx::ops
