// nn.LSTM / nn.GRU: aten::lstm(input, hx[], params[], has_biases, num_layers, dropout, train,
// bidirectional, batch_first) and aten::gru(input, hx, params[], ...) -> one ONNX LSTM/GRU per
// layer. Differences handled here (ONNX operators.md, LSTM and GRU):
//  - gate order: torch's LSTM rows are (i, f, g, o), ONNX's (i, o, f, c); torch's GRU
//    (r, z, n), ONNX's (z, r, h). Weights are constants after freezing and are reordered.
//  - ONNX B is [Wb, Rb] per direction; torch GRU is ONNX GRU with linear_before_reset=1.
//  - ONNX Y is [T, dirs, B, H]; torch's output is [T, B, dirs*H] (batch_first: [B, T, ...]).
#include <cstring>

#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

// Rows of w ([G*H, ...] or [G*H]) regrouped by gate: new gate k = old gate order[k].
Tensor ReorderGates(const Tensor& w, const std::vector<int>& order) {
  const int64_t gates = static_cast<int64_t>(order.size());
  const int64_t rows = w.shape().dims()[0];
  const int64_t per_gate = rows / gates;
  const size_t row_bytes = w.NumBytes() / static_cast<size_t>(rows);
  Tensor out = Tensor::Zeros(w.dtype(), w.shape());
  for (int64_t k = 0; k < gates; ++k) {
    std::memcpy(static_cast<char*>(out.raw_data()) + k * per_gate * row_bytes,
                static_cast<const char*>(w.raw_data()) + order[k] * per_gate * row_bytes,
                per_gate * row_bytes);
  }
  return out;
}

// Stacks same-shaped tensors along a new leading axis.
Tensor StackTensors(const std::vector<Tensor>& ts) {
  std::vector<int64_t> dims = ts[0].shape().dims();
  dims.insert(dims.begin(), static_cast<int64_t>(ts.size()));
  Tensor out = Tensor::Zeros(ts[0].dtype(), Shape(dims));
  size_t off = 0;
  for (const Tensor& t : ts) {
    std::memcpy(static_cast<char*>(out.raw_data()) + off, t.raw_data(), t.NumBytes());
    off += t.NumBytes();
  }
  return out;
}

Tensor ConcatRows(const Tensor& a, const Tensor& b) {  // two 1-D tensors
  Tensor out = Tensor::Zeros(a.dtype(), Shape({a.NumElements() + b.NumElements()}));
  std::memcpy(out.raw_data(), a.raw_data(), a.NumBytes());
  std::memcpy(static_cast<char*>(out.raw_data()) + a.NumBytes(), b.raw_data(), b.NumBytes());
  return out;
}

