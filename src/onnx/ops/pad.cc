// ONNX Pad (2, 11, 13, 18): pads (attribute in Pad-2, input 1 from 11 on, [begin...,
// end...], negative values crop in constant mode), constant value (attribute `value` in
// Pad-2, optional scalar input 2 later), optional axes (input 3, Pad-18); modes constant,
// reflect and edge.
#include <cstdint>
#include <cstring>
#include <optional>

#include "kernels/transform.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Pad final : public Op {
 public:
  explicit Pad(const NodeInfo& info) : from_inputs_(info.opset() >= 11) {
    const std::string mode = info.node().GetString("mode", "constant");
    if (mode == "reflect") {
      mode_ = kernels::PadMode::kReflect;
    } else if (mode == "edge") {
      mode_ = kernels::PadMode::kEdge;
    } else if (mode != "constant") {
      init_status_ = Unimplemented(info.Describe() + ": mode '" + mode + "' is not supported");
    }
    if (!from_inputs_) {
      pads_ = info.node().GetInts("pads");
      value_ = info.node().GetFloat("value", 0.0f);
      if (!info.node().has_attr("pads")) init_status_ = info.Error("attribute pads is required");
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int r = x->rank();
    std::vector<int64_t> pads = pads_;
    if (from_inputs_) {
      FERRY_ASSIGN_OR_RETURN(pads, IntValues(ctx, 1));
    }
    if (from_inputs_ && ctx.has_input(3)) {  // Pad-18 axes: pads cover only these axes
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> axes, IntValues(ctx, 3));
      if (pads.size() != 2 * axes.size())
        return ctx.Error("pads has " + std::to_string(pads.size()) + " values for " +
                         std::to_string(axes.size()) + " axes");
      std::vector<int64_t> full(2 * r, 0);
      for (size_t i = 0; i < axes.size(); ++i) {
        auto a = NormalizeAxis(axes[i], r, ctx.node().Describe());
        if (!a.ok()) return a.status();
        full[*a] = pads[i];
        full[*a + r] = pads[i + axes.size()];
      }
      pads = full;
    }
    if (static_cast<int>(pads.size()) != 2 * r)
      return ctx.Error("pads has " + std::to_string(pads.size()) + " values, expected " +
                       std::to_string(2 * r) + " for input shape " + x->shape().ToString());
    std::vector<int64_t> out(r);
    for (int d = 0; d < r; ++d) {
      out[d] = x->dim(d) + pads[d] + pads[d + r];
      if (out[d] < 0)
        return ctx.Error("pads crop more than dim " + std::to_string(d) + " of " +
                         x->shape().ToString());
    }
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    if (mode_) {
      for (int d = 0; d < r; ++d) {
        const int64_t limit =
            *mode_ == kernels::PadMode::kReflect ? x->dim(d) - 1 : (x->dim(d) ? INT64_MAX : 0);
        if (pads[d] < 0 || pads[d + r] < 0 ||
            ((pads[d] || pads[d + r]) && (pads[d] > limit || pads[d + r] > limit)))
          return ctx.Error("pads " + Shape(pads).ToString() + " do not fit dim " +
                           std::to_string(d) + " of " + x->shape().ToString() + " in " +
                           (*mode_ == kernels::PadMode::kReflect ? "reflect" : "edge") + " mode");
      }
      FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
      kernels::PadBorder(*mode_, x->raw_data(), x->shape().dims(), pads, SizeOf(x->dtype()),
                         y->raw_data());
      return Status::Ok();
    }
    // The fill value in x's dtype.
    Tensor value = Tensor::Zeros(x->dtype(), Shape{});
    const Tensor* cv = from_inputs_ ? ctx.input(2) : nullptr;
    if (cv && cv->NumElements() > 0) {
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
      std::memcpy(value.raw_data(), cv->raw_data(), SizeOf(x->dtype()));
    } else if (!from_inputs_) {
      FERRY_RETURN_IF_ERROR(Dispatch<Types::kAll>(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = decltype(tag);
        value.data<T>()[0] = static_cast<T>(value_);
        return Status::Ok();
      }));
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    kernels::PadConstant(x->raw_data(), x->shape().dims(), pads, value.raw_data(),
                         SizeOf(x->dtype()), y->raw_data());
    return Status::Ok();
  }

 private:
  bool from_inputs_;
  std::optional<kernels::PadMode> mode_;  // nullopt: constant
  std::vector<int64_t> pads_;
  float value_ = 0.0f;
};

}  // namespace

void RegisterPad(OpSet& s) {
  for (int v : {2, 11, 13, 18}) s.Add<Pad>("Pad", v);
}

}  // namespace ferry::onnx::ops
