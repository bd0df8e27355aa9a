// TF Pad(input, paddings) and PadV2(input, paddings, constant_values) (array_ops.cc):
// paddings is [rank, 2] of (before, after); Pad fills zeros, PadV2 the given scalar
// (the converter uses -inf to express ONNX MaxPool's padding); MirrorPad(input, paddings)
// with mode REFLECT (the border element is not repeated: numpy 'reflect').
#include <vector>

#include "kernels/transform.h"

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Pad final : public runtime::Op {
 public:
  explicit Pad(const runtime::NodeInfo& info) {
    if (info.num_inputs() < 2) init_status_ = info.Error("expects at least 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* p = ctx.input(1);
    if (!x || !p) return ctx.Error("missing input");
    if (x->dtype() != DataType::kFloat32) return ctx.Error("only float32 is supported");
    const int r = x->rank();
    std::vector<int64_t> pads = p->ToInt64Vector();
    if (static_cast<int>(pads.size()) != 2 * r)
      return ctx.Error("paddings " + p->shape().ToString() + " do not match rank " +
                       std::to_string(r));
    float fill = 0.f;
    if (const Tensor* c = ctx.input(2)) fill = static_cast<float>(c->GetAsDouble(0));
    std::vector<int64_t> dims(r);
    for (int i = 0; i < r; ++i) {
      if (pads[2 * i] < 0 || pads[2 * i + 1] < 0) return ctx.Error("negative padding");
      dims[i] = x->dim(i) + pads[2 * i] + pads[2 * i + 1];
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, Shape(dims)));
    // TF's [[before, after], ...] to the kernel's [begins..., ends...].
    std::vector<int64_t> onnx_pads(2 * r);
    for (int i = 0; i < r; ++i) {
      onnx_pads[i] = pads[2 * i];
      onnx_pads[r + i] = pads[2 * i + 1];
    }
    kernels::PadConstant(x->raw_data(), x->shape().dims(), onnx_pads, &fill, sizeof(float),
                         out->raw_data());
    return Status::Ok();
  }
};

class MirrorPad final : public runtime::Op {
 public:
  explicit MirrorPad(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
    auto mode = StringAttr(info, "mode", true);
    if (!mode.ok())
      init_status_ = mode.status();
    else if (*mode != "REFLECT")
      init_status_ = Unimplemented(info.Describe() + ": mode '" + *mode + "' is not supported");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* p = ctx.input(1);
    if (!x || !p) return ctx.Error("missing input");
    const int r = x->rank();
    const std::vector<int64_t> tf_pads = p->ToInt64Vector();
    if (static_cast<int>(tf_pads.size()) != 2 * r)
      return ctx.Error("paddings " + p->shape().ToString() + " do not match rank " +
                       std::to_string(r));
    // TF's [[before, after], ...] to the kernel's [begins..., ends...].
    std::vector<int64_t> pads(2 * r), dims(r);
    for (int i = 0; i < r; ++i) {
      pads[i] = tf_pads[2 * i];
      pads[r + i] = tf_pads[2 * i + 1];
      if (pads[i] < 0 || pads[r + i] < 0 || pads[i] >= x->dim(i) || pads[r + i] >= x->dim(i))
        return ctx.Error("REFLECT paddings must be in [0, dim) for dim " + std::to_string(i));
      dims[i] = x->dim(i) + pads[i] + pads[r + i];
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(dims)));
    kernels::PadBorder(kernels::PadMode::kReflect, x->raw_data(), x->shape().dims(), pads,
                       SizeOf(x->dtype()), y->raw_data());
    return Status::Ok();
  }
};

}  // namespace

void RegisterPad(runtime::OpSet& s) {
  s.Add<MirrorPad>("MirrorPad", 1, "tf");
  s.Add<Pad>("Pad", 1, "tf");
  s.Add<Pad>("PadV2", 1, "tf");
}

}  // namespace ferry::tf::ops
