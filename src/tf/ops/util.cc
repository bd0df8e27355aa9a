#include "tf/ops/util.h"

#include <algorithm>

namespace ferry::tf::ops {

StatusOr<std::vector<int64_t>> IntsAttr(const runtime::NodeInfo& info, const std::string& name,
                                        bool required, std::vector<int64_t> def) {
  const ir::Attribute* a = info.node().attr(name);
  if (!a) {
    if (required) return info.Error("missing attribute '" + name + "'");
    return def;
  }
  if (a->kind() != ir::AttrKind::kInts)
    return info.Error("attribute '" + name + "' is " + ir::AttrKindName(a->kind()) +
                      ", expected a list of ints");
  return a->ints();
}

StatusOr<std::string> StringAttr(const runtime::NodeInfo& info, const std::string& name,
                                 bool required, std::string def) {
  const ir::Attribute* a = info.node().attr(name);
  if (!a) {
    if (required) return info.Error("missing attribute '" + name + "'");
    return def;
  }
  if (a->kind() != ir::AttrKind::kString)
    return info.Error("attribute '" + name + "' is " + ir::AttrKindName(a->kind()) +
                      ", expected a string");
  return a->s();
}

bool BoolAttr(const runtime::NodeInfo& info, const std::string& name, bool def) {
  const ir::Attribute* a = info.node().attr(name);
  if (!a) return def;
  if (a->kind() == ir::AttrKind::kBool) return a->b();
  if (a->kind() == ir::AttrKind::kInt) return a->i() != 0;
  return def;
}

Status RequireNhwc(const runtime::NodeInfo& info) {
  FERRY_ASSIGN_OR_RETURN(std::string f, StringAttr(info, "data_format", false, "NHWC"));
  if (f != "NHWC")
    return Unimplemented(info.Describe() + ": data_format '" + f +
                         "' is not supported, only NHWC (as TF's CPU kernels)");
  return Status::Ok();
}

Status PoolWindowAttrs::Read(const runtime::NodeInfo& info, size_t rank) {
  FERRY_ASSIGN_OR_RETURN(ksize, IntsAttr(info, "ksize", true));
  FERRY_ASSIGN_OR_RETURN(strides, IntsAttr(info, "strides", true));
  FERRY_ASSIGN_OR_RETURN(padding, StringAttr(info, "padding", true));
  if (ksize.size() != rank || strides.size() != rank)
    return info.Error("ksize and strides must have " + std::to_string(rank) + " entries");
  if (ksize[0] != 1 || ksize[rank - 1] != 1 || strides[0] != 1 || strides[rank - 1] != 1)
    return info.Error("pooling over the batch or depth dim is not supported");
  if (padding != "SAME" && padding != "VALID")
    return info.Error("padding '" + padding + "' is not SAME or VALID");
  return Status::Ok();
}

StatusOr<Shape> BroadcastShape(const Shape& a, const Shape& b, const runtime::OpContext& ctx) {
  const int r = std::max(a.rank(), b.rank());
  std::vector<int64_t> out(r);
  for (int i = 0; i < r; ++i) {
    int ia = i - (r - a.rank()), ib = i - (r - b.rank());
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1)
      return ctx.Error("shapes " + a.ToString() + " and " + b.ToString() +
                       " are not broadcastable");
    out[i] = da == 1 ? db : da;
  }
  return Shape(std::move(out));
}

std::vector<int64_t> BroadcastStrides(const Shape& in, const Shape& out) {
  const int r = out.rank();
  std::vector<int64_t> s(r, 0);
  int64_t stride = 1;
  for (int i = in.rank() - 1; i >= 0; --i) {
    int o = i + (r - in.rank());
    s[o] = in[i] == 1 ? 0 : stride;
    stride *= in[i];
  }
  return s;
}

StatusOr<Window> ComputeWindow(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                               const std::string& padding, int64_t explicit_before,
                               int64_t explicit_after) {
  if (stride <= 0 || dilation <= 0 || k <= 0)
    return InvalidArgument("window: kernel, stride and dilation must be positive");
  const int64_t ek = (k - 1) * dilation + 1;
  Window w;
  if (padding == "VALID") {
    w.out = (in - ek + stride) / stride;
  } else if (padding == "SAME") {
    w.out = (in + stride - 1) / stride;
    int64_t total = std::max<int64_t>((w.out - 1) * stride + ek - in, 0);
    w.pad_before = total / 2;
  } else if (padding == "EXPLICIT") {
    w.out = (in + explicit_before + explicit_after - ek) / stride + 1;
    w.pad_before = explicit_before;
  } else {
    return InvalidArgument("padding '" + padding + "' is not SAME, VALID or EXPLICIT");
  }
  if (w.out < 0) w.out = 0;
  return w;
}

}  // namespace ferry::tf::ops
