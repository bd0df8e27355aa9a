#include "onnx/ops/quantized.h"

#include <cmath>

#include "kernels/elementwise.h"

namespace ferry::onnx::ops {

StatusOr<std::vector<double>> PerRow(const OpContext& ctx, const Tensor* t, int64_t rows,
                                     double dflt, const std::string& what) {
  if (!t) return std::vector<double>(rows, dflt);
  if (t->NumElements() == 1) return std::vector<double>(rows, t->GetAsDouble(0));
  if (t->NumElements() != rows)
    return ctx.Error(what + " has " + std::to_string(t->NumElements()) + " values, expected 1 or " +
                     std::to_string(rows));
  std::vector<double> v(rows);
  for (int64_t i = 0; i < rows; ++i) v[i] = t->GetAsDouble(i);
  return v;
}

StatusOr<Tensor> IntegerMatMul(const OpContext& ctx, const Tensor& a,
                               const std::vector<double>& a_zp, const Tensor& b,
                               const std::vector<double>& b_zp) {
  if (a.rank() < 2 || b.rank() < 2)
    return ctx.Error("inputs of rank " + std::to_string(a.rank()) + " and " +
                     std::to_string(b.rank()) + ", expected >= 2");
  const int64_t m = a.dim(a.rank() - 2), k = a.dim(a.rank() - 1), n = b.dim(b.rank() - 1);
  if (b.dim(b.rank() - 2) != k)
    return ctx.Error("A " + a.shape().ToString() + " and B " + b.shape().ToString() +
                     " do not multiply");
  std::vector<int64_t> a_batch(a.shape().dims().begin(), a.shape().dims().end() - 2);
  std::vector<int64_t> b_batch(b.shape().dims().begin(), b.shape().dims().end() - 2);
  auto batch = kernels::BroadcastShapes(a_batch, b_batch);
  if (!batch.ok()) return ctx.Error(batch.status().message());
  std::vector<int64_t> out = *batch;
  out.push_back(m);
  out.push_back(n);
  FERRY_ASSIGN_OR_RETURN(Tensor y, Tensor::Create(DataType::kInt32, Shape(out)));
  const int rank = static_cast<int>(batch->size());
  int64_t count = 1;
  for (int64_t d : *batch) count *= d;
  // Index of a broadcast batch element in an operand's own batch dims.
  auto source = [&](const std::vector<int64_t>& dims, int64_t i) {
    int64_t idx = 0, stride = 1;
    const int off = rank - static_cast<int>(dims.size());
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t c = i % (*batch)[d];
      i /= (*batch)[d];
      if (d >= off) {
        idx += (dims[d - off] == 1 ? 0 : c) * stride;
        stride *= dims[d - off];
      }
    }
    return idx;
  };
  int32_t* yp = y.data<int32_t>();
  for (int64_t bi = 0; bi < count; ++bi) {
    const int64_t ai = source(a_batch, bi) * m * k, bj = source(b_batch, bi) * k * n;
    for (int64_t r = 0; r < m; ++r)
      for (int64_t c = 0; c < n; ++c) {
        int64_t acc = 0;
        for (int64_t q = 0; q < k; ++q)
          acc += static_cast<int64_t>(a.GetAsInt64(ai + r * k + q) - a_zp[r]) *
                 static_cast<int64_t>(b.GetAsInt64(bj + q * n + c) - b_zp[c]);
        yp[(bi * m + r) * n + c] = static_cast<int32_t>(acc);
      }
  }
  return y;
}

