#include "convert/onnx_to_tf/ops/emit.h"

#include <cstdint>

namespace ferry::convert::onnx_to_tf::ops {

Tensor ScalarOf(DataType t, double v) {
  switch (t) {
    case DataType::kFloat64: return Tensor::Scalar<double>(v);
    case DataType::kInt8: return Tensor::Scalar<int8_t>(static_cast<int8_t>(v));
    case DataType::kInt16: return Tensor::Scalar<int16_t>(static_cast<int16_t>(v));
    case DataType::kInt32: return Tensor::Scalar<int32_t>(static_cast<int32_t>(v));
    case DataType::kInt64: return Tensor::Scalar<int64_t>(static_cast<int64_t>(v));
    case DataType::kUInt8: return Tensor::Scalar<uint8_t>(static_cast<uint8_t>(v));
    case DataType::kUInt16: return Tensor::Scalar<uint16_t>(static_cast<uint16_t>(v));
    case DataType::kUInt32: return Tensor::Scalar<uint32_t>(static_cast<uint32_t>(v));
    case DataType::kUInt64: return Tensor::Scalar<uint64_t>(static_cast<uint64_t>(v));
    case DataType::kBool: return Tensor::Scalar<bool>(v != 0);
    default: return Tensor::Scalar<float>(static_cast<float>(v));
  }
}

ir::Value* EmitT(TfBuilder& b, const std::string& op, std::vector<ir::Value*> inputs, DataType t,
                 const std::string& name, DataType out) {
  if (out == DataType::kUndefined) out = t;
  return b.Emit(op, std::move(inputs), {{"T", TypeAttr(t)}}, TfDType(out), name)->output(0);
}

ir::Node* EmitMulti(TfBuilder& b, const std::string& op, std::vector<ir::Value*> inputs,
                    const Attrs& attrs, const std::vector<DataType>& dtypes,
                    const std::string& name) {
  ir::Graph& g = b.graph();
  const std::string base = g.UniqueName(name);
  std::vector<std::string> outs = {base};
  for (size_t i = 1; i < dtypes.size(); ++i) outs.push_back(g.UniqueName(base + "_" + std::to_string(i)));
  ir::Node* n = g.AddNode(op, "tf", base, std::move(inputs), outs);
  for (size_t i = 0; i < dtypes.size(); ++i) n->output(i)->info().dtype = dtypes[i];
  for (const auto& [k, a] : attrs) n->set_attr(k, a);
  return n;
}

ir::Value* EmitCast(TfBuilder& b, ir::Value* x, DataType from, DataType to,
                    const std::string& name) {
  return b.Emit("Cast", {x},
                {{"SrcT", TypeAttr(from)},
                 {"DstT", TypeAttr(to)},
                 {"Truncate", ir::Attribute::Bool(false)}},
                TfDType(to), name)
      ->output(0);
}

ir::Value* EmitReshape(TfBuilder& b, ir::Value* x, DataType t, const std::vector<int64_t>& shape,
                       const std::string& name) {
  return b.Emit("Reshape", {x, b.ConstInt32(shape, name + "/shape")},
                {{"T", TypeAttr(t)}, {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                TfDType(t), name)
      ->output(0);
}

ir::Value* EmitTranspose(TfBuilder& b, ir::Value* x, DataType t, const std::vector<int64_t>& perm,
                         const std::string& name) {
  return b.Emit("Transpose", {x, b.ConstInt32(perm, name + "/perm")},
                {{"T", TypeAttr(t)}, {"Tperm", ir::Attribute::Type(DataType::kInt32)}},
                TfDType(t), name)
      ->output(0);
}

}  // namespace ferry::convert::onnx_to_tf::ops
