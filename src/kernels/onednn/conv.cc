// Conv2D through oneDNN's convolution_forward (oneDNN 2.x API). oneDNN picks its preferred
// (blocked, e.g. nChw16c) formats for activations and weights: on plain nchw it only offers
// its slower im2col+gemm kernel, while the blocked jit kernels are several times faster even
// counting the reorders of input and output around each call. Weights are described with
// explicit strides so OIHW, HWIO and grouped forms need no copy before their reorder.
#include "kernels/conv.h"

#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "kernels/onednn/context.h"

namespace ferry::kernels {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

memory::desc ActivationDesc(Layout layout, int64_t n, int64_t c, int64_t h, int64_t w) {
  return memory::desc({n, c, h, w}, memory::data_type::f32,
                      layout == Layout::kNCHW ? Tag::nchw : Tag::nhwc);
}

// The caller's weights, as oneDNN dims (grouped: g, oc/g, ic/g, kh, kw) with strides.
memory::desc UserWeightsDesc(const ConvParams& p) {
  const int64_t g = p.groups, og = p.out_channels / g, ig = p.in_channels / g;
  const int64_t kh = p.kernel_h, kw = p.kernel_w, o = p.out_channels;
  const bool oihw = p.weight_layout == WeightLayout::kOIHW;
  if (g == 1) {
    memory::dims strides =
        oihw ? memory::dims{ig * kh * kw, kh * kw, kw, 1} : memory::dims{1, o, kw * ig * o, ig * o};
    return memory::desc({o, ig, kh, kw}, memory::data_type::f32, strides);
  }
  memory::dims strides = oihw ? memory::dims{og * ig * kh * kw, ig * kh * kw, kh * kw, kw, 1}
                              : memory::dims{og, 1, o, kw * ig * o, ig * o};
  return memory::desc({g, og, ig, kh, kw}, memory::data_type::f32, strides);
}

// A reorder primitive with its descriptor (for the scratchpad size).
struct CachedReorder {
  dnnl::reorder::primitive_desc pd;
  dnnl::reorder prim;
};

struct Prepared {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
  memory::desc user_src, user_dst, user_w;
  bool reorder_src = false, reorder_dst = false, reorder_w = false;
  std::optional<CachedReorder> to_blocked, from_blocked;
};

StatusOr<std::shared_ptr<Prepared>> Prepare(const ConvParams& p, bool has_bias) {
  try {
    const auto& eng = onednn::Context::Engine();
    auto user_src = ActivationDesc(p.layout, p.batch, p.in_channels, p.in_h, p.in_w);
    auto user_dst = ActivationDesc(p.layout, p.batch, p.out_channels, p.out_h(), p.out_w());
    memory::desc src(user_src.dims(), memory::data_type::f32, Tag::any);
    memory::desc dst(user_dst.dims(), memory::data_type::f32, Tag::any);
    auto user_w = UserWeightsDesc(p);
    memory::desc w_any(user_w.dims(), memory::data_type::f32, Tag::any);
    memory::desc bias({p.out_channels}, memory::data_type::f32, Tag::x);
    memory::dims strides{p.stride_h, p.stride_w};
    memory::dims dil{p.dilation_h - 1, p.dilation_w - 1};  // oneDNN counts extra gaps
    memory::dims pad_l{p.pad_top, p.pad_left}, pad_r{p.pad_bottom, p.pad_right};
    const auto kind = dnnl::prop_kind::forward_inference;
    const auto alg = dnnl::algorithm::convolution_direct;
    auto desc = has_bias ? dnnl::convolution_forward::desc(kind, alg, src, w_any, bias, dst,
                                                           strides, dil, pad_l, pad_r)
                         : dnnl::convolution_forward::desc(kind, alg, src, w_any, dst, strides, dil,
                                                           pad_l, pad_r);
    dnnl::primitive_attr attr, attr_plain;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    attr_plain.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (p.activation.kind != Activation::kNone) {
      dnnl::post_ops ops;
      if (p.activation.kind == Activation::kRelu)
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      else
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, p.activation.min, p.activation.max);
      attr.set_post_ops(ops);
    }
    auto out = std::make_shared<Prepared>();
    out->pd = dnnl::convolution_forward::primitive_desc(desc, attr, eng);
    out->prim = dnnl::convolution_forward(out->pd);
    out->user_src = user_src;
    out->user_dst = user_dst;
    out->user_w = user_w;
    out->reorder_src = out->pd.src_desc() != user_src;
    out->reorder_dst = out->pd.dst_desc() != user_dst;
    out->reorder_w = out->pd.weights_desc() != user_w;
    // The cached reorders run on any thread too: user scratchpad as well.
    auto make_reorder = [&](const memory::desc& from, const memory::desc& to) {
      dnnl::reorder::primitive_desc rpd(eng, from, eng, to, attr_plain);
      return CachedReorder{rpd, dnnl::reorder(rpd)};
    };
    if (out->reorder_src) out->to_blocked = make_reorder(user_src, out->pd.src_desc());
    if (out->reorder_dst) out->from_blocked = make_reorder(out->pd.dst_desc(), user_dst);
    return out;
  } catch (const dnnl::error& e) {
    return onednn::FromDnnlError(e, "Conv2D " + p.ToString());
  }
}

void Reorder(const CachedReorder& r, const memory& from, const memory& to) {
  r.prim.execute(onednn::Context::Stream(),
            {{DNNL_ARG_FROM, from},
             {DNNL_ARG_TO, to},
             {DNNL_ARG_SCRATCHPAD, onednn::Context::Scratchpad(r.pd.scratchpad_desc())}});
}

