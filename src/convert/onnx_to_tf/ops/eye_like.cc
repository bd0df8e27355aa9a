// ONNX EyeLike (9) with dtype, k: folded at convert time into a constant (ones on the k-th
// diagonal of a 2-D shape), which needs input 0's shape to be static.
#include <cstring>

#include "convert/onnx_to_tf/ops/emit.h"
#include "onnx/tensor_proto.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class EyeLikeToTf final : public OpConverter {
 public:
  EyeLikeToTf() : OpConverter("EyeLike", 9) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"dtype", "k"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    DataType t = x.dtype;
    if (n.attr("dtype")) {
      FERRY_ASSIGN_OR_RETURN(t, onnx::DataTypeFromOnnx(static_cast<int>(n.GetInt("dtype", 1))));
    }
    ctx.out(0).dtype = t;
    ctx.out(0).dims = x.dims;
    if (x.rank() != 2 || !x.IsStatic()) return Status::Ok();
    const std::vector<int64_t> d = x.StaticDims();
    const int64_t k = n.GetInt("k", 0);
    Tensor eye = Tensor::Zeros(t, Shape(d));
    const Tensor one = ScalarOf(t, 1);
    const size_t es = SizeOf(t);
    for (int64_t i = 0; i < d[0]; ++i) {
      const int64_t j = i + k;
      if (j < 0 || j >= d[1]) continue;
      std::memcpy(static_cast<uint8_t*>(eye.raw_data()) + (i * d[1] + j) * es, one.raw_data(), es);
    }
    ctx.out(0).constant = eye;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    return b.Error("input 0 needs a static 2-D shape to convert (EyeLike is folded)");
  }
};

}  // namespace

void RegisterEyeLike(ConverterTable& t) { t.Add(std::make_unique<EyeLikeToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
