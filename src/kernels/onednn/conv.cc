// Conv2D through oneDNN's convolution_forward (oneDNN 2.x API). oneDNN picks its preferred
// (blocked, e.g. nChw16c) formats for activations and weights: on plain nchw it only offers
// its slower im2col+gemm kernel, while the blocked jit kernels are several times faster even
// counting the reorders of input and output around each call. Weights are described with
// explicit strides so OIHW, HWIO and grouped forms need no copy before their reorder.
#include "kernels/conv.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "kernels/channels_last.h"
#include "kernels/conv3x3.h"
#include "kernels/conv7x7s2.h"
#include "kernels/onednn/context.h"

namespace ferry::kernels {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

memory::desc ActivationDesc(Layout layout, int64_t n, int64_t c, int64_t h, int64_t w,
                            bool blocked = false, bool c16 = false) {
  if (blocked) {
    const ConvBlocking b = ConvPreferredBlocking();
    const Tag tag = c16                              ? Tag::nChw16c
                    : b == ConvBlocking::kChannelsLast ? Tag::nhwc
                    : b == ConvBlocking::kBlocked8   ? Tag::nChw8c
                                                     : Tag::nChw16c;
    return memory::desc({n, c, h, w}, memory::data_type::f32, tag);
  }
  return memory::desc({n, c, h, w}, memory::data_type::f32,
                      layout == Layout::kNCHW ? Tag::nchw : Tag::nhwc);
}

// How a call lays out its buffers: part of the cache key.
struct IoFormat {
  bool has_bias = false;
  bool x_blocked = false, x_16c = false;
  bool y_blocked = false, y_16c = false;
  bool residual = false;
  bool residual_blocked = false, residual_16c = false;
  std::string Key() const {
    return std::string(has_bias ? " bias" : "") + (x_blocked ? (x_16c ? " x16" : " xb") : "") +
           (y_blocked ? (y_16c ? " y16" : " yb") : "") +
           (residual ? (residual_blocked ? (residual_16c ? " r16" : " rb") : " r") : "");
  }
};

bool SameCall(const ConvParams& a, const IoFormat& ia, const ConvParams& b, const IoFormat& ib) {
  auto params = [](const ConvParams& p) {
    return std::tie(p.layout, p.weight_layout, p.batch, p.in_channels, p.in_h, p.in_w,
                    p.out_channels, p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.dilation_h,
                    p.dilation_w, p.pad_top, p.pad_left, p.pad_bottom, p.pad_right, p.groups,
                    p.activation.kind, p.activation.min, p.activation.max, p.activation.alpha);
  };
  auto io = [](const IoFormat& f) {
    return std::tie(f.has_bias, f.x_blocked, f.x_16c, f.y_blocked, f.y_16c, f.residual,
                    f.residual_blocked, f.residual_16c);
  };
  return params(a) == params(b) && io(ia) == io(ib);
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

// The memory objects of one call and the primitive's argument map, made on the first call
// and re-pointed (set_data_handle) on the next ones: creating four or five memory objects and
// a hash map per call cost several microseconds of the main thread's serial time per
// convolution (ResNet-18: 20 calls a run), while the other thread waits.
struct Bound {
  memory user_src, user_dst, src, dst, residual, bias, scratchpad;
  std::unordered_map<int, memory> args;
};

struct Prepared {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
  memory::desc user_src, user_dst, user_w, user_residual;
  bool reorder_src = false, reorder_dst = false, reorder_w = false, reorder_residual = false;
  // The source reorder is plain NCHW to channels-last (a network's input into its first
  // conv): NchwToNhwc, a plain loop, instead of oneDNN's reorder.
  bool src_nchw_to_nhwc = false;
  std::optional<CachedReorder> to_blocked, from_blocked, residual_to_dst;
  // One call at a time uses `bound` (a try_lock); a concurrent call makes its own objects.
  std::mutex bound_mu;
  std::unique_ptr<Bound> bound;
};

// Winograd-domain weights (oneDNN's wino format) cannot be reordered into anything else.
bool IsWinogradFormat(const memory::desc& d) { return d.data.format_kind == dnnl_format_kind_wino; }

// Opt-in (FERRY_CONV_WINOGRAD=1, ConvWinogradEnabled): stride-1 3x3 convolutions of 64
// channels or more run Winograd F(2x2,3x3) or F(4x4,3x3) (oneDNN picks), 1.9x faster than
// the direct kernels on ResNet-18's 64-channel layers. Only for constant weights (transformed
// once), and only where the weights are at most 256 KiB: Winograd weights cannot be
// reordered for another input shape, so ConstantWeightConv2D::Pack keeps a plain copy beside
// them, and the transformed weights and tiles grow with the channels (ResNet-18's
// 128-channel layers would add 18 MB of peak RSS against 1.7 MB for the 64-channel ones).
// And only from 8192 output pixels (batch x height x width) unless the input already comes
// in Winograd's nChw16c: reordering channels-last activations in and out costs more than it
// saves at ResNet-18 batch 1.
bool UseWinograd(const ConvParams& p, const IoFormat& io) {
  return ConvWinogradEnabled() &&
         ConvWinogradCandidate(p.in_channels, p.out_channels, p.kernel_h, p.kernel_w, p.stride_h,
                               p.stride_w, p.dilation_h, p.dilation_w, p.groups) &&
         (p.batch * p.out_h() * p.out_w() >= 8192 || (io.x_blocked && io.x_16c));
}

StatusOr<std::shared_ptr<Prepared>> Prepare(const ConvParams& p, const IoFormat& io,
                                            bool constant_weights = false) {
  const bool has_bias = io.has_bias;
  try {
    const auto& eng = onednn::Context::Engine();
    auto user_src = ActivationDesc(p.layout, p.batch, p.in_channels, p.in_h, p.in_w, io.x_blocked,
                                   io.x_blocked && io.x_16c);
    // One input channel: NCHW and NHWC are the same bytes, so a channels-last kernel reads
    // the caller's buffer as it is (SimpleCNN's and MNIST models' first conv).
    if (p.in_channels == 1 && !io.x_blocked &&
        ConvPreferredBlocking() == ConvBlocking::kChannelsLast)
      user_src = ActivationDesc(Layout::kNHWC, p.batch, 1, p.in_h, p.in_w);
    auto user_dst = ActivationDesc(p.layout, p.batch, p.out_channels, p.out_h(), p.out_w(),
                                   io.y_blocked, io.y_blocked && io.y_16c);
    memory::desc src(user_src.dims(), memory::data_type::f32, Tag::any);
    memory::desc dst(user_dst.dims(), memory::data_type::f32, Tag::any);
    auto user_w = UserWeightsDesc(p);
    memory::desc w_any(user_w.dims(), memory::data_type::f32, Tag::any);
    memory::desc bias({p.out_channels}, memory::data_type::f32, Tag::x);
    memory::dims strides{p.stride_h, p.stride_w};
    memory::dims dil{p.dilation_h - 1, p.dilation_w - 1};  // oneDNN counts extra gaps
    memory::dims pad_l{p.pad_top, p.pad_left}, pad_r{p.pad_bottom, p.pad_right};
    const auto kind = dnnl::prop_kind::forward_inference;
    auto make_desc = [&](dnnl::algorithm alg) {
      return has_bias ? dnnl::convolution_forward::desc(kind, alg, src, w_any, bias, dst,
                                                        strides, dil, pad_l, pad_r)
                      : dnnl::convolution_forward::desc(kind, alg, src, w_any, dst, strides, dil,
                                                        pad_l, pad_r);
    };
    dnnl::primitive_attr attr, attr_plain;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    attr_plain.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (p.activation.kind != Activation::kNone || io.residual)
      attr.set_post_ops(onednn::ActivationPostOps(p.activation, io.residual));
    auto out = std::make_shared<Prepared>();
    bool wino = false;
    if (constant_weights && UseWinograd(p, io)) {
      try {  // unimplemented for this CPU, post-op or shape: the direct kernels
        out->pd = dnnl::convolution_forward::primitive_desc(
            make_desc(dnnl::algorithm::convolution_winograd), attr, eng);
        wino = true;
      } catch (const dnnl::error&) {
      }
    }
    if (!wino)
      out->pd = dnnl::convolution_forward::primitive_desc(
          make_desc(dnnl::algorithm::convolution_direct), attr, eng);
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
    out->src_nchw_to_nhwc =
        out->reorder_src && user_src == memory::desc(user_src.dims(), memory::data_type::f32,
                                                     Tag::nchw) &&
        out->pd.src_desc() == memory::desc(user_src.dims(), memory::data_type::f32, Tag::nhwc);
    if (out->reorder_dst) out->from_blocked = make_reorder(out->pd.dst_desc(), user_dst);
    if (io.residual) {
      out->user_residual = ActivationDesc(p.layout, p.batch, p.out_channels, p.out_h(), p.out_w(),
                                          io.residual_blocked,
                                          io.residual_blocked && io.residual_16c);
      out->reorder_residual = out->user_residual != out->pd.dst_desc();
      if (out->reorder_residual)
        out->residual_to_dst = make_reorder(out->user_residual, out->pd.dst_desc());
    }
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

// A new buffer in `to` holding `from` (call inside a try for dnnl::error; the caller waits
// on the stream).
memory ReorderedCopy(const memory& from, const memory::desc& to) {
  memory m(to, onednn::Context::Engine());
  dnnl::reorder(from, m).execute(onednn::Context::Stream(), const_cast<memory&>(from), m);
  return m;
}

// Points `m` at `p`, making it for `d` the first time.
void Bind(memory* m, const memory::desc& d, const void* p) {
  if (!*m) {
    *m = memory(d, onednn::Context::Engine(), const_cast<void*>(p));
  } else if (m->get_data_handle() != p) {
    m->set_data_handle(const_cast<void*>(p));
  }
}

Status Execute(Prepared& pr, const ConvParams& p, const float* x, const memory& w,
               const float* b, const float* residual, float* y, int num_threads) {
  try {
    auto& stream = onednn::Context::Stream();
    onednn::Context::SetNumThreads(num_threads);
    std::unique_lock<std::mutex> lock(pr.bound_mu, std::try_to_lock);
    std::optional<Bound> local;  // made only when another call holds pr.bound
    Bound* bd = nullptr;
    if (lock.owns_lock()) {
      if (!pr.bound) pr.bound = std::make_unique<Bound>();
      bd = pr.bound.get();
    } else {
      bd = &local.emplace();
    }
    Bind(&bd->user_src, pr.user_src, x);
    Bind(&bd->user_dst, pr.user_dst, y);
    // Blocked copies live in per-thread buffers that only grow: allocating them per call
    // costs page faults comparable to the reorders themselves.
    thread_local std::vector<float> src_buf, dst_buf;
    auto scratch = [&](std::vector<float>& buf, const memory::desc& d) {
      const size_t n = d.get_size() / sizeof(float) + 16;
      if (buf.size() < n) buf.resize(n);
      return buf.data();
    };
    memory* src = &bd->user_src;
    memory* dst = &bd->user_dst;
    if (pr.reorder_src) {
      Bind(&bd->src, pr.pd.src_desc(), scratch(src_buf, pr.pd.src_desc()));
      src = &bd->src;
      if (pr.src_nchw_to_nhwc)
        NchwToNhwc(x, static_cast<float*>(src->get_data_handle()), p.batch, p.in_channels,
                   p.in_h * p.in_w, num_threads);
      else
        Reorder(*pr.to_blocked, bd->user_src, *src);
    }
    if (pr.reorder_dst) {
      Bind(&bd->dst, pr.pd.dst_desc(), scratch(dst_buf, pr.pd.dst_desc()));
      dst = &bd->dst;
    }
    if (residual) {
      // The sum post-op accumulates onto dst: it must hold the residual first.
      if (pr.reorder_residual) {
        Bind(&bd->residual, pr.user_residual, residual);
        Reorder(*pr.residual_to_dst, bd->residual, *dst);
      } else if (dst->get_data_handle() != residual) {
        std::memcpy(dst->get_data_handle(), residual, pr.pd.dst_desc().get_size());
      }
    }
    const memory::desc sp = pr.pd.scratchpad_desc();
    Bind(&bd->scratchpad, sp, onednn::Context::ScratchpadBuffer(sp.get_size()));
    if (b) Bind(&bd->bias, pr.pd.bias_desc(), b);
    if (bd->args.empty()) {
      bd->args = {{DNNL_ARG_SRC, *src}, {DNNL_ARG_DST, *dst}, {DNNL_ARG_SCRATCHPAD, bd->scratchpad}};
      if (b) bd->args.emplace(DNNL_ARG_BIAS, bd->bias);
    }
    // The weights may differ from call to call (a new master for another shape, or the
    // caller's buffer): a handle copy, no allocation once the key exists.
    bd->args[DNNL_ARG_WEIGHTS] = w;
    pr.prim.execute(stream, bd->args);
    if (pr.reorder_dst) Reorder(*pr.from_blocked, *dst, bd->user_dst);
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
    memory packed = ReorderedCopy(user, pr.pd.weights_desc());
    onednn::Context::Stream().wait();
    return packed;
  } catch (const dnnl::error& e) {
    return onednn::FromDnnlError(e, "Conv2D weights " + p.ToString());
  }
}

std::string Key(const ConvParams& p, const IoFormat& io) {
  return p.ToString() + io.Key() + " " + std::to_string(p.activation.min) + "," +
         std::to_string(p.activation.max) + "," + std::to_string(p.activation.alpha);
}

IoFormat PlainIo(const float* b) {
  IoFormat io;
  io.has_bias = b != nullptr;
  return io;
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
  const std::string key = Key(p, PlainIo(b));
  auto it = cache.find(key);
  if (it == cache.end()) {
    FERRY_ASSIGN_OR_RETURN(auto pr, Prepare(p, PlainIo(b)));
    if (cache.size() > 256) cache.clear();
    it = cache.emplace(key, std::move(pr)).first;
  }
  FERRY_ASSIGN_OR_RETURN(memory wm, PrepareWeights(*it->second, p, w, num_threads));
  return Execute(*it->second, p, x, wm, b, nullptr, y, num_threads);
}

struct ConstantWeightConv2D::Impl {
  struct Entry {
    std::shared_ptr<Prepared> prepared;
    memory weights;
  };
  std::mutex mu;
  std::map<std::string, Entry> entries;
  std::optional<memory> master;  // set by Pack: the op's own copy of the weights
  // The weights of ferry's own kernel (ChooseOwnKernel): set by Pack instead of the master,
  // or by the first run the kernel takes.
  std::optional<PackedConvWeights> own;
  // The last call's parameters and entry: runs of one shape skip building the string key.
  std::optional<std::pair<ConvParams, IoFormat>> last;
  Entry last_entry;
};

ConstantWeightConv2D::ConstantWeightConv2D() : impl_(std::make_unique<Impl>()) {}
ConstantWeightConv2D::~ConstantWeightConv2D() = default;

namespace {

IoFormat FormatOf(const ConvTensors& t) {
  IoFormat io;
  io.has_bias = t.b != nullptr;
  io.x_blocked = t.x_blocked;
  io.x_16c = t.x_16c;
  io.y_blocked = t.y_blocked;
  io.y_16c = t.y_16c;
  io.residual = t.residual != nullptr;
  io.residual_blocked = t.residual_blocked;
  io.residual_16c = t.residual_16c;
  return io;
}

Status CheckBlocking(const ConvParams& p, const IoFormat& io) {
  if ((io.x_blocked || io.y_blocked || io.residual_blocked) &&
      (p.layout != Layout::kNCHW || ConvPreferredBlocking() == ConvBlocking::kPlain))
    return InvalidArgument("Conv2D " + p.ToString() +
                           ": channel-blocked buffers need NCHW and a blocking CPU");
  return Status::Ok();
}

// ferry's own kernels, run instead of oneDNN's where they apply (ChooseOwnKernel).
enum class OwnKernel { kNone, k3x3, k7x7s2 };

std::atomic<int64_t> own_runs{0};  // OwnConvolutionRuns()

// Which of ferry's own kernels runs this call rather than oneDNN:
//   k3x3    kernels/conv3x3.h, every buffer channels-last (NHWC params, or NCHW params with
//           channels-last blocked buffers), and no opted-in Winograd for it;
//   k7x7s2  kernels/conv7x7s2.h, a plain NCHW input into a channels-last blocked output.
// FERRY_CONV_ONEDNN=1 in the environment turns both off (read once), to compare.
OwnKernel ChooseOwnKernel(const ConvParams& p, const IoFormat& io) {
  static const bool off = [] {
    const char* v = std::getenv("FERRY_CONV_ONEDNN");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  if (off) return OwnKernel::kNone;
  if (Conv3x3Applies(p)) {
    if (p.layout == Layout::kNHWC)  // TF graphs: channels-last, never blocked
      return !io.x_blocked && !io.y_blocked && !io.residual_blocked ? OwnKernel::k3x3
                                                                    : OwnKernel::kNone;
    const bool channels_last = ConvPreferredBlocking() == ConvBlocking::kChannelsLast &&
                               io.x_blocked && !io.x_16c && io.y_blocked && !io.y_16c &&
                               (!io.residual || (io.residual_blocked && !io.residual_16c));
    return channels_last && !UseWinograd(p, io) ? OwnKernel::k3x3 : OwnKernel::kNone;
  }
  if (Conv7x7s2Applies(p) && p.layout == Layout::kNCHW && !io.x_blocked && io.y_blocked &&
      !io.y_16c && !io.residual && ConvPreferredBlocking() == ConvBlocking::kChannelsLast)
    return OwnKernel::k7x7s2;
  return OwnKernel::kNone;
}

// The master weights in the format `pr` wants: the master itself when it already is, else a
// reordered copy.
StatusOr<memory> FromMaster(const Prepared& pr, const ConvParams& p, const memory& master,
                            int num_threads) {
  if (pr.pd.weights_desc() == master.get_desc()) return master;
  try {
    onednn::Context::SetNumThreads(num_threads);
    memory from = master;
    // Reorders into Winograd weights start from the plain layout.
    if (IsWinogradFormat(pr.pd.weights_desc()) && from.get_desc() != pr.user_w)
      from = ReorderedCopy(from, pr.user_w);
    memory w = ReorderedCopy(from, pr.pd.weights_desc());
    onednn::Context::Stream().wait();
    return w;
  } catch (const dnnl::error& e) {
    return onednn::FromDnnlError(e, "Conv2D weights " + p.ToString());
  }
}

}  // namespace

Status ConstantWeightConv2D::Run(const ConvParams& p, const float* x, const float* w,
                                 const float* b, float* y, int num_threads) {
  ConvTensors t;
  t.x = x;
  t.w = w;
  t.b = b;
  t.y = y;
  return Run(p, t, num_threads);
}

bool ConstantWeightConv2D::packed() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->master.has_value() || impl_->own.has_value();
}

Status ConstantWeightConv2D::Pack(const ConvParams& p, const ConvTensors& t, int num_threads) {
  FERRY_RETURN_IF_ERROR(p.Validate());
  const IoFormat io = FormatOf(t);
  FERRY_RETURN_IF_ERROR(CheckBlocking(p, io));
  if (!t.w) return InvalidArgument("Conv2D " + p.ToString() + ": no weights to pack");
  // ferry's own kernel: oneDNN's copy is made only if a later shape needs it.
  if (const OwnKernel own = ChooseOwnKernel(p, io); own != OwnKernel::kNone) {
    PackedConvWeights w = own == OwnKernel::k3x3 ? PackConv3x3Weights(p, t.w)
                                                 : PackConv7x7s2Weights(p, t.w);
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->own = std::move(w);
    return Status::Ok();
  }
  onednn::Context::SetNumThreads(num_threads);
  FERRY_ASSIGN_OR_RETURN(auto pr, Prepare(p, io, /*constant_weights=*/true));
  memory packed, master;
  try {
    const memory user(pr->user_w, onednn::Context::Engine(), const_cast<float*>(t.w));
    // Always a copy, even when the primitive reads the plain layout: the master is the op's.
    packed = ReorderedCopy(user, pr->pd.weights_desc());
    // Winograd weights reorder into nothing else: other shapes start from a plain copy.
    master = IsWinogradFormat(pr->pd.weights_desc()) ? ReorderedCopy(user, pr->user_w) : packed;
    onednn::Context::Stream().wait();
  } catch (const dnnl::error& e) {
    return onednn::FromDnnlError(e, "Conv2D weights " + p.ToString());
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->last.reset();
  impl_->master = master;
  impl_->entries[Key(p, io)] = Impl::Entry{std::move(pr), packed};
  return Status::Ok();
}

Status ConstantWeightConv2D::Run(const ConvParams& p, const ConvTensors& t, int num_threads) {
  FERRY_RETURN_IF_ERROR(p.Validate());
  const IoFormat io = FormatOf(t);
  FERRY_RETURN_IF_ERROR(CheckBlocking(p, io));
  onednn::Context::SetNumThreads(num_threads);  // also for primitive creation
  if (p.batch == 0) return Status::Ok();
  if (const OwnKernel own = ChooseOwnKernel(p, io); own != OwnKernel::kNone) {
    std::optional<PackedConvWeights> w;  // a copy shares the buffer
    {
      std::lock_guard<std::mutex> lock(impl_->mu);
      if (!impl_->own && t.w)
        impl_->own = own == OwnKernel::k3x3 ? PackConv3x3Weights(p, t.w)
                                            : PackConv7x7s2Weights(p, t.w);
      w = impl_->own;
    }
    if (w) {  // else packed for oneDNN only, and the caller's weights are gone
      own_runs.fetch_add(1, std::memory_order_relaxed);
      if (own == OwnKernel::k3x3) {
        Conv3x3(p, t.x, *w, t.b, t.residual, t.y, num_threads);
      } else {
        Conv7x7s2(p, t.x, *w, t.b, t.y, num_threads);
      }
      return Status::Ok();
    }
  }
  Impl::Entry entry;
  bool own_weights = false;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (!impl_->master && impl_->own) {
      // Packed for ferry's own kernel only: oneDNN's master starts from the plain layout.
      try {
        memory plain(UserWeightsDesc(p), onednn::Context::Engine());
        impl_->own->Unpack(p.weight_layout, static_cast<float*>(plain.get_data_handle()));
        impl_->master = plain;
      } catch (const dnnl::error& e) {
        return onednn::FromDnnlError(e, "Conv2D weights " + p.ToString());
      }
    }
    own_weights = impl_->master.has_value();
    if (impl_->last && SameCall(impl_->last->first, impl_->last->second, p, io)) {
      entry = impl_->last_entry;
    } else {
      const std::string key = Key(p, io);
      auto it = impl_->entries.find(key);
      if (it == impl_->entries.end()) {
        FERRY_ASSIGN_OR_RETURN(auto pr, Prepare(p, io, /*constant_weights=*/true));
        memory wm;
        if (own_weights) {
          FERRY_ASSIGN_OR_RETURN(wm, FromMaster(*pr, p, *impl_->master, num_threads));
        } else {
          if (!t.w) return Internal("Conv2D " + p.ToString() + ": weights were not packed");
          FERRY_ASSIGN_OR_RETURN(wm, PrepareWeights(*pr, p, t.w, num_threads));
        }
        if (impl_->entries.size() > 64) impl_->entries.clear();
        it = impl_->entries.emplace(key, Impl::Entry{std::move(pr), wm}).first;
      }
      entry = it->second;
      impl_->last.emplace(p, io);
      impl_->last_entry = entry;
    }
  }
  if (!own_weights && !entry.prepared->reorder_w) {  // oneDNN reads the caller's buffer
    FERRY_ASSIGN_OR_RETURN(entry.weights, PrepareWeights(*entry.prepared, p, t.w, num_threads));
  }
  return Execute(*entry.prepared, p, t.x, entry.weights, t.b, t.residual, t.y, num_threads);
}

int64_t OwnConvolutionRuns() { return own_runs.load(std::memory_order_relaxed); }

ConvBlocking ConvPreferredBlocking() {
  // Asks oneDNN which source layout its convolution wants for a typical mid-network shape.
  static const ConvBlocking blocking = [] {
    try {
      const auto& eng = onednn::Context::Engine();
      const memory::dims dims{1, 64, 28, 28};
      memory::desc src(dims, memory::data_type::f32, Tag::any);
      memory::desc w({64, 64, 3, 3}, memory::data_type::f32, Tag::any);
      memory::desc dst(dims, memory::data_type::f32, Tag::any);
      dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference,
                                        dnnl::algorithm::convolution_direct, src, w, dst, {1, 1},
                                        {0, 0}, {1, 1}, {1, 1});
      dnnl::convolution_forward::primitive_desc pd(d, eng);
      auto is = [&](Tag t) { return pd.src_desc() == memory::desc(dims, memory::data_type::f32, t); };
      if (is(Tag::nhwc)) return ConvBlocking::kChannelsLast;
      if (is(Tag::nChw16c)) return ConvBlocking::kBlocked16;
      if (is(Tag::nChw8c)) return ConvBlocking::kBlocked8;
    } catch (const dnnl::error&) {
    }
    return ConvBlocking::kPlain;
  }();
  return blocking;
}

std::vector<int64_t> ConvBlocked16Dims(int64_t n, int64_t c, int64_t h, int64_t w) {
  return {n, (c + 15) / 16, h, w, 16};
}

bool ConvWinogradEnabled() {
  const char* env = std::getenv("FERRY_CONV_WINOGRAD");
  return env && std::string(env) == "1";
}

bool ConvWinogradCandidate(int64_t in_channels, int64_t out_channels, int64_t kernel_h,
                           int64_t kernel_w, int64_t stride_h, int64_t stride_w,
                           int64_t dilation_h, int64_t dilation_w, int64_t groups) {
  return kernel_h == 3 && kernel_w == 3 && stride_h == 1 && stride_w == 1 && dilation_h == 1 &&
         dilation_w == 1 && groups == 1 && in_channels >= 64 && out_channels >= 64 &&
         in_channels % 16 == 0 && out_channels % 16 == 0 &&
         in_channels * out_channels * 9 * 4 <= 256 * 1024;
}

std::vector<int64_t> ConvBlockedDims(int64_t n, int64_t c, int64_t h, int64_t w) {
  switch (ConvPreferredBlocking()) {
    case ConvBlocking::kChannelsLast:
      return {n, 1, h, w, c};
    case ConvBlocking::kBlocked8:
      return {n, (c + 7) / 8, h, w, 8};
    case ConvBlocking::kBlocked16:
      return {n, (c + 15) / 16, h, w, 16};
    case ConvBlocking::kPlain:
      break;
  }
  return {};
}

}  // namespace ferry::kernels
