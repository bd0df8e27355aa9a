// ONNX HannWindow, HammingWindow, BlackmanWindow (17)(size) with periodic, output_datatype:
// w[n] = a0 - a1 cos(2 pi n / D) + a2 cos(4 pi n / D), n in [0, size), D = size when
// periodic else size - 1 (Hann 0.5, 0.5, 0; Hamming 25/46, 21/46, 0; Blackman 0.42, 0.5,
// 0.08, as ONNX's reference). A constant size folds to a constant; a run-time size becomes
// Range, Cast and Cos in float32, then a Cast to output_datatype.
#include <cmath>
#include <cstring>

#include "convert/onnx_to_tf/ops/emit.h"
#include "onnx/tensor_proto.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

struct Coeffs {
  double a0, a1, a2;
};

class WindowToTf final : public OpConverter {
 public:
  WindowToTf(const std::string& op, Coeffs c) : OpConverter(op, 17), c_(c) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"periodic", "output_datatype"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(DataType t,
                           onnx::DataTypeFromOnnx(static_cast<int>(n.GetInt("output_datatype", 1))));
    ctx.out(0).dtype = t;
    const ValueFacts& s = ctx.in(0);
    if (!s.constant || s.constant->NumElements() != 1) {
      ctx.out(0).dims = std::vector<ir::Dim>{ir::Dim{}};
      return Status::Ok();
    }
    const int64_t size = s.constant->GetAsInt64(0);
    if (size < 0) return ctx.Error("size is negative");
    const double d = n.GetInt("periodic", 1) != 0 ? size : size - 1;
    Tensor w(DataType::kFloat64, Shape{size});
    for (int64_t i = 0; i < size; ++i) {
      const double x = d == 0 ? 0 : 2 * M_PI * i / d;
      w.data<double>()[i] = c_.a0 - c_.a1 * std::cos(x) + c_.a2 * std::cos(2 * x);
    }
    Tensor out(t, Shape{size});
    for (int64_t i = 0; i < size; ++i) {
      const Tensor v = ScalarOf(t, w.data<double>()[i]);
      std::memcpy(static_cast<uint8_t*>(out.raw_data()) + i * SizeOf(t), v.raw_data(), SizeOf(t));
    }
    ctx.out(0).dims = std::vector<ir::Dim>{ir::Dim::Known(size)};
    ctx.out(0).constant = out;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const std::string& p = n.name();
    const DataType f = DataType::kFloat32, i32 = DataType::kInt32;
    const DataType st = b.in_facts(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * size, b.Input(0));
    if (TfDType(st) != i32) size = EmitCast(b, size, st, i32, p + "/size_int32");
    size = EmitReshape(b, size, i32, {}, p + "/size");
    ir::Value* idx = b.Emit("Range",
                            {b.ConstInt32({0}, p + "/start", true), size,
                             b.ConstInt32({1}, p + "/delta", true)},
                            {{"Tidx", TypeAttr(i32)}}, i32, p + "/n")
                         ->output(0);
    ir::Value* nf = EmitCast(b, idx, i32, f, p + "/n_float");
    ir::Value* d = EmitCast(b, size, i32, f, p + "/size_float");
    if (n.GetInt("periodic", 1) == 0)
      d = EmitT(b, "Sub", {d, b.Const(Tensor::Scalar<float>(1.f), p + "/one")}, f, p + "/span");
    ir::Value* x = EmitT(b, "RealDiv",
                         {EmitT(b, "Mul", {nf, b.Const(Tensor::Scalar<float>(2 * M_PI), p + "/two_pi")},
                                f, p + "/angle_num"),
                          d},
                         f, p + "/angle");
    auto term = [&](double a, ir::Value* angle, const std::string& name) {
      return EmitT(b, "Mul",
                   {b.Const(Tensor::Scalar<float>(static_cast<float>(a)), name + "/coeff"),
                    EmitT(b, "Cos", {angle}, f, name + "/cos")},
                   f, name);
    };
    const DataType t = b.out_facts(0).dtype;
    ir::Value* w = EmitT(b, "Sub",
                         {b.Const(Tensor::Scalar<float>(static_cast<float>(c_.a0)), p + "/a0"),
                          term(c_.a1, x, p + "/first")},
                         f, c_.a2 == 0 && t == f ? b.OutName(0) : p + "/window1");
    if (c_.a2 != 0) {
      ir::Value* x2 =
          EmitT(b, "Mul", {x, b.Const(Tensor::Scalar<float>(2.f), p + "/two")}, f, p + "/angle2");
      w = EmitT(b, "AddV2", {w, term(c_.a2, x2, p + "/second")}, f,
                t == f ? b.OutName(0) : p + "/window2");
    }
    if (t != f) w = EmitCast(b, w, f, t, b.OutName(0));
    b.SetOutput(0, w);
    return Status::Ok();
  }

 private:
  Coeffs c_;
};

}  // namespace

void RegisterWindow(ConverterTable& t) {
  t.Add(std::make_unique<WindowToTf>("HannWindow", Coeffs{0.5, 0.5, 0}));
  t.Add(std::make_unique<WindowToTf>("HammingWindow", Coeffs{25.0 / 46, 21.0 / 46, 0}));
  t.Add(std::make_unique<WindowToTf>("BlackmanWindow", Coeffs{0.42, 0.5, 0.08}));
}

}  // namespace ferry::convert::onnx_to_tf::ops
