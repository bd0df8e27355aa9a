// ONNX Det (11) on [..., n, n] -> the closed-form determinant for n <= 3 (n = 2: ad - bc;
// n = 3: the rule of Sarrus) from the matrix entries, each a GatherV2 of the flattened last
// two axes. TF's MatrixDeterminant is not in TF.js; larger matrices are an error. Needs
// static dims.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class DetToTf final : public OpConverter {
 public:
  DetToTf() : OpConverter("Det", 11) {}
  Layout layout() const override { return Layout::kNchwOnly; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() >= 2) ctx.out(0).dims = std::vector<ir::Dim>(x.dims->begin(), x.dims->end() - 2);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    const DataType t = xf.dtype;
    if (t != DataType::kFloat32 && t != DataType::kFloat64)
      return b.Error(std::string("dtype ") + DataTypeName(t) + " does not convert to TF");
    if (xf.rank() < 2 || !xf.IsStatic()) return b.Error("input 0 needs a static shape of rank >= 2");
    std::vector<int64_t> dims = xf.StaticDims();
    const int r = static_cast<int>(dims.size());
    const int64_t size = dims[r - 1];
    if (dims[r - 2] != size) return b.Error("input 0 is not square");
    if (size < 1 || size > 3)
      return b.Error("only 1x1, 2x2 and 3x3 matrices convert (TF.js has no MatrixDeterminant)");
    const std::string& p = n.name();
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    std::vector<int64_t> flat_shape(dims.begin(), dims.end() - 2);
    flat_shape.push_back(size * size);
    ir::Value* flat = EmitReshape(b, x, t, flat_shape, p + "/flat");
    auto e = [&](int64_t i, int64_t j) {
      const std::string name = p + "/e" + std::to_string(i) + std::to_string(j);
      return b.Emit("GatherV2",
                    {flat, b.ConstInt32({i * size + j}, name + "/index", true),
                     b.ConstInt32({r - 2}, name + "/axis", true)},
                    {{"Tparams", TypeAttr(t)}, {"Tindices", TypeAttr(DataType::kInt32)},
                     {"Taxis", TypeAttr(DataType::kInt32)}, {"batch_dims", ir::Attribute::Int(0)}},
                    t, name)
          ->output(0);
    };
    int k = 0;
    auto mul = [&](ir::Value* a, ir::Value* c) {
      return EmitT(b, "Mul", {a, c}, t, p + "/m" + std::to_string(k++));
    };
    ir::Value* y = nullptr;
    if (size == 1) {
      y = EmitT(b, "Identity", {e(0, 0)}, t, b.OutName(0));
    } else if (size == 2) {
      y = EmitT(b, "Sub", {mul(e(0, 0), e(1, 1)), mul(e(0, 1), e(1, 0))}, t, b.OutName(0));
    } else {
      std::vector<std::vector<ir::Value*>> m(3, std::vector<ir::Value*>(3));
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) m[i][j] = e(i, j);
      ir::Value* pos = nullptr;
      ir::Value* neg = nullptr;
      for (int c = 0; c < 3; ++c) {
        ir::Value* a = mul(mul(m[0][c], m[1][(c + 1) % 3]), m[2][(c + 2) % 3]);
        ir::Value* s = mul(mul(m[0][c], m[1][(c + 2) % 3]), m[2][(c + 1) % 3]);
        pos = pos ? EmitT(b, "AddV2", {pos, a}, t, p + "/pos" + std::to_string(c)) : a;
        neg = neg ? EmitT(b, "AddV2", {neg, s}, t, p + "/neg" + std::to_string(c)) : s;
      }
      y = EmitT(b, "Sub", {pos, neg}, t, b.OutName(0));
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }
};

}  // namespace

void RegisterDet(ConverterTable& t) { t.Add(std::make_unique<DetToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
