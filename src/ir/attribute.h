// Typed node attributes, the union of what ONNX and TF attributes can hold.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"

namespace ferry::ir {

class Graph;

enum class AttrKind {
  kInt,
  kFloat,
  kString,
  kTensor,
  kGraph,
  kType,  // TF's "type" attrs (T, dtype, ...)
  kInts,
  kFloats,
  kStrings,
  kTensors,
  kGraphs,
  kTypes,
  kShape,  // TF's "shape" attrs; unknown dims are -1; rank -1 means unknown rank
  kBool,   // TF's "b"; ONNX has no bool attribute
};

const char* AttrKindName(AttrKind k);

struct ShapeAttr {
  std::vector<int64_t> dims;
  bool unknown_rank = false;
};

class Attribute {
 public:
  using Storage =
      std::variant<int64_t, float, std::string, Tensor, std::shared_ptr<Graph>, DataType,
                   std::vector<int64_t>, std::vector<float>, std::vector<std::string>,
                   std::vector<Tensor>, std::vector<std::shared_ptr<Graph>>,
                   std::vector<DataType>, ShapeAttr, bool>;

  Attribute() : kind_(AttrKind::kInt), v_(int64_t{0}) {}
  static Attribute Int(int64_t v) { return Attribute(AttrKind::kInt, v); }
  static Attribute Float(float v) { return Attribute(AttrKind::kFloat, v); }
  static Attribute String(std::string v) { return Attribute(AttrKind::kString, std::move(v)); }
  static Attribute FromTensor(Tensor v) { return Attribute(AttrKind::kTensor, std::move(v)); }
  static Attribute FromGraph(std::shared_ptr<Graph> g) {
    return Attribute(AttrKind::kGraph, std::move(g));
  }
  static Attribute Type(DataType t) { return Attribute(AttrKind::kType, t); }
  static Attribute Ints(std::vector<int64_t> v) { return Attribute(AttrKind::kInts, std::move(v)); }
  static Attribute Floats(std::vector<float> v) {
    return Attribute(AttrKind::kFloats, std::move(v));
  }
  static Attribute Strings(std::vector<std::string> v) {
    return Attribute(AttrKind::kStrings, std::move(v));
  }
  static Attribute Tensors(std::vector<Tensor> v) {
    return Attribute(AttrKind::kTensors, std::move(v));
  }
  static Attribute Graphs(std::vector<std::shared_ptr<Graph>> v) {
    return Attribute(AttrKind::kGraphs, std::move(v));
  }
  static Attribute Types(std::vector<DataType> v) {
    return Attribute(AttrKind::kTypes, std::move(v));
  }
  static Attribute FromShape(ShapeAttr s) { return Attribute(AttrKind::kShape, std::move(s)); }
  static Attribute Bool(bool b) { return Attribute(AttrKind::kBool, b); }

  AttrKind kind() const { return kind_; }
  int64_t i() const { return std::get<int64_t>(v_); }
  float f() const { return std::get<float>(v_); }
  const std::string& s() const { return std::get<std::string>(v_); }
  const Tensor& t() const { return std::get<Tensor>(v_); }
  const std::shared_ptr<Graph>& g() const { return std::get<std::shared_ptr<Graph>>(v_); }
  DataType type() const { return std::get<DataType>(v_); }
  const std::vector<int64_t>& ints() const { return std::get<std::vector<int64_t>>(v_); }
  const std::vector<float>& floats() const { return std::get<std::vector<float>>(v_); }
  const std::vector<std::string>& strings() const {
    return std::get<std::vector<std::string>>(v_);
  }
  const std::vector<Tensor>& tensors() const { return std::get<std::vector<Tensor>>(v_); }
  const std::vector<std::shared_ptr<Graph>>& graphs() const {
    return std::get<std::vector<std::shared_ptr<Graph>>>(v_);
  }
  const std::vector<DataType>& types() const { return std::get<std::vector<DataType>>(v_); }
  const ShapeAttr& shape() const { return std::get<ShapeAttr>(v_); }
  bool b() const { return std::get<bool>(v_); }

 private:
  template <typename T>
  Attribute(AttrKind k, T&& v) : kind_(k), v_(std::forward<T>(v)) {}
  AttrKind kind_;
  Storage v_;
};

}  // namespace ferry::ir
