#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {

StatusOr<const Tensor*> RequiredInput(const OpContext& ctx, int i) {
  const Tensor* t = ctx.input(i);
  if (!t || !t->defined()) return ctx.Error("input " + std::to_string(i) + " is missing");
  return t;
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
