#include "convert/onnx_to_tf/op_converter.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace ferry::convert::onnx_to_tf {

const ValueFacts& InferContext::in(int i) const {
  static const ValueFacts kEmpty;
  const ir::Value* v = node_.input(i);
  if (!v) return kEmpty;
  auto it = facts_.find(v);
  return it == facts_.end() ? kEmpty : it->second;
}

Status OpConverter::Infer(const ir::Node& n, InferContext& ctx) const {
  for (int i = 0; i < n.num_outputs(); ++i)
    if (n.output(i)) ctx.out(i).dtype = ctx.in(0).dtype;
  return Status::Ok();
}

void ConverterTable::Add(std::unique_ptr<OpConverter> c) {
  by_op_[c->op_type()].push_back(std::move(c));
}

const OpConverter* ConverterTable::Find(const std::string& op_type, int64_t opset) const {
  auto it = by_op_.find(op_type);
  if (it == by_op_.end()) return nullptr;
  const OpConverter* best = nullptr;
  for (const auto& c : it->second)
    if (c->since_opset() <= opset && (!best || c->since_opset() > best->since_opset()))
      best = c.get();
  return best;
}

DataType TfDType(DataType onnx) { return onnx == DataType::kInt64 ? DataType::kInt32 : onnx; }

std::vector<int64_t> ToNhwcPerm(int rank) {
  std::vector<int64_t> p = {0};
  for (int64_t i = 2; i < rank; ++i) p.push_back(i);
  p.push_back(1);
  return p;
}

std::vector<int64_t> ToNchwPerm(int rank) {
  std::vector<int64_t> p = {0, rank - 1};
  for (int64_t i = 1; i < rank - 1; ++i) p.push_back(i);
  return p;
}

int64_t NhwcAxis(int64_t a, int rank) {
  if (a == 0) return 0;
  return a == 1 ? rank - 1 : a - 1;
}

bool KeepsNchwOrder(const std::vector<int64_t>& removed, int rank) {
  int64_t last = -1;
  for (int64_t a = 0; a < rank; ++a) {
    if (std::find(removed.begin(), removed.end(), a) != removed.end()) continue;
    if (NhwcAxis(a, rank) < last) return false;
    last = NhwcAxis(a, rank);
  }
  return true;
}

