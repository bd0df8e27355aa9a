// TF Fill(dims, value) (array_ops.cc): a tensor of shape `dims` filled with the scalar value.
#include <cmath>
#include <cstring>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Fill final : public runtime::Op {
 public:
  explicit Fill(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* dims = ctx.input(0);
    const Tensor* v = ctx.input(1);
    if (!dims || !v) return ctx.Error("missing input");
    if (v->NumElements() != 1) return ctx.Error("value must be a scalar");
    const std::vector<int64_t> d = dims->ToInt64Vector();
    for (int64_t x : d)
      if (x < 0) return ctx.Error("dims has a negative entry");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, v->dtype(), Shape(d)));
    const size_t es = SizeOf(v->dtype());
    for (int64_t i = 0; i < y->NumElements(); ++i)
      std::memcpy(static_cast<uint8_t*>(y->raw_data()) + i * es, v->raw_data(), es);
    return Status::Ok();
  }
};

// TF Size(input) with out_type (array_ops.cc): the element count as a scalar.
class Size final : public runtime::Op {
 public:
  explicit Size(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
    const ir::Attribute* t = info.node().attr("out_type");
    if (t && t->kind() == ir::AttrKind::kType) out_ = t->type();
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, out_, Shape{}));
    if (out_ == DataType::kInt64)
      y->data<int64_t>()[0] = x->NumElements();
    else
      y->data<int32_t>()[0] = static_cast<int32_t>(x->NumElements());
    return Status::Ok();
  }

 private:
  DataType out_ = DataType::kInt32;
};

// TF Range(start, limit, delta) with Tidx (math_ops.cc): start + i * delta while before limit.
class Range final : public runtime::Op {
 public:
  explicit Range(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 3) init_status_ = info.Error("expects 3 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* s = ctx.input(0);
    const Tensor* l = ctx.input(1);
    const Tensor* d = ctx.input(2);
    if (!s || !l || !d) return ctx.Error("missing input");
    const double start = s->GetAsDouble(0), limit = l->GetAsDouble(0), delta = d->GetAsDouble(0);
    if (delta == 0) return ctx.Error("delta is 0");
    const int64_t n = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, s->dtype(), Shape({n})));
    const bool ok = VisitNumeric(s->dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T st = s->data<T>()[0], de = d->data<T>()[0];
      for (int64_t i = 0; i < n; ++i) y->data<T>()[i] = static_cast<T>(st + static_cast<T>(i) * de);
    });
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(s->dtype()) + " is not supported");
    return Status::Ok();
  }
};

}  // namespace

void RegisterFill(runtime::OpSet& s) {
  s.Add<Fill>("Fill", 1, "tf");
  s.Add<Size>("Size", 1, "tf");
  s.Add<Range>("Range", 1, "tf");
}

}  // namespace ferry::tf::ops
