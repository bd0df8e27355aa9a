// runtime::Value: what one slot of a running graph holds. ONNX values are tensors, sequences
// of tensors, or optionals (onnx.proto, TypeProto: tensor_type / sequence_type /
// optional_type). An optional that holds an element is represented by the element itself
// and an empty one by kNone: no op needs to tell "optional holding x" from "x" (OptionalHasElement
// and OptionalGetElement-18 accept both), so a wrapper would only add unwrapping everywhere.
// Tensor-only ops never see this type: OpContext::input(i) still hands them a Tensor.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace ferry::runtime {

class Value {
 public:
  enum class Kind : uint8_t {
    kUndefined,  // an unset slot or an omitted input
    kTensor,
    kSequence,
    kNone,       // an optional without an element
  };

  Value() = default;
  // A tensor value (an undefined Tensor gives an undefined Value).
  explicit Value(Tensor t)
      : kind_(t.defined() ? Kind::kTensor : Kind::kUndefined), tensor_(std::move(t)) {}
  // A sequence whose elements all have dtype `elem` (kUndefined: not known, e.g. a sequence
  // read from data without elements).
  static Value Sequence(DataType elem, std::vector<Tensor> items) {
    Value v;
    v.kind_ = Kind::kSequence;
    v.elem_dtype_ = elem;
    v.items_ = std::move(items);
    return v;
  }
  static Value None() {
    Value v;
    v.kind_ = Kind::kNone;
    return v;
  }

  Kind kind() const { return kind_; }
  bool defined() const { return kind_ != Kind::kUndefined; }
  bool is_tensor() const { return kind_ == Kind::kTensor; }
  bool is_sequence() const { return kind_ == Kind::kSequence; }
  bool is_none() const { return kind_ == Kind::kNone; }

  // The tensor of a kTensor value; an undefined Tensor for every other kind.
  const Tensor& tensor() const { return tensor_; }
  Tensor& mutable_tensor() { return tensor_; }

  // The elements of a kSequence value (empty for every other kind).
  const std::vector<Tensor>& items() const { return items_; }
  DataType elem_dtype() const { return elem_dtype_; }

  // "float32[2,3]", "sequence<float32>(3)", "none", "undefined" for messages.
  std::string DebugString() const {
    switch (kind_) {
      case Kind::kTensor: return tensor_.DebugString();
      case Kind::kSequence:
        return std::string("sequence<") + DataTypeName(elem_dtype_) + ">(" +
               std::to_string(items_.size()) + ")";
      case Kind::kNone: return "none";
      case Kind::kUndefined: break;
    }
    return "undefined";
  }

 private:
  Kind kind_ = Kind::kUndefined;
  Tensor tensor_;
  DataType elem_dtype_ = DataType::kUndefined;
  std::vector<Tensor> items_;
};

// "tensor", "sequence", "none", "undefined".
inline const char* KindName(Value::Kind k) {
  switch (k) {
    case Value::Kind::kTensor: return "tensor";
    case Value::Kind::kSequence: return "sequence";
    case Value::Kind::kNone: return "none";
    case Value::Kind::kUndefined: break;
  }
  return "undefined";
}

}  // namespace ferry::runtime