Tensor TransposeTensor(const Tensor& t, const std::vector<int64_t>& perm) {
  const int r = t.rank();
  std::vector<int64_t> out_dims(r);
  for (int i = 0; i < r; ++i) out_dims[i] = t.dim(static_cast<int>(perm[i]));
  Tensor out(t.dtype(), Shape(out_dims));
  std::vector<int64_t> in_stride(r, 1);
  for (int i = r - 2; i >= 0; --i) in_stride[i] = in_stride[i + 1] * t.dim(i + 1);
  const size_t es = SizeOf(t.dtype());
  const auto* src = static_cast<const uint8_t*>(t.raw_data());
  auto* dst = static_cast<uint8_t*>(out.raw_data());
  std::vector<int64_t> idx(r, 0);
  const int64_t n = t.NumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t s = 0;
    for (int d = 0; d < r; ++d) s += idx[d] * in_stride[perm[d]];
    std::memcpy(dst + i * es, src + s * es, es);
    for (int d = r - 1; d >= 0; --d) {
      if (++idx[d] < out_dims[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const ValueFacts& TfBuilder::in_facts(int i) const {
  static const ValueFacts kEmpty;
  const ir::Value* v = node_->input(i);
  if (!v) return kEmpty;
  auto it = facts_.find(v);
  return it == facts_.end() ? kEmpty : it->second;
}

const ValueFacts& TfBuilder::out_facts(int i) const {
  static const ValueFacts kEmpty;
  auto it = facts_.find(node_->output(i));
  return it == facts_.end() ? kEmpty : it->second;
}

const Tensor* TfBuilder::ConstInput(int i) const {
  const ValueFacts& f = in_facts(i);
  return f.constant ? &*f.constant : nullptr;
}

ir::Value* TfBuilder::Const(const Tensor& t, const std::string& hint) {
  Tensor c = t;
  if (t.dtype() == DataType::kInt64) {
    c = Tensor(DataType::kInt32, t.shape());
    for (int64_t i = 0; i < t.NumElements(); ++i) {
      int64_t v = t.data<int64_t>()[i];
      // Out-of-range int64 (ONNX's INT64_MAX "to the end" markers) saturates.
      if (v > std::numeric_limits<int32_t>::max()) v = std::numeric_limits<int32_t>::max();
      if (v < std::numeric_limits<int32_t>::min()) v = std::numeric_limits<int32_t>::min();
      c.data<int32_t>()[i] = static_cast<int32_t>(v);
    }
  }
  return tf_.AddConstant(tf_.UniqueName(hint), std::move(c));
}

ir::Value* TfBuilder::ConstInt32(const std::vector<int64_t>& v, const std::string& hint,
                                 bool scalar) {
  std::vector<int32_t> w(v.begin(), v.end());
  Shape s = scalar ? Shape{} : Shape{static_cast<int64_t>(v.size())};
  return tf_.AddConstant(tf_.UniqueName(hint), Tensor::FromVector<int32_t>(w, s));
}

ir::Node* TfBuilder::Emit(const std::string& op, std::vector<ir::Value*> inputs,
                          std::vector<std::pair<std::string, ir::Attribute>> attrs, DataType dtype,
                          const std::string& out_name) {
  std::string base = node_ && !node_->name().empty() ? node_->name() : "node";
  std::string name = out_name.empty() ? tf_.UniqueName(base + "/" + op) : out_name;
  ir::Node* n = tf_.AddNode(op, "tf", name, std::move(inputs), {name});
  n->set_name(n->output(0)->name());
  n->output(0)->info().dtype = dtype;
  for (auto& [k, a] : attrs) n->set_attr(k, std::move(a));
  return n;
}

std::string TfBuilder::OutName(int i) const {
  const ir::Value* o = node_->output(i);
  std::string name = o->name();
  if (plan_.Of(o) != ValueLayout::kPlain) name += "/nhwc";
  return tf_.UniqueName(name);
}

ir::Value* TfBuilder::Transpose(ir::Value* v, const std::vector<int64_t>& perm,
                                const std::string& name) {
  ir::Value* p = ConstInt32(perm, name + "/perm");
  ir::Node* n = Emit(
      "Transpose", {v, p},
      {{"T", ir::Attribute::Type(v->dtype())}, {"Tperm", ir::Attribute::Type(DataType::kInt32)}},
      v->dtype(), tf_.UniqueName(name));
  return n->output(0);
}

bool TfBuilder::channels_last(int rank) const { return nhwc() && IsChannelsLastRank(rank); }

int TfBuilder::ActivationRank() const {
  for (int i = 0; i < node_->num_inputs(); ++i) {
    const ir::Value* v = node_->input(i);
    if (!v) continue;
    const ValueFacts& f = in_facts(i);
    if ((bound_.count(v) || !f.constant) && IsChannelsLastRank(f.rank())) return f.rank();
  }
  return 4;
}

StatusOr<ir::Value*> TfBuilder::ValueIn(const ir::Value* onnx, ValueLayout want) {
  auto fit = facts_.find(onnx);
  const ValueFacts* f = fit == facts_.end() ? nullptr : &fit->second;
  if (!bound_.count(onnx) && f && f->constant) {
    auto& cache = want == ValueLayout::kNhwc ? nhwc_cache_ : plain_cache_;
    auto it = cache.find(onnx);
    if (it != cache.end()) return it->second;
    const int r = f->constant->rank();
    ir::Value* c = want == ValueLayout::kNhwc && IsChannelsLastRank(r)
                       ? Const(TransposeTensor(*f->constant, ToNhwcPerm(r)), onnx->name() + "/nhwc")
                       : Const(*f->constant, onnx->name());
    cache[onnx] = c;
    return c;
  }
  auto it = bound_.find(onnx);
  if (it == bound_.end()) return Internal("value '" + onnx->name() + "' has no TF value yet");
  const ValueLayout have = plan_.Of(onnx);
  if (have == want) return it->second;
  if (have == ValueLayout::kFlatNhwc)
    return Internal("value '" + onnx->name() + "' is flattened from NHWC and cannot be re-laid");
  if (have == ValueLayout::kShuffle || want == ValueLayout::kShuffle)
    return Internal("value '" + onnx->name() + "' is a channel shuffle's and cannot be re-laid");
  const int r = f ? f->rank() : -1;
  if (!IsChannelsLastRank(r))
    return Internal("value '" + onnx->name() + "' of rank " + std::to_string(r) +
                    " cannot be laid out channels-last");
  auto& cache = want == ValueLayout::kNhwc ? nhwc_cache_ : plain_cache_;
  auto c = cache.find(onnx);
  if (c != cache.end()) return c->second;
  const bool is_input = !onnx->producer() && !onnx->is_constant();
  if (!is_input) ++interior_transposes_;
  // Inserted by the layout plan only (see passes/to_nhwc.h): graph-input transposes, and
  // interior ones only where an NCHW-only op meets an NHWC value.
  ir::Value* t = Transpose(it->second, want == ValueLayout::kNhwc ? ToNhwcPerm(r) : ToNchwPerm(r),
                           onnx->name() + (want == ValueLayout::kNhwc ? "/to_nhwc" : "/to_nchw"));
  cache[onnx] = t;
  return t;
}

StatusOr<ir::Value*> TfBuilder::Input(int i) {
  const ir::Value* v = node_->input(i);
  if (!v) return static_cast<ir::Value*>(nullptr);
  const ValueFacts& f = in_facts(i);
  const bool elementwise =
      conv_->layout() == Layout::kAgnostic || conv_->layout() == Layout::kChannelAxis;
  if (nhwc() && elementwise && f.constant && !bound_.count(v) && f.constant->NumElements() > 1) {
    // A constant broadcast against an NHWC (NDHWC) activation: right-align it to rank 4 (5)
    // as ONNX broadcasting does (NCHW), then permute its data to channels-last.
    const Tensor& t = *f.constant;
    const int r = ActivationRank();
    if (t.rank() > r)
      return Error("constant input " + std::to_string(i) + " has rank > " + std::to_string(r));
    std::vector<int64_t> dims(r - t.rank(), 1);
    for (int64_t d : t.shape().dims()) dims.push_back(d);
    FERRY_ASSIGN_OR_RETURN(Tensor rt, t.Reshaped(Shape(dims)));
    return Const(TransposeTensor(rt, ToNhwcPerm(r)), v->name() + "/nhwc");
  }
  if (channels_last(f.rank())) return ValueIn(v, ValueLayout::kNhwc);
  if (plan_.Of(v) == ValueLayout::kFlatNhwc) return bound_.at(v);
  return ValueIn(v, ValueLayout::kPlain);
}

int64_t TfBuilder::Axis(int64_t onnx_axis, int rank) const {
  int64_t a = onnx_axis < 0 ? onnx_axis + rank : onnx_axis;
  if (channels_last(rank) && a >= 0 && a < rank) return NhwcAxis(a, rank);
  return a;
}

}  // namespace ferry::convert::onnx_to_tf