StatusOr<Tensor> IntegerConv(const OpContext& ctx, const SpatialAttrs& attrs_nd, int64_t group,
                             const Tensor& x, double x_zp, const Tensor& w,
                             const std::vector<double>& w_zp) {
  if ((x.rank() != 3 && x.rank() != 4) || w.rank() != x.rank())
    return ctx.Error("X " + x.shape().ToString() + " and W " + w.shape().ToString() +
                     " must both have rank 3 or 4");
  SpatialAttrs nd = attrs_nd;
  if (nd.kernel.empty()) nd.kernel.assign(w.shape().dims().begin() + 2, w.shape().dims().end());
  auto two = nd.To2D(x.rank() - 2);
  if (!two.ok()) return ctx.Error(two.status().message());
  const SpatialAttrs& a = *two;
  const int64_t batch = x.dim(0), c_in = x.dim(1), m = w.dim(0);
  const int64_t in_h = x.rank() == 3 ? 1 : x.dim(2), in_w = x.dim(x.rank() - 1);
  const int64_t kh = a.kernel[0], kw = a.kernel[1];
  if (group <= 0 || c_in % group != 0 || m % group != 0 || w.dim(1) * group != c_in)
    return ctx.Error("W " + w.shape().ToString() + " does not fit X " + x.shape().ToString() +
                     " with group " + std::to_string(group));
  const auto [pt, pb] = a.Pads(0, in_h, kh);
  const auto [pl, pr] = a.Pads(1, in_w, kw);
  const int64_t sh = a.strides[0], sw = a.strides[1], dh = a.dilations[0], dw = a.dilations[1];
  int64_t out_h, out_w;
  if (a.auto_pad == "SAME_UPPER" || a.auto_pad == "SAME_LOWER") {
    out_h = (in_h + sh - 1) / sh;
    out_w = (in_w + sw - 1) / sw;
  } else {
    out_h = (in_h + pt + pb - dh * (kh - 1) - 1) / sh + 1;
    out_w = (in_w + pl + pr - dw * (kw - 1) - 1) / sw + 1;
  }
  if (out_h <= 0 || out_w <= 0) return ctx.Error("kernel is larger than the padded input");
  std::vector<int64_t> out = {batch, m};
  if (x.rank() == 4) out.push_back(out_h);
  out.push_back(out_w);
  FERRY_ASSIGN_OR_RETURN(Tensor y, Tensor::Create(DataType::kInt32, Shape(out)));
  const int64_t cg = c_in / group, mg = m / group;
  int32_t* yp = y.data<int32_t>();
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t oc = 0; oc < m; ++oc) {
      const int64_t g = oc / mg;
      for (int64_t oh = 0; oh < out_h; ++oh)
        for (int64_t ow = 0; ow < out_w; ++ow) {
          int64_t acc = 0;
          for (int64_t ic = 0; ic < cg; ++ic)
            for (int64_t i = 0; i < kh; ++i) {
              const int64_t ih = oh * sh - pt + i * dh;
              if (ih < 0 || ih >= in_h) continue;
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t iw = ow * sw - pl + j * dw;
                if (iw < 0 || iw >= in_w) continue;
                const int64_t xi = ((b * c_in + g * cg + ic) * in_h + ih) * in_w + iw;
                const int64_t wi = ((oc * cg + ic) * kh + i) * kw + j;
                acc += static_cast<int64_t>(x.GetAsInt64(xi) - x_zp) *
                       static_cast<int64_t>(w.GetAsInt64(wi) - w_zp[oc]);
              }
            }
          yp[((b * m + oc) * out_h + oh) * out_w + ow] = static_cast<int32_t>(acc);
        }
    }
  return y;
}

StatusOr<Tensor> Requantize(const OpContext& ctx, const Tensor& acc, int axis,
                            const std::vector<double>& scale, double zero_point,
                            DataType out_dtype) {
  if (out_dtype != DataType::kInt8 && out_dtype != DataType::kUInt8)
    return ctx.Error("output zero point has dtype " + std::string(DataTypeName(out_dtype)) +
                     ", expected int8 or uint8");
  const double lo = out_dtype == DataType::kInt8 ? -128 : 0;
  const double hi = out_dtype == DataType::kInt8 ? 127 : 255;
  int64_t inner = 1;
  for (int d = axis + 1; d < acc.rank(); ++d) inner *= acc.dim(d);
  const int64_t channels = acc.dim(axis);
  FERRY_ASSIGN_OR_RETURN(Tensor y, Tensor::Create(out_dtype, acc.shape()));
  const int32_t* in = acc.data<int32_t>();
  for (int64_t i = 0; i < acc.NumElements(); ++i) {
    const int64_t c = (i / inner) % channels;
    // float32 arithmetic, as the onnx reference (numpy float32 scales) rounds it.
    const float scaled = static_cast<float>(in[i]) * static_cast<float>(scale[c]);
    double q = std::nearbyint(scaled) + zero_point;  // ties to even
    q = q < lo ? lo : (q > hi ? hi : q);
    if (out_dtype == DataType::kInt8) {
      y.data<int8_t>()[i] = static_cast<int8_t>(q);
    } else {
      y.data<uint8_t>()[i] = static_cast<uint8_t>(q);
    }
  }
  return y;
}

}  // namespace ferry::onnx::ops
