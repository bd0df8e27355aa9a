#include <string>

#include "kernels/conv.h"
#include "kernels/pool.h"

namespace ferry::kernels {

Status ConvParams::Validate() const {
  auto bad = [&](const std::string& m) {
    return InvalidArgument("Conv2D " + ToString() + ": " + m);
  };
  if (batch < 0 || in_channels <= 0 || in_h <= 0 || in_w <= 0 || out_channels <= 0)
    return bad("sizes must be positive");
  if (kernel_h <= 0 || kernel_w <= 0) return bad("kernel must be positive");
  if (stride_h <= 0 || stride_w <= 0 || dilation_h <= 0 || dilation_w <= 0)
    return bad("strides and dilations must be positive");
  if (pad_top < 0 || pad_left < 0 || pad_bottom < 0 || pad_right < 0)
    return bad("pads must be non-negative");
  if (groups <= 0 || in_channels % groups != 0 || out_channels % groups != 0)
    return bad("channels must be divisible by groups");
  if (out_h() <= 0 || out_w() <= 0)
    return bad("the dilated kernel is larger than the padded input");
  return Status::Ok();
}

std::string ConvParams::ToString() const {
  auto s = [](int64_t v) { return std::to_string(v); };
  return std::string(layout == Layout::kNCHW ? "NCHW" : "NHWC") + "/" +
         (weight_layout == WeightLayout::kOIHW ? "OIHW" : "HWIO") + " x[" + s(batch) + "," +
         s(in_channels) + "," + s(in_h) + "," + s(in_w) + "] oc=" + s(out_channels) +
         " k=" + s(kernel_h) + "x" + s(kernel_w) + " s=" + s(stride_h) + "," + s(stride_w) +
         " d=" + s(dilation_h) + "," + s(dilation_w) + " pads=" + s(pad_top) + "," + s(pad_left) +
         "," + s(pad_bottom) + "," + s(pad_right) + " g=" + s(groups) +
         " act=" + s(static_cast<int>(activation.kind));
}

int64_t PoolParams::OutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                               int64_t pad_begin, int64_t pad_end, bool ceil_mode) {
  const int64_t span = in + pad_begin + pad_end - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  // ONNX/PyTorch: the last window must start inside the input or the left padding.
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

Status PoolParams::Validate() const {
  auto bad = [&](const std::string& m) {
    return InvalidArgument("Pool2D " + ToString() + ": " + m);
  };
  if (batch < 0 || channels <= 0 || in_h <= 0 || in_w <= 0) return bad("sizes must be positive");
  if (kernel_h <= 0 || kernel_w <= 0 || stride_h <= 0 || stride_w <= 0 || dilation_h <= 0 ||
      dilation_w <= 0)
    return bad("kernel, strides and dilations must be positive");
  if (pad_top < 0 || pad_left < 0 || pad_bottom < 0 || pad_right < 0)
    return bad("pads must be non-negative");
  if (out_h <= 0 || out_w <= 0) return bad("empty output");
  return Status::Ok();
}

std::string PoolParams::ToString() const {
  auto s = [](int64_t v) { return std::to_string(v); };
  return std::string(kind == PoolKind::kMax ? "max" : "avg") + "/" +
         (layout == Layout::kNCHW ? "NCHW" : "NHWC") + " x[" + s(batch) + "," + s(channels) + "," +
         s(in_h) + "," + s(in_w) + "] k=" + s(kernel_h) + "x" + s(kernel_w) + " s=" + s(stride_h) +
         "," + s(stride_w) + " d=" + s(dilation_h) + "," + s(dilation_w) + " pads=" + s(pad_top) +
         "," + s(pad_left) + "," + s(pad_bottom) + "," + s(pad_right) + " out=" + s(out_h) + "x" +
         s(out_w) + (count_include_pad ? " include_pad" : "");
}

}  // namespace ferry::kernels
