// ONNX Cast (6, 9, 13) -> TF Cast (SrcT, DstT, Truncate = false). int64 is int32 inside the
// TF graph (TfDType), so an int64 <-> int32 cast becomes an Identity-like Cast of equal types
// that TF accepts. Integer elements (shape math) pass through a cast between integer types.
// float16 and bfloat16 are TF dtypes (TF Serving runs them; TF.js computes them in float32,
// see the TF.js writer); a cast to bfloat16 sets Truncate = true: ONNX's reference keeps the
// upper 16 bits of the float. string casts are not converted (TF's StringToNumber is not in
// TF.js). CastLike (15) casts to the type of its input 1.
#include "convert/onnx_to_tf/ops/common.h"
#include "onnx/tensor_proto.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

bool TfCastable(DataType t) {
  switch (t) {
    case DataType::kFloat16:
    case DataType::kBFloat16:
    case DataType::kFloat32:
    case DataType::kFloat64:
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kUInt8:
    case DataType::kUInt16:
    case DataType::kUInt32:
    case DataType::kUInt64:
    case DataType::kBool:
      return true;
    default:
      return false;
  }
}

class CastToTf final : public OpConverter {
 public:
  CastToTf(const std::string& op, int since) : OpConverter(op, since) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override {
    if (op_type() == "CastLike") return {};
    return {"to"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(DataType to, To(n, ctx.in(1)));
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = to;
    ctx.out(0).dims = x.dims;
    if (x.elements && IsInteger(x.dtype) && IsInteger(to) && x.rank() <= 1) {
      ctx.out(0).SetElements(*x.elements, x.rank() == 0);
    } else if (x.constant && x.constant->NumElements() <= 64 && IsInteger(x.dtype) &&
               to == DataType::kFloat32) {
      // A folded integer (e.g. Size) cast to float for Range or arithmetic stays folded.
      Tensor c(DataType::kFloat32, x.constant->shape());
      for (int64_t i = 0; i < c.NumElements(); ++i)
        c.data<float>()[i] = static_cast<float>(x.constant->GetAsInt64(i));
      ctx.out(0).constant = c;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    FERRY_ASSIGN_OR_RETURN(DataType to, To(n, b.in_facts(1)));
    const DataType from = b.in_facts(0).dtype;
    if (!TfCastable(from) || !TfCastable(to))
      return b.Unsupported("to", std::string("casts ") + DataTypeName(from) + " to " +
                                     DataTypeName(to) + ", which has no TF op in TF.js");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, b.Emit("Cast", {x},
                          {{"SrcT", TypeAttr(from)},
                           {"DstT", TypeAttr(to)},
                           {"Truncate", ir::Attribute::Bool(to == DataType::kBFloat16)}},
                          TfDType(to), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

 private:
  StatusOr<DataType> To(const ir::Node& n, const ValueFacts& like) const {
    if (op_type() == "CastLike") {
      if (like.dtype == DataType::kUndefined)
        return InvalidArgument(n.Describe() + ": the type of input 1 is unknown");
      return like.dtype;
    }
    const ir::Attribute* a = n.attr("to");
    if (a && a->kind() == ir::AttrKind::kType) return a->type();
    // Cast-6 and later: a TensorProto.DataType code.
    if (a && a->kind() == ir::AttrKind::kInt) {
      auto t = onnx::DataTypeFromOnnx(static_cast<int32_t>(a->i()));
      if (!t.ok()) return InvalidArgument(n.Describe() + ": attribute 'to': " + t.status().message());
      return *t;
    }
    return InvalidArgument(n.Describe() + ": attribute 'to' must be a data type");
  }
};

}  // namespace

void RegisterCast(ConverterTable& t) {
  t.Add(std::make_unique<CastToTf>("Cast", 6));
  t.Add(std::make_unique<CastToTf>("CastLike", 15));
}

}  // namespace ferry::convert::onnx_to_tf::ops
