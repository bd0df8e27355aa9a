#include "onnx/ops/op_util.h"

#include <algorithm>

#include "kernels/transform.h"

namespace ferry::onnx::ops {

StatusOr<const Tensor*> RequiredInput(const OpContext& ctx, int i) {
  const Tensor* t = ctx.input(i);
  if (t && t->defined()) return t;
  if (const Value* v = ctx.input_value(i))
    return ctx.Error("input " + std::to_string(i) + " is a " + runtime::KindName(v->kind()) +
                     ", expected a tensor");
  return ctx.Error("input " + std::to_string(i) + " is missing");
}

StatusOr<const Value*> SequenceInput(const OpContext& ctx, int i) {
  const Value* v = ctx.input_value(i);
  if (!v) return ctx.Error("input " + std::to_string(i) + " is missing");
  if (!v->is_sequence())
    return ctx.Error("input " + std::to_string(i) + " is a " + runtime::KindName(v->kind()) +
                     ", expected a sequence");
  return v;
}

StatusOr<const ir::Graph*> GraphAttr(const NodeInfo& info, const std::string& name) {
  const ir::Attribute* a = info.node().attr(name);
  if (!a) return info.Error("attribute " + name + " is required");
  if (a->kind() != ir::AttrKind::kGraph || !a->g())
    return info.Error("attribute " + name + " is not a graph");
  return a->g().get();
}

namespace {

// dims[0..axis) multiplied, and dims(axis..rank) multiplied.
std::pair<int64_t, int64_t> OuterInner(const std::vector<int64_t>& dims, int axis) {
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= dims[d];
  for (size_t d = axis + 1; d < dims.size(); ++d) inner *= dims[d];
  return {outer, inner};
}

}  // namespace

Tensor NarrowAxis(const Tensor& t, int axis, int64_t start, int64_t len) {
  std::vector<int64_t> dims = t.shape().dims();
  const int64_t size = dims[axis];
  dims[axis] = len;
  Tensor y(t.dtype(), Shape(dims));
  if (t.dtype() == DataType::kString) {
    const auto [outer, inner] = OuterInner(dims, axis);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < len * inner; ++k)
        y.strings()[o * len * inner + k] = t.strings()[(o * size + start) * inner + k];
    return y;
  }
  std::vector<int64_t> starts(dims.size(), 0), steps(dims.size(), 1);
  starts[axis] = start;
  kernels::Slice(t.raw_data(), t.shape().dims(), starts, steps, dims, SizeOf(t.dtype()),
                 y.raw_data());
  return y;
}

Tensor TakeAlongAxis(const Tensor& t, int axis, int64_t index) {
  Tensor y = NarrowAxis(t, axis, index, 1);
  std::vector<int64_t> dims = t.shape().dims();
  dims.erase(dims.begin() + axis);
  return *y.Reshaped(Shape(dims));
}

StatusOr<Tensor> JoinTensors(const std::vector<Tensor>& parts, int axis, bool new_axis,
                             const std::string& what) {
  const Tensor& first = parts.front();
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int64_t> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Tensor& p = parts[i];
    std::vector<int64_t> dims = p.shape().dims();
    if (new_axis) dims.insert(dims.begin() + axis, 1);
    bool ok = p.dtype() == first.dtype() && p.rank() == first.rank();
    for (int d = 0; ok && d < first.rank(); ++d)
      ok = (!new_axis && d == axis) || p.dim(d) == first.dim(d);
    if (!ok)
      return InvalidArgument(what + ": element " + std::to_string(i) + " " + p.DebugString() +
                             " does not match element 0 " + first.DebugString() +
                             (new_axis ? "" : " outside axis " + std::to_string(axis)));
    if (i == 0) {
      out = dims;
    } else {
      out[axis] += dims[axis];
    }
    shapes.push_back(std::move(dims));
  }
  Status valid = Shape::Validate(out, std::max<size_t>(SizeOf(first.dtype()), 1),
                                 Tensor::kMaxBytes);
  if (!valid.ok()) return valid.WithContext(what);
  Tensor y(first.dtype(), Shape(out));
  if (first.dtype() == DataType::kString) {
    const auto [outer, inner] = OuterInner(out, axis);
    int64_t offset = 0;  // along axis
    for (size_t i = 0; i < parts.size(); ++i) {
      const int64_t n = shapes[i][axis];
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t k = 0; k < n * inner; ++k)
          y.strings()[(o * out[axis] + offset) * inner + k] = parts[i].strings()[o * n * inner + k];
      offset += n;
    }
    return y;
  }
  std::vector<const void*> ptrs;
  for (const Tensor& p : parts) ptrs.push_back(p.raw_data());
  kernels::Concat(ptrs, shapes, axis, SizeOf(first.dtype()), y.raw_data());
  return y;
}

