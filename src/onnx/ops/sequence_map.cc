// ONNX SequenceMap (17): runs `body` once per element of the input sequence. Body input 0 is
// that element; every further input is the same element of another sequence, or a tensor
// passed as it is. Each body output k is collected into output sequence k (onnx
// Operators.md).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class SequenceMap final : public Op {
 public:
  explicit SequenceMap(const NodeInfo& info) {
    auto body = GraphAttr(info, "body");
    if (!body.ok()) {
      init_status_ = body.status();
      return;
    }
    body_ = *body;
    if (static_cast<int>(body_->inputs().size()) != info.num_inputs() ||
        static_cast<int>(body_->outputs().size()) != info.num_outputs())
      init_status_ = info.Error("body takes " + std::to_string(body_->inputs().size()) +
                                " inputs and gives " + std::to_string(body_->outputs().size()) +
                                " outputs; the node has " + std::to_string(info.num_inputs()) +
                                " and " + std::to_string(info.num_outputs()));
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Value* seq, SequenceInput(ctx, 0));
    const size_t n = seq->items().size();
    std::vector<const Value*> extra;
    for (int i = 1; i < ctx.num_inputs(); ++i) {
      const Value* v = ctx.input_value(i);
      if (!v || !(v->is_tensor() || v->is_sequence()))
        return ctx.Error("input " + std::to_string(i) + " must be a tensor or a sequence");
      if (v->is_sequence() && v->items().size() != n)
        return ctx.Error("input " + std::to_string(i) + " has " +
                         std::to_string(v->items().size()) + " elements, input 0 has " +
                         std::to_string(n));
      extra.push_back(v);
    }
    std::vector<std::vector<Tensor>> outs(ctx.num_outputs());
    std::vector<DataType> dtypes(ctx.num_outputs(), DataType::kUndefined);
    for (int k = 0; k < ctx.num_outputs(); ++k) dtypes[k] = body_->outputs()[k]->dtype();
    for (size_t e = 0; e < n; ++e) {
      std::vector<Value> in{Value(seq->items()[e])};
      for (const Value* v : extra) in.push_back(v->is_sequence() ? Value(v->items()[e]) : *v);
      FERRY_ASSIGN_OR_RETURN(std::vector<Value> out, ctx.RunSubgraph(*body_, in));
      for (size_t k = 0; k < out.size(); ++k) {
        if (!out[k].is_tensor())
          return ctx.Error("body output " + std::to_string(k) + " is a " +
                           runtime::KindName(out[k].kind()) + ", expected a tensor");
        dtypes[k] = out[k].tensor().dtype();
        outs[k].push_back(out[k].tensor());
      }
    }
    for (int k = 0; k < ctx.num_outputs(); ++k)
      ctx.SetOutputSequence(k, dtypes[k], std::move(outs[k]));
    return Status::Ok();
  }

 private:
  const ir::Graph* body_ = nullptr;
};

}  // namespace

void RegisterSequenceMap(OpSet& s) { s.Add<SequenceMap>("SequenceMap", 17); }

}  // namespace ferry::onnx::ops
