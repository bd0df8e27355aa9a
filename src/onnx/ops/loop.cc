// ONNX Loop (1, 11, 13, 16). Inputs: M (optional int64 trip count), cond (optional bool),
// then N loop-carried values; the body takes (iteration_num, cond, v_1..v_N) and returns
// (cond, v_1..v_N, scan_1..scan_K). The node returns the final v_1..v_N and every scan_k
// stacked along a new first axis (onnx Operators.md, Loop: "for (int i=0; i < max_trip_count
// && keepgoing; ++i)"). Loop-carried values may be sequences (13) or optionals (16).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Loop final : public Op {
 public:
  explicit Loop(const NodeInfo& info) {
    auto body = GraphAttr(info, "body");
    if (!body.ok()) {
      init_status_ = body.status();
      return;
    }
    body_ = *body;
    num_carried_ = info.num_inputs() - 2;
    const int body_inputs = static_cast<int>(body_->inputs().size());
    const int body_outputs = static_cast<int>(body_->outputs().size());
    if (num_carried_ < 0 || body_inputs != num_carried_ + 2 || body_outputs < num_carried_ + 1 ||
        info.num_outputs() != body_outputs - 1)
      init_status_ = info.Error(
          "body takes " + std::to_string(body_inputs) + " inputs and gives " +
          std::to_string(body_outputs) + " outputs; with " + std::to_string(info.num_inputs()) +
          " node inputs and " + std::to_string(info.num_outputs()) +
          " node outputs it should take N+2 and give N+K+1 (N loop-carried, K scan outputs)");
  }

  Status Run(OpContext& ctx) const override {
    int64_t max_trips = -1;  // -1: no trip count
    if (const Tensor* m = ctx.input(0)) {
      if (m->NumElements() != 1 || !IsInteger(m->dtype()))
        return ctx.Error("M must be one integer, got " + m->DebugString());
      max_trips = m->GetAsInt64(0);
    }
    bool keep_going = true;
    if (const Tensor* c = ctx.input(1)) {
      if (c->NumElements() != 1 || c->dtype() == DataType::kString)
        return ctx.Error("cond must hold one boolean, got " + c->DebugString());
      keep_going = c->GetAsDouble(0) != 0.0;
    }
    std::vector<Value> carried;
    for (int i = 0; i < num_carried_; ++i) {
      const Value* v = ctx.input_value(2 + i);
      if (!v) return ctx.Error("loop-carried input " + std::to_string(2 + i) + " is missing");
      carried.push_back(*v);
    }
    const int num_scan = ctx.num_outputs() - num_carried_;
    std::vector<std::vector<Tensor>> scans(num_scan);

    for (int64_t i = 0; (max_trips < 0 || i < max_trips) && keep_going; ++i) {
      std::vector<Value> in;
      in.reserve(num_carried_ + 2);
      in.emplace_back(Tensor::Scalar<int64_t>(i));
      in.emplace_back(Tensor::Scalar<bool>(keep_going));
      in.insert(in.end(), carried.begin(), carried.end());
      FERRY_ASSIGN_OR_RETURN(std::vector<Value> out, ctx.RunSubgraph(*body_, in));
      const Tensor& cond = out[0].tensor();
      if (!out[0].is_tensor() || cond.NumElements() != 1 || cond.dtype() == DataType::kString)
        return ctx.Error("body output 0 (cond) must hold one boolean, got " +
                         out[0].DebugString());
      keep_going = cond.GetAsDouble(0) != 0.0;
      for (int k = 0; k < num_carried_; ++k) carried[k] = std::move(out[1 + k]);
      for (int k = 0; k < num_scan; ++k) {
        const Value& s = out[1 + num_carried_ + k];
        if (!s.is_tensor())
          return ctx.Error("scan output " + std::to_string(k) + " is a " +
                           runtime::KindName(s.kind()) + ", expected a tensor");
        scans[k].push_back(s.tensor());
      }
    }

    for (int k = 0; k < num_carried_; ++k) ctx.SetOutputValue(k, std::move(carried[k]));
    for (int k = 0; k < num_scan; ++k) {
      if (scans[k].empty()) {
        // No iteration: an empty tensor of the body's declared dtype (float when untyped).
        const ir::Value* decl = body_->outputs()[1 + num_carried_ + k];
        const DataType dt =
            decl->dtype() == DataType::kUndefined ? DataType::kFloat32 : decl->dtype();
        FERRY_RETURN_IF_ERROR(ctx.Output(num_carried_ + k, dt, Shape({0})).status());
        continue;
      }
      FERRY_ASSIGN_OR_RETURN(
          Tensor joined,
          JoinTensors(scans[k], 0, true,
                      ctx.node().Describe() + ": scan output " + std::to_string(k)));
      ctx.SetOutput(num_carried_ + k, std::move(joined));
    }
    return Status::Ok();
  }

 private:
  const ir::Graph* body_ = nullptr;
  int num_carried_ = 0;
};

}  // namespace

void RegisterLoop(OpSet& s) {
  for (int v : {1, 11, 13, 16}) s.Add<Loop>("Loop", v);
}

}  // namespace ferry::onnx::ops