Status CheckRank(const OpContext& ctx, int i, int rank) {
  FERRY_ASSIGN_OR_RETURN(const Tensor* t, RequiredInput(ctx, i));
  if (t->rank() != rank)
    return ctx.Error("input " + std::to_string(i) + " has rank " + std::to_string(t->rank()) +
                     " (shape " + t->shape().ToString() + "), expected " + std::to_string(rank));
  return Status::Ok();
}

Status CheckDtype(const OpContext& ctx, int i, std::initializer_list<DataType> allowed) {
  FERRY_ASSIGN_OR_RETURN(const Tensor* t, RequiredInput(ctx, i));
  std::string names;
  for (DataType d : allowed) {
    if (t->dtype() == d) return Status::Ok();
    names += (names.empty() ? "" : ", ") + std::string(DataTypeName(d));
  }
  return ctx.Error("input " + std::to_string(i) + " has dtype " + DataTypeName(t->dtype()) +
                   ", expected one of " + names);
}

Status CheckSameDtype(const OpContext& ctx, int i, int j) {
  FERRY_ASSIGN_OR_RETURN(const Tensor* a, RequiredInput(ctx, i));
  FERRY_ASSIGN_OR_RETURN(const Tensor* b, RequiredInput(ctx, j));
  if (a->dtype() != b->dtype())
    return ctx.Error("inputs " + std::to_string(i) + " and " + std::to_string(j) +
                     " have different dtypes " + DataTypeName(a->dtype()) + " and " +
                     DataTypeName(b->dtype()));
  return Status::Ok();
}

bool IsHalf(DataType dt) { return dt == DataType::kFloat16 || dt == DataType::kBFloat16; }

Tensor HalfToFloat32(const Tensor& t) {
  Tensor y(DataType::kFloat32, t.shape());
  const uint16_t* in = t.data<uint16_t>();
  float* out = y.data<float>();
  const bool bf16 = t.dtype() == DataType::kBFloat16;
  for (int64_t i = 0; i < t.NumElements(); ++i)
    out[i] = bf16 ? BFloat16ToFloat(in[i]) : HalfToFloat(in[i]);
  return y;
}

Tensor Float32ToHalf(const Tensor& t, DataType half) {
  Tensor y(half, t.shape());
  const float* in = t.data<float>();
  uint16_t* out = y.data<uint16_t>();
  const bool bf16 = half == DataType::kBFloat16;
  for (int64_t i = 0; i < t.NumElements(); ++i)
    out[i] = bf16 ? FloatToBFloat16(in[i]) : FloatToHalf(in[i]);
  return y;
}

StatusOr<std::vector<int64_t>> IntValues(const OpContext& ctx, int i) {
  FERRY_RETURN_IF_ERROR(CheckDtype(ctx, i, {DataType::kInt64, DataType::kInt32}));
  return ctx.input(i)->ToInt64Vector();
}

