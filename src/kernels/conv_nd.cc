// N-D direct convolution: for each (output or input) spatial position an odometer over the
// kernel positions; the channel loops sit innermost-but-one so weights stream in order.
#include "kernels/conv_nd.h"

#include <algorithm>
#include <limits>

namespace ferry::kernels {
namespace {

int64_t Product(const std::vector<int64_t>& v) {
  int64_t n = 1;
  for (int64_t d : v) n *= d;
  return n;
}

// Advances the multi-index idx over dims; false after the last position.
bool Next(std::vector<int64_t>& idx, const std::vector<int64_t>& dims) {
  for (int d = static_cast<int>(dims.size()) - 1; d >= 0; --d) {
    if (++idx[d] < dims[d]) return true;
    idx[d] = 0;
  }
  return false;
}

// Flat offset of spatial position `a * stride + k * dilation - pad` in `dims`, or -1 when it
// lies outside.
int64_t Offset(const std::vector<int64_t>& a, const std::vector<int64_t>& k,
               const ConvNdParams& p, const std::vector<int64_t>& dims) {
  int64_t off = 0;
  for (size_t d = 0; d < dims.size(); ++d) {
    const int64_t c = a[d] * p.strides[d] + k[d] * p.dilations[d] - p.pads_begin[d];
    if (c < 0 || c >= dims[d]) return -1;
    off = off * dims[d] + c;
  }
  return off;
}

}  // namespace

void ConvNd(const ConvNdParams& p, const float* x, const float* w, const float* bias, float* y) {
  const int64_t in_size = Product(p.in), out_size = Product(p.out), k_size = Product(p.kernel);
  const int64_t cg = p.in_channels / p.groups, mg = p.out_channels / p.groups;
  const size_t r = p.in.size();
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t m = 0; m < p.out_channels; ++m) {
      const int64_t g = m / mg;
      float* yp = y + (n * p.out_channels + m) * out_size;
      std::fill(yp, yp + out_size, bias ? bias[m] : 0.0f);
      std::vector<int64_t> o(r, 0);
      for (int64_t oi = 0; oi < out_size; ++oi, Next(o, p.out)) {
        double acc = 0.0;
        std::vector<int64_t> k(r, 0);
        for (int64_t ki = 0; ki < k_size; ++ki, Next(k, p.kernel)) {
          const int64_t xo = Offset(o, k, p, p.in);
          if (xo < 0) continue;
          for (int64_t c = 0; c < cg; ++c)
            acc += static_cast<double>(x[(n * p.in_channels + g * cg + c) * in_size + xo]) *
                   w[(m * cg + c) * k_size + ki];
        }
        yp[oi] += static_cast<float>(acc);
      }
    }
}

void ConvTransposeNd(const ConvNdParams& p, const float* x, const float* w, const float* bias,
                     float* y) {
  const int64_t in_size = Product(p.in), out_size = Product(p.out), k_size = Product(p.kernel);
  const int64_t cg = p.in_channels / p.groups, mg = p.out_channels / p.groups;
  const size_t r = p.in.size();
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t m = 0; m < p.out_channels; ++m) {
      float* yp = y + (n * p.out_channels + m) * out_size;
      std::fill(yp, yp + out_size, bias ? bias[m] : 0.0f);
    }
    for (int64_t c = 0; c < p.in_channels; ++c) {
      const int64_t g = c / cg;
      const float* xp = x + (n * p.in_channels + c) * in_size;
      std::vector<int64_t> i(r, 0);
      for (int64_t ii = 0; ii < in_size; ++ii, Next(i, p.in)) {
        const float xv = xp[ii];
        std::vector<int64_t> k(r, 0);
        for (int64_t ki = 0; ki < k_size; ++ki, Next(k, p.kernel)) {
          const int64_t yo = Offset(i, k, p, p.out);
          if (yo < 0) continue;
          for (int64_t mm = 0; mm < mg; ++mm)
            y[(n * p.out_channels + g * mg + mm) * out_size + yo] +=
                xv * w[(c * mg + mm) * k_size + ki];
        }
      }
    }
  }
}

void PoolNd(bool max, const ConvNdParams& p, int64_t planes, const std::vector<int64_t>& pads_end,
            bool count_include_pad, const float* x, float* y) {
  const int64_t in_size = Product(p.in), out_size = Product(p.out), k_size = Product(p.kernel);
  const size_t r = p.in.size();
  for (int64_t c = 0; c < planes; ++c) {
    const float* xp = x + c * in_size;
    float* yp = y + c * out_size;
    std::vector<int64_t> o(r, 0);
    for (int64_t oi = 0; oi < out_size; ++oi, Next(o, p.out)) {
      double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
      int64_t count = 0;
      std::vector<int64_t> k(r, 0);
      for (int64_t ki = 0; ki < k_size; ++ki, Next(k, p.kernel)) {
        bool in_pads = true;
        for (size_t d = 0; d < r; ++d) {
          const int64_t c2 = o[d] * p.strides[d] + k[d] * p.dilations[d] - p.pads_begin[d];
          in_pads = in_pads && c2 >= -p.pads_begin[d] && c2 < p.in[d] + pads_end[d];
        }
        const int64_t xo = Offset(o, k, p, p.in);
        if (xo < 0) {
          if (count_include_pad && in_pads) ++count;
          continue;
        }
        ++count;
        acc = max ? std::max(acc, static_cast<double>(xp[xo])) : acc + xp[xo];
      }
      yp[oi] = static_cast<float>(max ? acc : (count ? acc / count : 0.0));
    }
  }
}

}  // namespace ferry::kernels
