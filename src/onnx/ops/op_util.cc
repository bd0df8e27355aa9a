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

StatusOr<SpatialAttrs> SpatialAttrs::Read(const NodeInfo& info, bool kernel_required) {
  const ir::Node& n = info.node();
  SpatialAttrs a;
  a.kernel = n.GetInts("kernel_shape");
  if (kernel_required && a.kernel.empty()) return info.Error("attribute kernel_shape is required");
  if (!a.kernel.empty() && a.kernel.size() != 2)
    return info.Error("only 2-D is supported, kernel_shape has " +
                      std::to_string(a.kernel.size()) + " dims");
  a.strides = n.GetInts("strides", {1, 1});
  a.dilations = n.GetInts("dilations", {1, 1});
  a.pads = n.GetInts("pads", {0, 0, 0, 0});
  a.auto_pad = n.GetString("auto_pad", "NOTSET");
  a.ceil_mode = n.GetInt("ceil_mode", 0) != 0;
  if (a.strides.size() != 2) return info.Error("attribute strides must have 2 values");
  if (a.dilations.size() != 2) return info.Error("attribute dilations must have 2 values");
  if (a.pads.size() != 4) return info.Error("attribute pads must have 4 values");
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
