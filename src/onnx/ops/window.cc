// ONNX HannWindow, HammingWindow and BlackmanWindow (17): a 1-D window of `size` (input 0,
// an integer scalar) values of output_datatype (default float), periodic (default 1: the
// denominator is size, else size - 1). Hamming uses alpha = 25/46 as the spec does.
#include <cmath>

#include "onnx/ops/op_util.h"
#include "onnx/tensor_proto.h"

namespace ferry::onnx::ops {
namespace {

enum class Window { kHann, kHamming, kBlackman };

template <Window K>
class WindowOp final : public Op {
 public:
  explicit WindowOp(const NodeInfo& info)
      : periodic_(info.node().GetInt("periodic", 1) != 0) {
    auto dt = DataTypeFromOnnx(static_cast<int32_t>(info.node().GetInt("output_datatype", 1)));
    if (dt.ok())
      dtype_ = *dt;
    else
      init_status_ = info.Error("attribute output_datatype: " + dt.status().message());
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> sv, IntValues(ctx, 0));
    if (sv.size() != 1 || sv[0] < 0) return ctx.Error("input 0 (size) must be one value >= 0");
    const int64_t size = sv[0];
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, dtype_, Shape{size}));
    const double n_den = static_cast<double>(periodic_ ? size : size - 1);
    const double pi = std::acos(-1.0);
    return Dispatch<Types::kNumeric>(ctx, dtype_, [&](auto tag) -> Status {
      using T = decltype(tag);
      for (int64_t i = 0; i < size; ++i) {
        const double a = 2.0 * pi * static_cast<double>(i) / n_den;
        double w = 0.0;
        if (K == Window::kHann) w = 0.5 - 0.5 * std::cos(a);
        if (K == Window::kHamming) w = 25.0 / 46.0 - (21.0 / 46.0) * std::cos(a);
        if (K == Window::kBlackman) w = 0.42 - 0.5 * std::cos(a) + 0.08 * std::cos(2.0 * a);
        y->data<T>()[i] = static_cast<T>(w);
      }
      return Status::Ok();
    });
  }

 private:
  bool periodic_;
  DataType dtype_ = DataType::kFloat32;
};

}  // namespace

void RegisterHannWindow(OpSet& s) { s.Add<WindowOp<Window::kHann>>("HannWindow", 17); }
void RegisterHammingWindow(OpSet& s) { s.Add<WindowOp<Window::kHamming>>("HammingWindow", 17); }
void RegisterBlackmanWindow(OpSet& s) {
  s.Add<WindowOp<Window::kBlackman>>("BlackmanWindow", 17);
}

}  // namespace ferry::onnx::ops
