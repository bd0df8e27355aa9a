#include "convert/onnx_to_tf/facts.h"

namespace ferry::convert::onnx_to_tf {

std::vector<int64_t> ValueFacts::StaticDims() const {
  std::vector<int64_t> r;
  if (!dims) return r;
  for (const ir::Dim& d : *dims) r.push_back(d.known() ? d.value : -1);
  return r;
}

bool ValueFacts::IsStatic() const {
  if (!dims) return false;
  for (const ir::Dim& d : *dims)
    if (!d.known()) return false;
  return true;
}

void ValueFacts::SetElements(std::vector<Elem> e, bool scalar) {
  if (!scalar)
    dims = std::vector<ir::Dim>{ir::Dim::Known(static_cast<int64_t>(e.size()))};
  else
    dims = std::vector<ir::Dim>{};
  bool all_known = true;
  for (const Elem& d : e) all_known &= d.known();
  if (all_known && (dtype == DataType::kInt64 || dtype == DataType::kInt32)) {
    Shape s = scalar ? Shape{} : Shape{static_cast<int64_t>(e.size())};
    Tensor t(dtype, s);
    for (size_t i = 0; i < e.size(); ++i) {
      if (dtype == DataType::kInt64)
        t.data<int64_t>()[i] = e[i].value;
      else
        t.data<int32_t>()[i] = static_cast<int32_t>(e[i].value);
    }
    constant = t;
  }
  elements = std::move(e);
}

ValueFacts FactsOfConstant(const Tensor& t) {
  ValueFacts f;
  f.dtype = t.dtype();
  std::vector<ir::Dim> dims;
  for (int64_t d : t.shape().dims()) dims.push_back(ir::Dim::Known(d));
  f.dims = dims;
  f.constant = t;
  if (IsInteger(t.dtype()) && t.rank() <= 1 && t.NumElements() <= 64) {
    std::vector<Elem> e;
    for (int64_t i = 0; i < t.NumElements(); ++i) e.push_back(Elem::Of(t.GetAsInt64(i)));
    f.elements = e;
  }
  return f;
}

}  // namespace ferry::convert::onnx_to_tf
