// ONNX recurrent layers (RNN-14, GRU-14, LSTM-14) on float data, one time step at a time:
// per step and direction, the gate pre-activations X_t W^T + H_{t-1} R^T + biases, then the
// cell update of the op's spec section. Plain loops; the op tests check them against hand
// computations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace ferry::kernels {

enum class RnnKind { kRnn, kGru, kLstm };

// One activation of the spec's list (Sigmoid, Tanh, Relu, HardSigmoid, LeakyRelu, Affine,
// ScaledTanh, Elu, Softsign, Softplus, ThresholdedRelu) with its alpha/beta.
struct RnnActivation {
  std::string name;
  float alpha = 0.0f;
  float beta = 0.0f;
  float Apply(float v) const;
};

struct RnnParams {
  RnnKind kind = RnnKind::kRnn;
  int64_t seq = 0, batch = 0, input = 0, hidden = 0;
  int directions = 1;
  bool reverse = false;        // a single direction running backwards
  bool batch_major = false;    // layout = 1: X [batch, seq, input], Y [batch, seq, dirs, hidden]
  float clip = 0.0f;           // > 0: gate pre-activations clipped to [-clip, clip]
  bool linear_before_reset = false;  // GRU
  bool input_forget = false;         // LSTM: f = 1 - i
  // Per direction: f, g (and h for LSTM) as the spec names them.
  std::vector<RnnActivation> activations;
};

// Gates per kind: 1 (RNN), 3 (GRU: z, r, h), 4 (LSTM: i, o, f, c). w [dirs, gates * hidden,
// input], r [dirs, gates * hidden, hidden], b [dirs, 2 * gates * hidden] or null, seq_lens
// [batch] or null, h0/c0 [dirs, batch, hidden] or null, peephole [dirs, 3 * hidden] or null.
// Outputs may be null: y [seq, dirs, batch, hidden] (layout 0), y_h and y_c [dirs, batch,
// hidden] (layout 0; [batch, dirs, hidden] for layout 1).
Status Rnn(const RnnParams& p, const float* x, const float* w, const float* r, const float* b,
           const int64_t* seq_lens, const float* h0, const float* c0, const float* peephole,
           float* y, float* y_h, float* y_c);

}  // namespace ferry::kernels
