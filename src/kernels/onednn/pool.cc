// Pool2D through oneDNN's pooling_v2_forward (dilated pooling). oneDNN's include-padding
// average divides by the whole kernel, so windows hanging past the right padding (ceil mode)
// with count_include_pad go through the reference loops instead.
#include "kernels/pool.h"

#include <map>
#include <memory>
#include <string>

#include "kernels/channels_last.h"
#include "kernels/onednn/context.h"
#include "kernels/reference/pool.h"

namespace ferry::kernels {
namespace {

using dnnl::memory;

// Extra right/bottom padding that makes oneDNN produce `out` windows.
int64_t CeilExtra(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe,
                  int64_t out) {
  const int64_t need = (out - 1) * s + d * (k - 1) + 1;
  const int64_t have = in + pb + pe;
  return need > have ? need - have : 0;
}

}  // namespace

Status Pool2D(const PoolParams& p, const float* x, float* y, int num_threads) {
  FERRY_RETURN_IF_ERROR(p.Validate());
  if (p.batch == 0) return Status::Ok();
  // Channels-last max pooling is a plain loop: oneDNN's jit pooling takes 1.4-2x as long on
  // ResNet-18's stem (112x112x64 -> 56x56, batch 1 and 8).
  if (p.kind == PoolKind::kMax && p.layout == Layout::kNHWC) {
    MaxPool2DChannelsLast(p, x, y, num_threads);
    return Status::Ok();
  }
  const int64_t extra_h =
      CeilExtra(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.pad_top, p.pad_bottom, p.out_h);
  const int64_t extra_w =
      CeilExtra(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.pad_left, p.pad_right, p.out_w);
  if (p.kind == PoolKind::kAverage && p.count_include_pad && (extra_h || extra_w)) {
    reference::Pool2D(p, x, y);
    return Status::Ok();
  }
  onednn::Context::SetNumThreads(num_threads);
  try {
    const auto& eng = onednn::Context::Engine();
    const auto tag =
        p.layout == Layout::kNCHW ? memory::format_tag::nchw : memory::format_tag::nhwc;
    memory::desc src({p.batch, p.channels, p.in_h, p.in_w}, memory::data_type::f32, tag);
    memory::desc dst({p.batch, p.channels, p.out_h, p.out_w}, memory::data_type::f32, tag);
    // Creating the primitive costs about as much as pooling a small image: keep it per
    // thread and shape (each thread its own, as in conv.cc).
    struct Prepared {
      dnnl::pooling_v2_forward::primitive_desc pd;
      dnnl::pooling_v2_forward prim;
    };
    thread_local std::map<std::string, std::shared_ptr<Prepared>> cache;
    const std::string key = p.ToString() + " " + std::to_string(extra_h) + "," +
                            std::to_string(extra_w);
    auto it = cache.find(key);
    if (it == cache.end()) {
      const auto alg = p.kind == PoolKind::kMax ? dnnl::algorithm::pooling_max
                       : p.count_include_pad    ? dnnl::algorithm::pooling_avg_include_padding
                                                : dnnl::algorithm::pooling_avg_exclude_padding;
      dnnl::pooling_v2_forward::desc desc(
          dnnl::prop_kind::forward_inference, alg, src, dst, {p.stride_h, p.stride_w},
          {p.kernel_h, p.kernel_w}, {p.dilation_h - 1, p.dilation_w - 1},
          {p.pad_top, p.pad_left}, {p.pad_bottom + extra_h, p.pad_right + extra_w});
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);  // see Context::Scratchpad
      auto pr = std::make_shared<Prepared>();
      pr->pd = dnnl::pooling_v2_forward::primitive_desc(desc, attr, eng);
      pr->prim = dnnl::pooling_v2_forward(pr->pd);
      if (cache.size() > 256) cache.clear();
      it = cache.emplace(key, std::move(pr)).first;
    }
    const Prepared& pr = *it->second;
    auto& stream = onednn::Context::Stream();
    memory src_m(src, eng, const_cast<float*>(x)), dst_m(dst, eng, y);
    pr.prim.execute(stream,
                    {{DNNL_ARG_SRC, src_m},
                     {DNNL_ARG_DST, dst_m},
                     {DNNL_ARG_SCRATCHPAD, onednn::Context::Scratchpad(pr.pd.scratchpad_desc())}});
    stream.wait();
    return Status::Ok();
  } catch (const dnnl::error&) {
    // oneDNN rejects some legal shapes (pads as large as the kernel): use the loops.
    reference::Pool2D(p, x, y);
    return Status::Ok();
  }
}

void GlobalAveragePool(Layout layout, int64_t batch, int64_t channels, int64_t spatial,
                       const float* x, float* y) {
  const float inv = spatial ? 1.0f / static_cast<float>(spatial) : 0.0f;
  if (layout == Layout::kNCHW) {
    for (int64_t i = 0; i < batch * channels; ++i) {
      const float* p = x + i * spatial;
      float sum = 0.0f;
      for (int64_t s = 0; s < spatial; ++s) sum += p[s];
      y[i] = sum * inv;
    }
    return;
  }
  for (int64_t n = 0; n < batch; ++n) {
    float* out = y + n * channels;
    for (int64_t c = 0; c < channels; ++c) out[c] = 0.0f;
    for (int64_t s = 0; s < spatial; ++s) {
      const float* p = x + (n * spatial + s) * channels;
      for (int64_t c = 0; c < channels; ++c) out[c] += p[c];
    }
    for (int64_t c = 0; c < channels; ++c) out[c] *= inv;
  }
}

}  // namespace ferry::kernels
