// ONNX Scan (8, 9, 11, 16). The body runs once per step of the scan inputs; it takes the N
// state values and one slice of each of the M scan inputs and gives N new states and K scan
// outputs, which are stacked along a scan axis (onnx Operators.md, Scan).
// Scan-8 has a leading batch axis on every state and scan input, an optional sequence_lens
// input and one `directions` attribute; Scan-9 drops the batch axis and adds per-input axes
// and directions (negative axes from 11).
#include <algorithm>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Scan final : public Op {
 public:
  explicit Scan(const NodeInfo& info) : batched_(info.opset() < 9) {
    auto body = GraphAttr(info, "body");
    if (!body.ok()) {
      init_status_ = body.status();
      return;
    }
    body_ = *body;
    const ir::Node& n = info.node();
    num_scan_in_ = n.GetInt("num_scan_inputs", -1);
    const int first = batched_ ? 1 : 0;  // Scan-8's input 0 is sequence_lens
    num_states_ = info.num_inputs() - first - static_cast<int>(num_scan_in_);
    num_scan_out_ = info.num_outputs() - num_states_;
    if (num_scan_in_ < 1 || num_states_ < 0 || num_scan_out_ < 0) {
      init_status_ = info.Error("attribute num_scan_inputs=" + std::to_string(num_scan_in_) +
                                " does not fit " + std::to_string(info.num_inputs()) + " inputs");
      return;
    }
    if (static_cast<int>(body_->inputs().size()) != num_states_ + num_scan_in_ ||
        static_cast<int>(body_->outputs().size()) != num_states_ + num_scan_out_) {
      init_status_ = info.Error("body takes " + std::to_string(body_->inputs().size()) +
                                " inputs and gives " + std::to_string(body_->outputs().size()) +
                                " outputs; expected " +
                                std::to_string(num_states_ + num_scan_in_) + " and " +
                                std::to_string(num_states_ + num_scan_out_));
      return;
    }
    in_dirs_ = n.GetInts(batched_ ? "directions" : "scan_input_directions",
                         std::vector<int64_t>(num_scan_in_, 0));
    in_axes_ = n.GetInts("scan_input_axes", std::vector<int64_t>(num_scan_in_, 0));
    out_dirs_ = n.GetInts("scan_output_directions", std::vector<int64_t>(num_scan_out_, 0));
    out_axes_ = n.GetInts("scan_output_axes", std::vector<int64_t>(num_scan_out_, 0));
    if (static_cast<int64_t>(in_dirs_.size()) != num_scan_in_ ||
        static_cast<int64_t>(in_axes_.size()) != num_scan_in_ ||
        static_cast<int>(out_dirs_.size()) != num_scan_out_ ||
        static_cast<int>(out_axes_.size()) != num_scan_out_)
      init_status_ = info.Error("scan axes/directions attributes do not match " +
                                std::to_string(num_scan_in_) + " scan inputs and " +
                                std::to_string(num_scan_out_) + " scan outputs");
  }

  Status Run(OpContext& ctx) const override {
    const int first = batched_ ? 1 : 0;
    std::vector<Tensor> states, xs;
    for (int i = 0; i < num_states_ + num_scan_in_; ++i) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* t, RequiredInput(ctx, first + i));
      (i < num_states_ ? states : xs).push_back(*t);
    }
    if (!batched_) {
      std::vector<Tensor> scan_outs;
      FERRY_RETURN_IF_ERROR(Iterate(ctx, &states, xs, -1, &scan_outs));
      for (int k = 0; k < num_states_; ++k) ctx.SetOutput(k, states[k]);
      for (int k = 0; k < num_scan_out_; ++k) ctx.SetOutput(num_states_ + k, scan_outs[k]);
      return Status::Ok();
    }
    // Scan-8: every state and scan input starts with the batch axis; each batch entry is
    // scanned on its own and the results are stacked again.
    int64_t batch = -1;
    for (const Tensor& t : states) batch = t.rank() > 0 ? t.dim(0) : -1;
    for (const Tensor& t : xs) {
      if (t.rank() < 2 || (batch >= 0 && t.dim(0) != batch))
        return ctx.Error("scan input " + t.DebugString() + " needs [batch, sequence, ...]");
      batch = t.dim(0);
    }
    std::vector<int64_t> lens;
    if (const Tensor* sl = ctx.input(0)) lens = sl->ToInt64Vector();
    std::vector<std::vector<Tensor>> out_parts(num_states_ + num_scan_out_);
    for (int64_t b = 0; b < batch; ++b) {
      std::vector<Tensor> s, x;
      for (const Tensor& t : states) s.push_back(TakeAlongAxis(t, 0, b));
      for (const Tensor& t : xs) x.push_back(TakeAlongAxis(t, 0, b));
      const int64_t len = lens.empty() ? -1 : lens[std::min<size_t>(b, lens.size() - 1)];
      std::vector<Tensor> scan_outs;
      FERRY_RETURN_IF_ERROR(Iterate(ctx, &s, x, len, &scan_outs));
      for (int k = 0; k < num_states_; ++k) out_parts[k].push_back(s[k]);
      for (int k = 0; k < num_scan_out_; ++k) out_parts[num_states_ + k].push_back(scan_outs[k]);
    }
    if (batch <= 0) return ctx.Error("batch size 0 is not supported");
    for (size_t k = 0; k < out_parts.size(); ++k) {
      FERRY_ASSIGN_OR_RETURN(Tensor y, JoinTensors(out_parts[k], 0, true, ctx.node().Describe()));
      ctx.SetOutput(static_cast<int>(k), std::move(y));
    }
    return Status::Ok();
  }

 private:
  // Runs the body over the scan inputs `xs` (len: the sequence length, -1 for the whole
  // axis; Scan-8's sequence_lens must cover every step, since padding is not defined here).
  Status Iterate(const OpContext& ctx, std::vector<Tensor>* states, const std::vector<Tensor>& xs,
                 int64_t len, std::vector<Tensor>* scan_outs) const {
    std::vector<int> axes;
    int64_t steps = -1;
    for (int j = 0; j < num_scan_in_; ++j) {
      FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(in_axes_[j], xs[j].rank(),
                                                     ctx.node().Describe() + " scan_input_axes"));
      axes.push_back(axis);
      if (steps >= 0 && xs[j].dim(axis) != steps)
        return ctx.Error("scan inputs have different sequence lengths " +
                         std::to_string(steps) + " and " + std::to_string(xs[j].dim(axis)));
      steps = xs[j].dim(axis);
    }
    if (len >= 0 && len != steps)
      return Unimplemented(ctx.node().Describe() + ": sequence_lens " + std::to_string(len) +
                           " shorter than the sequence axis " + std::to_string(steps));
    if (steps <= 0) return Unimplemented(ctx.node().Describe() + ": a scan of 0 steps");
    std::vector<std::vector<Tensor>> parts(num_scan_out_);
    for (int64_t t = 0; t < steps; ++t) {
      std::vector<Value> in;
      for (const Tensor& s : *states) in.emplace_back(s);
      for (int j = 0; j < num_scan_in_; ++j)
        in.emplace_back(TakeAlongAxis(xs[j], axes[j], in_dirs_[j] ? steps - 1 - t : t));
      FERRY_ASSIGN_OR_RETURN(std::vector<Value> out, ctx.RunSubgraph(*body_, in));
      for (size_t k = 0; k < out.size(); ++k)
        if (!out[k].is_tensor())
          return ctx.Error("body output " + std::to_string(k) + " is a " +
                           runtime::KindName(out[k].kind()) + ", expected a tensor");
      for (int k = 0; k < num_states_; ++k) (*states)[k] = out[k].tensor();
      for (int k = 0; k < num_scan_out_; ++k) parts[k].push_back(out[num_states_ + k].tensor());
    }
    scan_outs->clear();
    for (int k = 0; k < num_scan_out_; ++k) {
      // A reversed scan output is prepended to: its last step comes first.
      if (out_dirs_[k]) std::reverse(parts[k].begin(), parts[k].end());
      FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(out_axes_[k], parts[k][0].rank() + 1,
                                                     ctx.node().Describe() + " scan_output_axes"));
      FERRY_ASSIGN_OR_RETURN(Tensor y, JoinTensors(parts[k], axis, true, ctx.node().Describe()));
      scan_outs->push_back(std::move(y));
    }
    return Status::Ok();
  }

  const bool batched_;
  const ir::Graph* body_ = nullptr;
  int64_t num_scan_in_ = 0;
  int num_states_ = 0;
  int num_scan_out_ = 0;
  std::vector<int64_t> in_dirs_, in_axes_, out_dirs_, out_axes_;
};

}  // namespace

void RegisterScan(OpSet& s) {
  for (int v : {8, 9, 11, 16}) s.Add<Scan>("Scan", v);
}

}  // namespace ferry::onnx::ops
