// Convolutions: aten::_convolution (what tracing records), aten::conv{1,2,3}d (scripted
// code) and aten::conv_transpose{1,2,3}d. torch's padding [p0, p1] is symmetric: ONNX pads
// [p0, p1, p0, p1] (begins then ends). Weights keep torch's layout, which is ONNX's for both
// Conv ([M, C/group, k...]) and ConvTranspose ([C, M/group, k...]).
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

struct ConvArgs {
  int weight = 1, bias = 2, stride = 3, padding = 4, dilation = 5, groups = 6;
  int output_padding = -1;
  bool transposed = false;
};

Status EmitConv(Ctx& ctx, const ConvArgs& a) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value* w, ctx.In(a.weight));
  const int spatial = ctx.RankOf(w) - 2;
  if (spatial < 1) return ctx.Error("the weight's rank is unknown or below 3");
  auto expand = [&](std::vector<int64_t> v) {
    if (v.size() == 1 && spatial > 1) v.assign(spatial, v[0]);
    return v;
  };
  if (ctx.Str(a.padding)) {
    return ctx.Error("string padding '" + *ctx.Str(a.padding) + "' is not supported");
  }
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> stride, ctx.RequireInts(a.stride, "stride"));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> padding, ctx.RequireInts(a.padding, "padding"));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> dilation, ctx.RequireInts(a.dilation, "dilation"));
  FERRY_ASSIGN_OR_RETURN(int64_t groups, ctx.RequireInt(a.groups, "groups"));
  stride = expand(stride);
  padding = expand(padding);
  dilation = expand(dilation);
  std::vector<int64_t> pads = padding;
  pads.insert(pads.end(), padding.begin(), padding.end());
  std::vector<int64_t> kernel;
  if (w->is_constant()) {
    const auto& dims = w->constant().shape().dims();
    kernel.assign(dims.begin() + 2, dims.end());
  }
  std::map<std::string, ir::Attribute> attrs = {{"strides", ir::Attribute::Ints(stride)},
                                                {"pads", ir::Attribute::Ints(pads)},
                                                {"dilations", ir::Attribute::Ints(dilation)},
                                                {"group", ir::Attribute::Int(groups)}};
  if (!kernel.empty()) attrs["kernel_shape"] = ir::Attribute::Ints(kernel);
  std::vector<ir::Value*> ins = {x, w};
  if (!ctx.IsNone(a.bias)) {
    FERRY_ASSIGN_OR_RETURN(ir::Value* b, ctx.In(a.bias));
    ins.push_back(b);
  }
  std::string op = "Conv";
  if (a.transposed) {
    op = "ConvTranspose";
    if (a.output_padding >= 0) {
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> op_pad,
                             ctx.RequireInts(a.output_padding, "output_padding"));
      op_pad = expand(op_pad);
      bool any = false;
      for (int64_t p : op_pad) any |= p != 0;
      if (any) attrs["output_padding"] = ir::Attribute::Ints(op_pad);
    }
  }
  ctx.SetOutput(0, ctx.Op(op, ins, std::move(attrs), DataType::kUndefined, spatial + 2));
  return Status::Ok();
}

// _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
//              groups, benchmark, deterministic, cudnn_enabled[, allow_tf32])
Status Convolution(Ctx& ctx) {
  ConvArgs a;
  a.groups = 8;
  a.output_padding = 7;
  FERRY_ASSIGN_OR_RETURN(a.transposed, ctx.RequireBool(6, "transposed"));
  return EmitConv(ctx, a);
}

// conv2d(input, weight, bias, stride, padding, dilation, groups)
Status ConvNd(Ctx& ctx) { return EmitConv(ctx, ConvArgs{}); }

// conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)
Status ConvTransposeNd(Ctx& ctx) {
  ConvArgs a;
  a.output_padding = 5;
  a.groups = 6;
  a.dilation = 7;
  a.transposed = true;
  return EmitConv(ctx, a);
}

}  // namespace

void RegisterConvOps(OpTable& t) {
  t.Add("aten::_convolution", Convolution);
  t.Add("aten::conv1d", ConvNd);
  t.Add("aten::conv2d", ConvNd);
  t.Add("aten::conv3d", ConvNd);
  t.Add("aten::conv_transpose1d", ConvTransposeNd);
  t.Add("aten::conv_transpose2d", ConvTransposeNd);
  t.Add("aten::conv_transpose3d", ConvTransposeNd);
}

}  // namespace ferry::convert::torch_to_onnx