StatusOr<SpatialAttrs> SpatialAttrs::Read(const NodeInfo& info, bool kernel_required,
                                          size_t max_spatial) {
  const ir::Node& n = info.node();
  SpatialAttrs a;
  a.kernel = n.GetInts("kernel_shape");
  a.strides = n.GetInts("strides");
  a.dilations = n.GetInts("dilations");
  a.pads = n.GetInts("pads");
  a.auto_pad = n.GetString("auto_pad", "NOTSET");
  a.ceil_mode = n.GetInt("ceil_mode", 0) != 0;
  if (kernel_required && a.kernel.empty()) return info.Error("attribute kernel_shape is required");
  // The number of spatial dims, from whichever attribute gives it.
  size_t spatial = a.kernel.size();
  if (!spatial) spatial = a.strides.size();
  if (!spatial) spatial = a.dilations.size();
  if (!spatial) spatial = a.pads.size() / 2;
  if (spatial > max_spatial)
    return Unimplemented(info.Describe() + ": at most " + std::to_string(max_spatial) +
                         "-D is supported, got " +
                         std::to_string(spatial) + " spatial dims");
  auto check_len = [&](const std::vector<int64_t>& v, size_t want, const char* name) -> Status {
    if (!v.empty() && spatial && v.size() != want)
      return info.Error("attribute " + std::string(name) + " has " + std::to_string(v.size()) +
                        " values, expected " + std::to_string(want));
    return Status::Ok();
  };
  FERRY_RETURN_IF_ERROR(check_len(a.kernel, spatial, "kernel_shape"));
  FERRY_RETURN_IF_ERROR(check_len(a.strides, spatial, "strides"));
  FERRY_RETURN_IF_ERROR(check_len(a.dilations, spatial, "dilations"));
  FERRY_RETURN_IF_ERROR(check_len(a.pads, 2 * spatial, "pads"));
  for (int64_t v : a.strides)
    if (v <= 0) return info.Error("attribute strides must be positive");
  for (int64_t v : a.dilations)
    if (v <= 0) return info.Error("attribute dilations must be positive");
  for (int64_t v : a.pads)
    if (v < 0) return info.Error("attribute pads must be non-negative");
  for (int64_t v : a.kernel)
    if (v <= 0) return info.Error("attribute kernel_shape must be positive");
  if (a.auto_pad != "NOTSET" && a.auto_pad != "SAME_UPPER" && a.auto_pad != "SAME_LOWER" &&
      a.auto_pad != "VALID")
    return info.Error("attribute auto_pad has unknown value '" + a.auto_pad + "'");
  return a;
}

StatusOr<SpatialAttrs> SpatialAttrs::To2D(int spatial) const {
  if (spatial != 1 && spatial != 2)
    return Unimplemented("only 1-D and 2-D data are supported, got " + std::to_string(spatial) +
                         " spatial dims");
  auto fill = [&](std::vector<int64_t> v, size_t want, int64_t def,
                  const char* name) -> StatusOr<std::vector<int64_t>> {
    if (v.empty()) v.assign(want, def);
    if (v.size() != want)
      return InvalidArgument("attribute " + std::string(name) + " has " + std::to_string(v.size()) +
                             " values for " + std::to_string(spatial) + "-D data");
    return v;
  };
  SpatialAttrs out = *this;
  FERRY_ASSIGN_OR_RETURN(out.strides, fill(strides, spatial, 1, "strides"));
  FERRY_ASSIGN_OR_RETURN(out.dilations, fill(dilations, spatial, 1, "dilations"));
  FERRY_ASSIGN_OR_RETURN(out.pads, fill(pads, 2 * spatial, 0, "pads"));
  if (!kernel.empty()) {
    FERRY_ASSIGN_OR_RETURN(out.kernel, fill(kernel, spatial, 1, "kernel_shape"));
  }
  if (spatial == 1) {
    if (!out.kernel.empty()) out.kernel.insert(out.kernel.begin(), 1);
    out.strides.insert(out.strides.begin(), 1);
    out.dilations.insert(out.dilations.begin(), 1);
    out.pads = {0, out.pads[0], 0, out.pads[1]};
  }
  return out;
}

std::pair<int64_t, int64_t> SpatialAttrs::Pads(int d, int64_t in, int64_t kernel) const {
  if (auto_pad == "VALID") return {0, 0};
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    // ONNX Conv-11: output = ceil(in / stride); the odd padding element goes at the end for
    // SAME_UPPER and at the beginning for SAME_LOWER.
    const int64_t out = (in + strides[d] - 1) / strides[d];
    const int64_t total =
        std::max<int64_t>(0, (out - 1) * strides[d] + dilations[d] * (kernel - 1) + 1 - in);
    const int64_t small = total / 2, big = total - small;
    return auto_pad == "SAME_UPPER" ? std::make_pair(small, big) : std::make_pair(big, small);
  }
  return {pads[d], pads[d + 2]};
}

}  // namespace ferry::onnx::ops
