#include "convert/onnx_to_tf/ops/spatial.h"

#include <algorithm>
#include <cstring>

namespace ferry::convert::onnx_to_tf::ops {
namespace {

Status CheckList(const ir::Node& n, const std::string& attr, const std::vector<int64_t>& v,
                 size_t r) {
  if (v.size() != r)
    return InvalidArgument(n.Describe() + ": attribute '" + attr + "' has " +
                           std::to_string(v.size()) + " entries, expected " + std::to_string(r));
  for (int64_t x : v)
    if (x <= 0)
      return InvalidArgument(n.Describe() + ": attribute '" + attr + "' must be positive");
  return Status::Ok();
}

}  // namespace

StatusOr<NdWindow> ReadWindow(const ir::Node& n, const std::vector<ir::Dim>& in,
                              const std::vector<int64_t>& k) {
  const size_t r = in.size();
  NdWindow w;
  w.in = in;
  w.k = k;
  w.s = n.GetInts("strides", std::vector<int64_t>(r, 1));
  w.d = n.GetInts("dilations", std::vector<int64_t>(r, 1));
  FERRY_RETURN_IF_ERROR(CheckList(n, "kernel_shape", w.k, r));
  FERRY_RETURN_IF_ERROR(CheckList(n, "strides", w.s, r));
  FERRY_RETURN_IF_ERROR(CheckList(n, "dilations", w.d, r));
  const std::string auto_pad = n.GetString("auto_pad", "NOTSET");
  if (auto_pad == "NOTSET") {
    w.pads = n.GetInts("pads", std::vector<int64_t>(2 * r, 0));
    if (w.pads.size() != 2 * r)
      return InvalidArgument(n.Describe() + ": attribute 'pads' has " +
                             std::to_string(w.pads.size()) + " entries, expected " +
                             std::to_string(2 * r));
    return w;
  }
  w.pads.assign(2 * r, 0);
  if (auto_pad == "VALID") return w;
  if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER")
    return InvalidArgument(n.Describe() + ": attribute 'auto_pad' is '" + auto_pad + "'");
  // ONNX Conv-11: output = ceil(in / stride); the total padding is split evenly, the odd
  // element at the end (SAME_UPPER) or the beginning (SAME_LOWER).
  for (size_t i = 0; i < r; ++i) {
    if (!in[i].known())
      return Unimplemented(n.Describe() + ": attribute 'auto_pad' " + auto_pad +
                           " needs static spatial dims");
    const int64_t out = (in[i].value + w.s[i] - 1) / w.s[i];
    const int64_t total =
        std::max<int64_t>((out - 1) * w.s[i] + (w.k[i] - 1) * w.d[i] + 1 - in[i].value, 0);
    w.pads[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
    w.pads[i + r] = total - w.pads[i];
  }
  return w;
}

std::vector<ir::Dim> WindowOutDims(const NdWindow& w, bool ceil_mode) {
  std::vector<ir::Dim> out;
  for (int i = 0; i < w.rank(); ++i)
    out.push_back(WindowOut(w.in[i], w.k[i], w.s[i], w.d[i], w.begin(i), w.end(i), ceil_mode));
  return out;
}

std::string TfPaddingOf(const NdWindow& w) {
  if (std::all_of(w.pads.begin(), w.pads.end(), [](int64_t p) { return p == 0; }))
    return "VALID";
  for (int i = 0; i < w.rank(); ++i) {
    if (!w.in[i].known()) return "EXPLICIT";
    const int64_t in = w.in[i].value;
    const int64_t out = (in + w.s[i] - 1) / w.s[i];
    const int64_t total = std::max<int64_t>((out - 1) * w.s[i] + (w.k[i] - 1) * w.d[i] + 1 - in, 0);
    if (w.begin(i) != total / 2 || w.end(i) != total - total / 2) return "EXPLICIT";
  }
  return "SAME";
}

NdWindow LiftTo2D(const NdWindow& w) {
  NdWindow o;
  o.in = {ir::Dim::Known(1), w.in[0]};
  o.k = {1, w.k[0]};
  o.s = {1, w.s[0]};
  o.d = {1, w.d[0]};
  o.pads = {0, w.pads[0], 0, w.pads[1]};
  return o;
}

ir::Value* ChannelsLastPaddings(TfBuilder& b, const NdWindow& w) {
  const int r = w.rank();
  std::vector<int32_t> v(2 * (r + 2), 0);
  for (int i = 0; i < r; ++i) {
    v[2 * (i + 1)] = static_cast<int32_t>(w.begin(i));
    v[2 * (i + 1) + 1] = static_cast<int32_t>(w.end(i));
  }
  return b.Const(Tensor::FromVector<int32_t>(v, Shape{r + 2, 2}), b.node().name() + "/paddings");
}

ir::Value* EmitTranspose(TfBuilder& b, ir::Value* v, const std::vector<int64_t>& perm,
                         const std::string& name) {
  ir::Value* p = b.ConstInt32(perm, b.node().name() + "/perm");
  return b
      .Emit("Transpose", {v, p},
            {{"T", ir::Attribute::Type(v->dtype())},
             {"Tperm", ir::Attribute::Type(DataType::kInt32)}},
            v->dtype(), name)
      ->output(0);
}

StatusOr<ir::Value*> ChannelsLastInput(TfBuilder& b, int i) {
  const int r = b.in_facts(i).rank();
  if (b.channels_last(r)) return b.Input(i);
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.ValueIn(b.node().input(i), ValueLayout::kPlain));
  if (r != 3 && r != 5 && r != 4)
    return b.Error("input " + std::to_string(i) + " has rank " + std::to_string(r) +
                   ": only 1-D, 2-D and 3-D windows convert to TF");
  x = EmitTranspose(b, x, ToNhwcPerm(r));
  if (r != 3) return x;
  return b
      .Emit("ExpandDims", {x, b.ConstInt32({1}, b.node().name() + "/axis", true)},
            {{"T", ir::Attribute::Type(x->dtype())},
             {"Tdim", ir::Attribute::Type(DataType::kInt32)}},
            x->dtype())
      ->output(0);
}

std::string ChannelsLastOutName(TfBuilder& b, int rank) {
  return b.channels_last(rank) ? b.OutName(0) : "";
}

ir::Value* FinishChannelsLast(TfBuilder& b, ir::Value* y, int rank) {
  if (b.channels_last(rank)) return y;
  if (rank == 3) {
    y = b.Emit("Squeeze", {y},
               {{"T", ir::Attribute::Type(y->dtype())},
                {"squeeze_dims", ir::Attribute::Ints({1})}},
               y->dtype())
            ->output(0);
  }
  return EmitTranspose(b, y, ToNchwPerm(rank), b.OutName(0));
}

}  // namespace ferry::convert::onnx_to_tf::ops