Status Rnn(Ctx& ctx, bool lstm) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(bool has_biases, ctx.RequireBool(3, "has_biases"));
  FERRY_ASSIGN_OR_RETURN(int64_t layers, ctx.RequireInt(4, "num_layers"));
  FERRY_ASSIGN_OR_RETURN(bool train, ctx.RequireBool(6, "train"));
  FERRY_ASSIGN_OR_RETURN(bool bidir, ctx.RequireBool(7, "bidirectional"));
  FERRY_ASSIGN_OR_RETURN(bool batch_first, ctx.RequireBool(8, "batch_first"));
  if (train) return ctx.Error("a training-mode RNN cannot be exported");
  std::vector<Tensor> params = ctx.in_value(2).tensors;  // constant-folded list
  if (params.empty()) {
    auto param_ids = ctx.ListElements(2);
    if (!param_ids) return ctx.Error("params must be a list of constant tensors");
    for (int id : *param_ids) {
      const AtenValue& v = ctx.aten().values[id];
      if (!v.constant) return ctx.Error("parameter '" + v.name + "' is not a constant");
      params.push_back(*v.constant);
    }
  }
  for (const Tensor& p : params) {
    if (p.dtype() != DataType::kFloat32) return ctx.Error("parameters must be float32");
  }
  const int dirs = bidir ? 2 : 1;
  const int per = has_biases ? 4 : 2;
  if (static_cast<int64_t>(params.size()) != layers * dirs * per) {
    return ctx.Error("expected " + std::to_string(layers * dirs * per) + " parameters, got " +
                     std::to_string(params.size()));
  }
  const int gates = lstm ? 4 : 3;
  const int64_t hidden = params[1].shape().dims()[1];
  const std::vector<int> order = lstm ? std::vector<int>{0, 3, 1, 2} : std::vector<int>{1, 0, 2};

  // Initial states: [layers*dirs, B, H]; sliced per layer below.
  ir::Value* h0 = nullptr;
  ir::Value* c0 = nullptr;
  if (lstm) {
    FERRY_ASSIGN_OR_RETURN(std::vector<ir::Value*> hx, ctx.InList(1));
    if (hx.size() != 2) return ctx.Error("hx must hold (h0, c0)");
    h0 = hx[0];
    c0 = hx[1];
  } else if (!ctx.IsNone(1)) {
    FERRY_ASSIGN_OR_RETURN(h0, ctx.In(1));
  }

  if (batch_first)
    x = ctx.Op("Transpose", {x}, {{"perm", ir::Attribute::Ints({1, 0, 2})}}, DataType::kUndefined,
               3);
  std::vector<ir::Value*> hs, cs;
  for (int64_t l = 0; l < layers; ++l) {
    std::vector<Tensor> ws, rs, bs;
    for (int d = 0; d < dirs; ++d) {
      const size_t base = static_cast<size_t>((l * dirs + d) * per);
      ws.push_back(ReorderGates(params[base], order));
      rs.push_back(ReorderGates(params[base + 1], order));
      if (has_biases) {
        bs.push_back(ConcatRows(ReorderGates(params[base + 2], order),
                                ReorderGates(params[base + 3], order)));
      } else {
        bs.push_back(Tensor::Zeros(DataType::kFloat32, Shape({2 * gates * hidden})));
      }
    }
    auto layer_state = [&](ir::Value* s) -> ir::Value* {
      if (s == nullptr) return nullptr;
      return ctx.Op(
          "Slice",
          {s, ctx.ConstInts({l * dirs}), ctx.ConstInts({(l + 1) * dirs}), ctx.ConstInts({0})}, {},
          DataType::kUndefined, 3);
    };
    std::vector<ir::Value*> ins = {x,
                                   ctx.Const(StackTensors(ws), "rnn_W"),
                                   ctx.Const(StackTensors(rs), "rnn_R"),
                                   ctx.Const(StackTensors(bs), "rnn_B"),
                                   nullptr,
                                   layer_state(h0)};
    if (lstm) ins.push_back(layer_state(c0));
    while (ins.back() == nullptr) ins.pop_back();
    std::map<std::string, ir::Attribute> attrs = {
        {"hidden_size", ir::Attribute::Int(hidden)},
        {"direction", ir::Attribute::String(bidir ? "bidirectional" : "forward")}};
    if (!lstm) attrs["linear_before_reset"] = ir::Attribute::Int(1);
    std::vector<ir::Value*> outs =
        ctx.Ops(lstm ? "LSTM" : "GRU", ins, std::move(attrs), lstm ? 3 : 2, DataType::kFloat32, 4);
    // [T, dirs, B, H] -> [T, B, dirs, H] -> [T, B, dirs*H]
    ir::Value* y = ctx.Op("Transpose", {outs[0]}, {{"perm", ir::Attribute::Ints({0, 2, 1, 3})}});
    x = ctx.Op("Reshape", {y, ctx.ConstInts({0, 0, -1})}, {}, DataType::kFloat32, 3);
    hs.push_back(outs[1]);
    if (lstm) cs.push_back(outs[2]);
  }
  if (batch_first)
    x = ctx.Op("Transpose", {x}, {{"perm", ir::Attribute::Ints({1, 0, 2})}}, DataType::kUndefined,
               3);
  auto cat = [&](const std::vector<ir::Value*>& v) {
    return v.size() == 1 ? v[0] : ctx.Op("Concat", v, {{"axis", ir::Attribute::Int(0)}});
  };
  ctx.SetOutput(0, x);
  ctx.SetOutput(1, cat(hs));
  if (lstm) ctx.SetOutput(2, cat(cs));
  return Status::Ok();
}

Status Lstm(Ctx& ctx) { return Rnn(ctx, true); }
Status Gru(Ctx& ctx) { return Rnn(ctx, false); }

}  // namespace

void RegisterRnnOps(OpTable& t) {
  t.Add("aten::lstm", Lstm);
  t.Add("aten::gru", Gru);
}

}  // namespace ferry::convert::torch_to_onnx
