// Integer matmul and convolution shared by MatMulInteger / QLinearMatMul and ConvInteger /
// QLinearConv (onnx Operators.md): accumulate (a - a_zero_point) * (b - b_zero_point) in int32,
// and requantize an accumulator to int8/uint8 with round-half-to-even and saturation.
#pragma once

#include <vector>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {

// Per-row (or per-channel) values of a zero point or scale: one value for every row when the
// tensor holds one element, else the tensor's values, which must number `rows`. nullptr
// tensor: `dflt`. `what` names the input in errors.
StatusOr<std::vector<double>> PerRow(const OpContext& ctx, const Tensor* t, int64_t rows,
                                     double dflt, const std::string& what);

// acc[..., m, n] = sum_k (A[..., m, k] - a_zp[m]) * (B[..., k, n] - b_zp[n]) with numpy
// broadcasting of the batch dims; A and B are int8/uint8 of rank >= 2. Returns int32.
StatusOr<Tensor> IntegerMatMul(const OpContext& ctx, const Tensor& a,
                               const std::vector<double>& a_zp, const Tensor& b,
                               const std::vector<double>& b_zp);

// 2-D (or 1-D) grouped convolution of int8/uint8 X [N, C, H, W] and W [M, C/group, kh, kw]
// with x_zp (one value) and w_zp (per output channel); padding contributes nothing. The conv
// attributes are Conv's (`attrs` as SpatialAttrs::Read gives them). Returns int32 [N, M, ...].
StatusOr<Tensor> IntegerConv(const OpContext& ctx, const SpatialAttrs& attrs, int64_t group,
                             const Tensor& x, double x_zp, const Tensor& w,
                             const std::vector<double>& w_zp);

// Requantizes int32 `acc` to `out_dtype` (int8 or uint8): saturate(round_half_even(acc *
// scale[c]) + zero_point), where c is the index along `axis` (scale per channel or one value).
StatusOr<Tensor> Requantize(const OpContext& ctx, const Tensor& acc, int axis,
                            const std::vector<double>& scale, double zero_point,
                            DataType out_dtype);

}  // namespace ferry::onnx::ops
