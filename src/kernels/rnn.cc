#include "kernels/rnn.h"

#include <algorithm>
#include <cmath>

namespace ferry::kernels {

float RnnActivation::Apply(float v) const {
  if (name == "Sigmoid") return 1.0f / (1.0f + std::exp(-v));
  if (name == "Tanh") return std::tanh(v);
  if (name == "Relu") return std::max(0.0f, v);
  if (name == "HardSigmoid") return std::max(0.0f, std::min(1.0f, alpha * v + beta));
  if (name == "LeakyRelu") return v < 0 ? alpha * v : v;
  if (name == "Affine") return alpha * v + beta;
  if (name == "ScaledTanh") return alpha * std::tanh(beta * v);
  if (name == "Elu") return v < 0 ? alpha * (std::exp(v) - 1.0f) : v;
  if (name == "Softsign") return v / (1.0f + std::fabs(v));
  if (name == "Softplus") return std::log1p(std::exp(v));
  if (name == "ThresholdedRelu") return v > alpha ? v : 0.0f;
  return v;
}

Status Rnn(const RnnParams& p, const float* x, const float* w, const float* r, const float* b,
           const int64_t* seq_lens, const float* h0, const float* c0, const float* peephole,
           float* y, float* y_h, float* y_c) {
  const int gates = p.kind == RnnKind::kRnn ? 1 : p.kind == RnnKind::kGru ? 3 : 4;
  const int acts = p.kind == RnnKind::kLstm ? 3 : p.kind == RnnKind::kGru ? 2 : 1;
  if (static_cast<int>(p.activations.size()) != acts * p.directions)
    return InvalidArgument("expected " + std::to_string(acts * p.directions) + " activations");
  const int64_t H = p.hidden, B = p.batch, I = p.input, G = gates * H;
  auto x_at = [&](int64_t t, int64_t n) {
    return x + (p.batch_major ? (n * p.seq + t) : (t * B + n)) * I;
  };
  auto y_at = [&](int64_t t, int dir, int64_t n) {
    return y + (p.batch_major ? ((n * p.seq + t) * p.directions + dir)
                              : ((t * p.directions + dir) * B + n)) * H;
  };
  auto state_at = [&](float* s, int dir, int64_t n) {
    return s + (p.batch_major ? (n * p.directions + dir) : (dir * B + n)) * H;
  };
  if (y) std::fill(y, y + p.seq * p.directions * B * H, 0.0f);
  std::vector<float> h(H), c(H), pre(G), hr(H);
  for (int dir = 0; dir < p.directions; ++dir) {
    const bool backward = p.directions == 2 ? dir == 1 : p.reverse;
    const float* wd = w + dir * G * I;
    const float* rd = r + dir * G * H;
    const float* wb = b ? b + dir * 2 * G : nullptr;
    const float* rb = b ? wb + G : nullptr;
    const float* pd = peephole ? peephole + dir * 3 * H : nullptr;
    const RnnActivation* f = &p.activations[dir * acts];
    for (int64_t n = 0; n < B; ++n) {
      const int64_t len = seq_lens ? seq_lens[n] : p.seq;
      if (len < 0 || len > p.seq) return InvalidArgument("sequence_lens out of range");
      for (int64_t j = 0; j < H; ++j) {
        h[j] = h0 ? h0[(dir * B + n) * H + j] : 0.0f;
        c[j] = c0 ? c0[(dir * B + n) * H + j] : 0.0f;
      }
      for (int64_t s = 0; s < len; ++s) {
        const int64_t t = backward ? len - 1 - s : s;
        const float* xt = x_at(t, n);
        // pre = X_t W^T + Wb (+ H R^T + Rb, except GRU's h gate which needs r first).
        for (int64_t g = 0; g < G; ++g) {
          double acc = wb ? wb[g] : 0.0;
          for (int64_t k = 0; k < I; ++k) acc += static_cast<double>(xt[k]) * wd[g * I + k];
          const bool gru_h = p.kind == RnnKind::kGru && g >= 2 * H;
          if (!gru_h) {
            acc += rb ? rb[g] : 0.0;
            for (int64_t k = 0; k < H; ++k) acc += static_cast<double>(h[k]) * rd[g * H + k];
          }
          pre[g] = static_cast<float>(acc);
        }
        auto clip = [&](float v) { return p.clip > 0 ? std::min(p.clip, std::max(-p.clip, v)) : v; };
        if (p.kind == RnnKind::kRnn) {
          for (int64_t j = 0; j < H; ++j) h[j] = f[0].Apply(clip(pre[j]));
        } else if (p.kind == RnnKind::kGru) {
          std::vector<float> z(H), rg(H);
          for (int64_t j = 0; j < H; ++j) {
            z[j] = f[0].Apply(clip(pre[j]));
            rg[j] = f[0].Apply(clip(pre[H + j]));
          }
          for (int64_t j = 0; j < H; ++j) {
            const int64_t g = 2 * H + j;
            double rec = 0.0;
            if (p.linear_before_reset) {
              for (int64_t k = 0; k < H; ++k) rec += static_cast<double>(h[k]) * rd[g * H + k];
              rec = rg[j] * (rec + (rb ? rb[g] : 0.0));
            } else {
              for (int64_t k = 0; k < H; ++k)
                rec += static_cast<double>(rg[k] * h[k]) * rd[g * H + k];
              rec += rb ? rb[g] : 0.0;
            }
            hr[j] = f[1].Apply(clip(static_cast<float>(pre[g] + rec)));
          }
          for (int64_t j = 0; j < H; ++j) h[j] = (1.0f - z[j]) * hr[j] + z[j] * h[j];
        } else {
          for (int64_t j = 0; j < H; ++j) {
            const float pi = pd ? pd[j] : 0.0f, po = pd ? pd[H + j] : 0.0f,
                        pf = pd ? pd[2 * H + j] : 0.0f;
            const float i = f[0].Apply(clip(pre[j] + pi * c[j]));
            const float fg = p.input_forget ? 1.0f - i : f[0].Apply(clip(pre[2 * H + j] + pf * c[j]));
            const float cc = f[1].Apply(clip(pre[3 * H + j]));
            c[j] = fg * c[j] + i * cc;
            const float o = f[0].Apply(clip(pre[H + j] + po * c[j]));
            h[j] = o * f[2].Apply(c[j]);
          }
        }
        if (y) std::copy(h.begin(), h.end(), y_at(t, dir, n));
      }
      if (y_h) std::copy(h.begin(), h.end(), state_at(y_h, dir, n));
      if (y_c) std::copy(c.begin(), c.end(), state_at(y_c, dir, n));
    }
  }
  return Status::Ok();
}

}  // namespace ferry::kernels
