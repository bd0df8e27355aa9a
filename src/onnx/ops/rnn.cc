// ONNX RNN, GRU and LSTM (7, 14; layout from 14): inputs X, W, R, optional B, sequence_lens,
// initial_h (and initial_c, P for LSTM); outputs Y, Y_h (and Y_c), each optional. Attributes:
// direction (forward/reverse/bidirectional), hidden_size, activations with activation_alpha/
// activation_beta, clip, linear_before_reset (GRU), input_forget (LSTM), layout.
#include <string>

#include "kernels/rnn.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

using kernels::RnnKind;

// Defaults for alpha/beta of the activations that take them (ONNX RNN section "activations").
std::pair<float, float> DefaultAlphaBeta(const std::string& name) {
  if (name == "LeakyRelu") return {0.01f, 0.0f};
  if (name == "HardSigmoid") return {0.2f, 0.5f};
  if (name == "ThresholdedRelu" || name == "Elu") return {1.0f, 0.0f};
  if (name == "Affine" || name == "ScaledTanh") return {1.0f, 1.0f};
  return {0.0f, 0.0f};
}

template <RnnKind K>
class Recurrent final : public Op {
 public:
  explicit Recurrent(const NodeInfo& info) {
    const ir::Node& n = info.node();
    p_.kind = K;
    const std::string dir = n.GetString("direction", "forward");
    if (dir == "bidirectional")
      p_.directions = 2;
    else if (dir == "reverse")
      p_.reverse = true;
    else if (dir != "forward")
      init_status_ = info.Error("direction '" + dir + "' is not supported");
    p_.batch_major = n.GetInt("layout", 0) != 0;
    p_.clip = n.GetFloat("clip", 0.0f);
    p_.linear_before_reset = n.GetInt("linear_before_reset", 0) != 0;
    p_.input_forget = n.GetInt("input_forget", 0) != 0;
    hidden_size_ = n.GetInt("hidden_size", 0);
    std::vector<std::string> names;
    if (const ir::Attribute* a = n.attr("activations")) names = a->strings();
    const std::vector<std::string> defaults =
        K == RnnKind::kRnn   ? std::vector<std::string>{"Tanh"}
        : K == RnnKind::kGru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                             : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
    if (names.empty())
      for (int d = 0; d < p_.directions; ++d) names.insert(names.end(), defaults.begin(), defaults.end());
    if (names.size() != defaults.size() * p_.directions) {
      init_status_ = info.Error("attribute activations has " + std::to_string(names.size()) +
                                " names, expected " + std::to_string(defaults.size() * p_.directions));
      return;
    }
    const std::vector<float> alphas = n.GetFloats("activation_alpha");
    const std::vector<float> betas = n.GetFloats("activation_beta");
    static const char* kKnown[] = {"Sigmoid", "Tanh", "Relu", "HardSigmoid", "LeakyRelu",
                                   "Affine", "ScaledTanh", "Elu", "Softsign", "Softplus",
                                   "ThresholdedRelu"};
    for (size_t i = 0; i < names.size(); ++i) {
      bool known = false;
      for (const char* k : kKnown) known = known || names[i] == k;
      if (!known) init_status_ = info.Error("activation '" + names[i] + "' is not supported");
      auto [a, b] = DefaultAlphaBeta(names[i]);
      if (i < alphas.size()) a = alphas[i];
      if (i < betas.size()) b = betas[i];
      p_.activations.push_back({names[i], a, b});
    }
    for (int i = 0; i < info.num_outputs(); ++i)
      has_output_[i] = info.node().output(i) != nullptr;
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* w, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(const Tensor* r, RequiredInput(ctx, 2));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 0, 3));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, 3));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 2, 3));
    kernels::RnnParams p = p_;
    const int gates = K == RnnKind::kRnn ? 1 : K == RnnKind::kGru ? 3 : 4;
    p.seq = p.batch_major ? x->dim(1) : x->dim(0);
    p.batch = p.batch_major ? x->dim(0) : x->dim(1);
    p.input = x->dim(2);
    p.hidden = hidden_size_ ? hidden_size_ : r->dim(2);
    const int64_t H = p.hidden, D = p.directions;
    auto expect = [&](const Tensor* t, int i, std::vector<int64_t> dims) -> Status {
      if (t && t->shape().dims() != dims)
        return ctx.Error("input " + std::to_string(i) + " has shape " + t->shape().ToString() +
                         ", expected " + Shape(dims).ToString());
      if (t && i != 4) FERRY_RETURN_IF_ERROR(CheckDtype(ctx, i, {DataType::kFloat32}));
      return Status::Ok();
    };
    FERRY_RETURN_IF_ERROR(expect(w, 1, {D, gates * H, p.input}));
    FERRY_RETURN_IF_ERROR(expect(r, 2, {D, gates * H, H}));
    const Tensor* b = ctx.input(3);
    FERRY_RETURN_IF_ERROR(expect(b, 3, {D, 2 * gates * H}));
    std::vector<int64_t> lens;
    if (ctx.has_input(4)) {
      FERRY_ASSIGN_OR_RETURN(lens, IntValues(ctx, 4));
      if (static_cast<int64_t>(lens.size()) != p.batch)
        return ctx.Error("input 4 (sequence_lens) needs " + std::to_string(p.batch) + " values");
    }
    const std::vector<int64_t> state =
        p.batch_major ? std::vector<int64_t>{p.batch, D, H} : std::vector<int64_t>{D, p.batch, H};
    const Tensor* h0 = ctx.input(5);
    const Tensor* c0 = K == RnnKind::kLstm ? ctx.input(6) : nullptr;
    const Tensor* peep = K == RnnKind::kLstm ? ctx.input(7) : nullptr;
    // The kernel reads initial states as [dirs, batch, hidden]; batch-major ones are
    // transposed here.
    Tensor h0t, c0t;
    auto to_dir_major = [&](const Tensor* s, int i, Tensor* out) -> StatusOr<const float*> {
      if (!s) return static_cast<const float*>(nullptr);
      FERRY_RETURN_IF_ERROR(expect(s, i, state));
      if (!p.batch_major) return s->data<float>();
      *out = Tensor(DataType::kFloat32, Shape{D, p.batch, H});
      for (int64_t n = 0; n < p.batch; ++n)
        for (int64_t d = 0; d < D; ++d)
          for (int64_t j = 0; j < H; ++j)
            out->data<float>()[(d * p.batch + n) * H + j] = s->data<float>()[(n * D + d) * H + j];
      return static_cast<const float*>(out->data<float>());
    };
    FERRY_ASSIGN_OR_RETURN(const float* h0p, to_dir_major(h0, 5, &h0t));
    FERRY_ASSIGN_OR_RETURN(const float* c0p, to_dir_major(c0, 6, &c0t));
    FERRY_RETURN_IF_ERROR(expect(peep, 7, {D, 3 * H}));
    float* y = nullptr;
    float* y_h = nullptr;
    float* y_c = nullptr;
    if (has_output_[0]) {
      const Shape ys = p.batch_major ? Shape{p.batch, p.seq, D, H} : Shape{p.seq, D, p.batch, H};
      FERRY_ASSIGN_OR_RETURN(Tensor * t, ctx.Output(0, DataType::kFloat32, ys));
      y = t->data<float>();
    }
    if (ctx.num_outputs() > 1 && has_output_[1]) {
      FERRY_ASSIGN_OR_RETURN(Tensor * t, ctx.Output(1, DataType::kFloat32, Shape(state)));
      y_h = t->data<float>();
    }
    if (K == RnnKind::kLstm && ctx.num_outputs() > 2 && has_output_[2]) {
      FERRY_ASSIGN_OR_RETURN(Tensor * t, ctx.Output(2, DataType::kFloat32, Shape(state)));
      y_c = t->data<float>();
    }
    Status s = kernels::Rnn(p, x->data<float>(), w->data<float>(), r->data<float>(),
                            b ? b->data<float>() : nullptr, lens.empty() ? nullptr : lens.data(),
                            h0p, c0p, peep ? peep->data<float>() : nullptr, y, y_h, y_c);
    return s.ok() ? s : ctx.Error(s.message());
  }

 private:
  kernels::RnnParams p_;
  int64_t hidden_size_ = 0;
  bool has_output_[3] = {false, false, false};
};

}  // namespace

void RegisterRNN(OpSet& s) {
  for (int v : {1, 7, 14}) s.Add<Recurrent<RnnKind::kRnn>>("RNN", v);
}
void RegisterGRU(OpSet& s) {
  for (int v : {1, 3, 7, 14}) s.Add<Recurrent<RnnKind::kGru>>("GRU", v);
}
void RegisterLSTM(OpSet& s) {
  for (int v : {1, 7, 14}) s.Add<Recurrent<RnnKind::kLstm>>("LSTM", v);
}

}  // namespace ferry::onnx::ops