Status Execute(const Prepared& pr, const ConvParams& p, const float* x, const memory& w,
               const float* b, float* y, int num_threads) {
  try {
    const auto& eng = onednn::Context::Engine();
    auto& stream = onednn::Context::Stream();
    onednn::Context::SetNumThreads(num_threads);
    memory user_src(pr.user_src, eng, const_cast<float*>(x));
    memory user_dst(pr.user_dst, eng, y);
    memory src = user_src, dst = user_dst;
    // Blocked copies live in per-thread buffers that only grow: allocating them per call
    // costs page faults comparable to the reorders themselves.
    thread_local std::vector<float> src_buf, dst_buf;
    auto scratch = [&](std::vector<float>& buf, const memory::desc& d) {
      const size_t n = d.get_size() / sizeof(float) + 16;
      if (buf.size() < n) buf.resize(n);
      return memory(d, eng, buf.data());
    };
    if (pr.reorder_src) {
      src = scratch(src_buf, pr.pd.src_desc());
      Reorder(*pr.to_blocked, user_src, src);
    }
    if (pr.reorder_dst) dst = scratch(dst_buf, pr.pd.dst_desc());
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, dst}};
    if (b) args.emplace(DNNL_ARG_BIAS, memory(pr.pd.bias_desc(), eng, const_cast<float*>(b)));
    args.emplace(DNNL_ARG_SCRATCHPAD, onednn::Context::Scratchpad(pr.pd.scratchpad_desc()));
    pr.prim.execute(stream, args);
    if (pr.reorder_dst) Reorder(*pr.from_blocked, dst, user_dst);
    stream.wait();
    return Status::Ok();
  } catch (const dnnl::error& e) {
    return onednn::FromDnnlError(e, "Conv2D " + p.ToString());
  }
}

// Weights as the primitive wants them: the caller's buffer, or a reordered copy.
StatusOr<memory> PrepareWeights(const Prepared& pr, const ConvParams& p, const float* w,
                                int num_threads) {
  try {
    const auto& eng = onednn::Context::Engine();
    memory user(pr.user_w, eng, const_cast<float*>(w));
    if (!pr.reorder_w) return user;
    onednn::Context::SetNumThreads(num_threads);
    memory packed(pr.pd.weights_desc(), eng);
    auto& stream = onednn::Context::Stream();
    dnnl::reorder(user, packed).execute(stream, user, packed);
    stream.wait();
    return packed;
  } catch (const dnnl::error& e) {
    return onednn::FromDnnlError(e, "Conv2D weights " + p.ToString());
  }
}

std::string Key(const ConvParams& p, bool has_bias) {
  return p.ToString() + (has_bias ? " bias" : "") + " " + std::to_string(p.activation.min) + "," +
         std::to_string(p.activation.max);
}

}  // namespace

Status Conv2D(const ConvParams& p, const float* x, const float* w, const float* b, float* y,
              int num_threads) {
  FERRY_RETURN_IF_ERROR(p.Validate());
  onednn::Context::SetNumThreads(num_threads);  // also for primitive creation
  if (p.batch == 0) return Status::Ok();
  // oneDNN's own primitive cache makes re-creating the primitive cheap; keep the descriptor
  // per thread too, as creating it costs about as much as a small convolution.
  thread_local std::map<std::string, std::shared_ptr<Prepared>> cache;
  const std::string key = Key(p, b != nullptr);
  auto it = cache.find(key);
  if (it == cache.end()) {
    FERRY_ASSIGN_OR_RETURN(auto pr, Prepare(p, b != nullptr));
    if (cache.size() > 256) cache.clear();
    it = cache.emplace(key, std::move(pr)).first;
  }
  FERRY_ASSIGN_OR_RETURN(memory wm, PrepareWeights(*it->second, p, w, num_threads));
  return Execute(*it->second, p, x, wm, b, y, num_threads);
}

struct ConstantWeightConv2D::Impl {
  struct Entry {
    std::shared_ptr<Prepared> prepared;
    memory weights;
  };
  std::mutex mu;
  std::map<std::string, Entry> entries;
};

ConstantWeightConv2D::ConstantWeightConv2D() : impl_(std::make_unique<Impl>()) {}
ConstantWeightConv2D::~ConstantWeightConv2D() = default;

Status ConstantWeightConv2D::Run(const ConvParams& p, const float* x, const float* w,
                                 const float* b, float* y, int num_threads) {
  FERRY_RETURN_IF_ERROR(p.Validate());
  onednn::Context::SetNumThreads(num_threads);  // also for primitive creation
  if (p.batch == 0) return Status::Ok();
  const std::string key = Key(p, b != nullptr);
  Impl::Entry entry;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->entries.find(key);
    if (it == impl_->entries.end()) {
      FERRY_ASSIGN_OR_RETURN(auto pr, Prepare(p, b != nullptr));
      FERRY_ASSIGN_OR_RETURN(memory wm, PrepareWeights(*pr, p, w, num_threads));
      if (impl_->entries.size() > 64) impl_->entries.clear();
      it = impl_->entries.emplace(key, Impl::Entry{std::move(pr), wm}).first;
    }
    entry = it->second;
  }
  if (!entry.prepared->reorder_w) {  // oneDNN reads the caller's buffer directly
    FERRY_ASSIGN_OR_RETURN(entry.weights, PrepareWeights(*entry.prepared, p, w, num_threads));
  }
  return Execute(*entry.prepared, p, x, entry.weights, b, y, num_threads);
}

}  // namespace ferry::kernels