namespace ferry::convert::onnx_to_tf::ops {

ir::Value* SliceLastAxis(TfBuilder& b, ir::Value* v, int r, int64_t begin, int64_t end) {
  std::vector<int64_t> bg(r, 0), en(r, 0), st(r, 1);
  bg[r - 1] = begin;
  en[r - 1] = end;
  const std::string p = b.node().name() + "/slice";
  // begin_mask / end_mask: every axis but the last is taken whole.
  const int64_t mask = (int64_t{1} << (r - 1)) - 1;
  SliceMasks masks;
  masks.begin = masks.end = mask;
  return EmitStridedSlice(b, v, b.ConstInt32(bg, p + "/begin"), b.ConstInt32(en, p + "/end"),
                          b.ConstInt32(st, p + "/strides"), v->dtype(), masks);
}

ir::Value* ConcatLastAxis(TfBuilder& b, const std::vector<ir::Value*>& vs, int r,
                          const std::string& name) {
  std::vector<ir::Value*> ins = vs;
  ins.push_back(b.ConstInt32({r - 1}, b.node().name() + "/concat_axis", true));
  const DataType t = vs[0]->dtype();
  return b
      .Emit("ConcatV2", ins,
            {{"T", ir::Attribute::Type(t)},
             {"N", ir::Attribute::Int(static_cast<int64_t>(vs.size()))},
             {"Tidx", ir::Attribute::Type(DataType::kInt32)}},
            t, name)
      ->output(0);
}

Tensor SliceRows(const Tensor& t, int64_t begin, int64_t end) {
  std::vector<int64_t> dims = t.shape().dims();
  const int64_t row = t.NumElements() / dims[0];
  dims[0] = end - begin;
  Tensor out(t.dtype(), Shape(dims));
  const size_t es = SizeOf(t.dtype());
  std::memcpy(out.raw_data(), static_cast<const uint8_t*>(t.raw_data()) + begin * row * es,
              (end - begin) * row * es);
  return out;
}

Tensor DilateKernel(const Tensor& w, const std::vector<int64_t>& d) {
  const int r = static_cast<int>(d.size());
  std::vector<int64_t> dims = w.shape().dims();
  std::vector<int64_t> od = dims;
  for (int i = 0; i < r; ++i) od[2 + i] = (dims[2 + i] - 1) * d[i] + 1;
  Tensor out(DataType::kFloat32, Shape(od));
  float* o = out.data<float>();
  std::fill(o, o + out.NumElements(), 0.0f);
  const float* src = w.data<float>();
  const int64_t planes = dims[0] * dims[1];
  int64_t in_plane = 1, out_plane = 1;
  for (int i = 0; i < r; ++i) {
    in_plane *= dims[2 + i];
    out_plane *= od[2 + i];
  }
  std::vector<int64_t> idx(r);
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t e = 0; e < in_plane; ++e) {
      int64_t rem = e, off = 0;
      for (int i = r - 1; i >= 0; --i) {
        idx[i] = rem % dims[2 + i];
        rem /= dims[2 + i];
      }
      for (int i = 0; i < r; ++i) off = off * od[2 + i] + idx[i] * d[i];
      o[p * out_plane + off] = src[p * in_plane + e];
    }
  }
  return out;
}

}  // namespace ferry::convert::onnx_to_tf::ops
