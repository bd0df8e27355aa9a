// ONNX RNN, GRU, LSTM (7, 14) -> the recurrence unrolled over the (static) sequence length
// into MatMul (transpose_b), AddV2, Mul, Sub and the gate activations: TF's block LSTM/GRU
// ops are not in TF.js, while these run everywhere. Per ONNX (operators.md, gate order):
//   RNN:  H = f(X W^T + H R^T + Wb + Rb)                                     f = Tanh
//   GRU:  z = f(X Wz^T + H Rz^T + Wbz + Rbz), r likewise,                     f = Sigmoid,
//         h~ = g(X Wh^T + (r * H) Rh^T + Rbh + Wbh)   (linear_before_reset 0)  g = Tanh
//         h~ = g(X Wh^T + r * (H Rh^T + Rbh) + Wbh)   (linear_before_reset 1)
//         H = (1 - z) * h~ + z * H
//   LSTM: i = f(X Wi^T + H Ri^T + Pi * C + Wbi + Rbi), f = f(... + Pf * C ...), c~ = g(...),
//         C = f * C + i * c~, o = f(... + Po * C), H = o * h(C)       f, g, h = Sigmoid, Tanh, Tanh
// Directions forward, reverse and bidirectional; layout 0 ([T, B, I]) and 1 ([B, T, I]);
// sequence_lens masks the steps past each sequence's end (H and C keep their value, Y is 0)
// in the forward direction. Activations Sigmoid, Tanh and Relu; clip and input_forget have no
// lowering here and are errors. Needs static T and B.
#include <algorithm>
#include <cctype>

#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

enum class Cell { kRnn, kGru, kLstm };

class RnnToTf final : public OpConverter {
 public:
  RnnToTf(const std::string& op, int since, Cell cell) : OpConverter(op, since), cell_(cell) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    std::vector<std::string> a = {"activation_alpha", "activation_beta", "activations", "clip",
                                  "direction", "hidden_size", "layout"};
    if (cell_ == Cell::kGru) a.push_back("linear_before_reset");
    if (cell_ == Cell::kLstm) a.push_back("input_forget");
    return a;
  }
  int gates() const { return cell_ == Cell::kRnn ? 1 : cell_ == Cell::kGru ? 3 : 4; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    for (int i = 0; i < n.num_outputs(); ++i) ctx.out(i).dtype = x.dtype;
    if (x.rank() != 3) return Status::Ok();
    const bool batch_major = n.GetInt("layout", 0) != 0;
    const ir::Dim t = (*x.dims)[batch_major ? 1 : 0], bt = (*x.dims)[batch_major ? 0 : 1];
    const ir::Dim d = ir::Dim::Known(n.GetString("direction", "forward") == "bidirectional" ? 2 : 1);
    const ir::Dim h = ir::Dim::Known(n.GetInt("hidden_size", 0));
    if (n.num_outputs() > 0 && n.output(0))
      ctx.out(0).dims = batch_major ? std::vector<ir::Dim>{bt, t, d, h} : std::vector<ir::Dim>{t, d, bt, h};
    for (int i = 1; i < n.num_outputs() && i < 3; ++i)
      if (n.output(i))
        ctx.out(i).dims = batch_major ? std::vector<ir::Dim>{bt, d, h} : std::vector<ir::Dim>{d, bt, h};
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    const DataType f = DataType::kFloat32, i32 = DataType::kInt32;
    if (xf.dtype != f) return b.Error("only float32 converts to TF");
    if (xf.rank() != 3 || !xf.IsStatic()) return b.Error("input 0 (X) needs a static 3-D shape");
    if (n.attr("clip")) return b.Unsupported("clip", "has no lowering here");
    if (n.attr("activation_alpha") || n.attr("activation_beta"))
      return b.Unsupported("activation_alpha", "(parameterised activations) has no lowering here");
    if (n.GetInt("input_forget", 0) != 0) return b.Unsupported("input_forget", "= 1 has no lowering here");
    const bool batch_major = n.GetInt("layout", 0) != 0;
    const std::vector<int64_t> xd = xf.StaticDims();
    const int64_t T = xd[batch_major ? 1 : 0], B = xd[batch_major ? 0 : 1];
    const int64_t H = n.GetInt("hidden_size", 0);
    if (H <= 0) return b.Error("attribute 'hidden_size' must be positive");
    const std::string direction = n.GetString("direction", "forward");
    if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
      return b.Unsupported("direction", "'" + direction + "' is unknown");
    const int D = direction == "bidirectional" ? 2 : 1;
    const int per_dir = cell_ == Cell::kRnn ? 1 : cell_ == Cell::kGru ? 2 : 3;
    std::vector<std::string> acts;
    if (const ir::Attribute* at = n.attr("activations"); at && at->kind() == ir::AttrKind::kStrings)
      acts = at->strings();
    if (acts.empty()) {
      const std::vector<std::string> def = cell_ == Cell::kRnn   ? std::vector<std::string>{"Tanh"}
                                           : cell_ == Cell::kGru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                                 : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
      for (int d = 0; d < D; ++d) acts.insert(acts.end(), def.begin(), def.end());
    }
    if (static_cast<int>(acts.size()) != per_dir * D)
      return b.Unsupported("activations", "needs " + std::to_string(per_dir * D) + " entries");
    for (std::string& a : acts) {
      std::string l = a;
      std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
      if (l == "sigmoid") a = "Sigmoid";
      else if (l == "tanh") a = "Tanh";
      else if (l == "relu") a = "Relu";
      else return b.Unsupported("activations", "'" + a + "' has no lowering here");
    }
    auto has = [&](int i) { return n.num_inputs() > i && n.input(i) != nullptr; };
    if (has(4) && direction != "forward")
      return b.Error("sequence_lens converts only in the forward direction");

    const std::string& p = n.name();
    const int G = gates();
    auto input = [&](int i) { return b.Input(i); };
    auto take = [&](ir::Value* v, int64_t i, int64_t axis, const std::string& name) {
      return b.Emit("GatherV2",
                    {v, b.ConstInt32({i}, name + "/index", true), b.ConstInt32({axis}, name + "/axis", true)},
                    {{"Tparams", TypeAttr(f)}, {"Tindices", TypeAttr(i32)}, {"Taxis", TypeAttr(i32)},
                     {"batch_dims", ir::Attribute::Int(0)}},
                    f, name)
          ->output(0);
    };
    // Rows [k * H, (k + 1) * H) of a 2-D matrix, or entries of a 1-D vector.
    auto rows = [&](ir::Value* v, int64_t k, int rank, const std::string& name) {
      std::vector<int64_t> begin(rank, 0), end(rank, 0), strides(rank, 1);
      begin[0] = k * H;
      end[0] = (k + 1) * H;
      SliceMasks masks;
      masks.end = rank == 2 ? 2 : 0;
      return EmitStridedSlice(b, v, b.ConstInt32(begin, name + "/begin"),
                              b.ConstInt32(end, name + "/end"),
                              b.ConstInt32(strides, name + "/strides"), f, masks, name);
    };
    auto mm = [&](ir::Value* a, ir::Value* w, const std::string& name) {
      return b.Emit("MatMul", {a, w},
                    {{"T", TypeAttr(f)}, {"transpose_a", ir::Attribute::Bool(false)},
                     {"transpose_b", ir::Attribute::Bool(true)}},
                    f, name)
          ->output(0);
    };
    auto op = [&](const std::string& o, std::vector<ir::Value*> in, const std::string& name) {
      return EmitT(b, o, std::move(in), f, name);
    };

    FERRY_ASSIGN_OR_RETURN(ir::Value * X, input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * W, input(1));
    FERRY_ASSIGN_OR_RETURN(ir::Value * R, input(2));
    ir::Value* Bv = nullptr;
    ir::Value* seq = nullptr;
    ir::Value* h0 = nullptr;
    ir::Value* c0 = nullptr;
    ir::Value* P = nullptr;
    if (has(3)) { FERRY_ASSIGN_OR_RETURN(Bv, input(3)); }
    if (has(4)) {
      FERRY_ASSIGN_OR_RETURN(seq, input(4));
      if (TfDType(b.in_facts(4).dtype) != i32) seq = EmitCast(b, seq, b.in_facts(4).dtype, i32, p + "/seq_int32");
    }
    if (has(5)) { FERRY_ASSIGN_OR_RETURN(h0, input(5)); }
    if (cell_ == Cell::kLstm && has(6)) { FERRY_ASSIGN_OR_RETURN(c0, input(6)); }
    if (cell_ == Cell::kLstm && has(7)) { FERRY_ASSIGN_OR_RETURN(P, input(7)); }
    ir::Value* zeros = b.Const(Tensor::Zeros(f, Shape{B, H}), p + "/zeros");
    ir::Value* one = b.Const(Tensor::Scalar<float>(1.f), p + "/one");

    std::vector<std::vector<ir::Value*>> ys(D, std::vector<ir::Value*>(T));
    std::vector<ir::Value*> h_last(D), c_last(D);
    for (int d = 0; d < D; ++d) {
      const std::string pd = p + "/d" + std::to_string(d);
      const bool reverse = direction == "reverse" || d == 1;
      ir::Value* Wd = take(W, d, 0, pd + "/W");
      ir::Value* Rd = take(R, d, 0, pd + "/R");
      std::vector<ir::Value*> Wg(G), Rg(G), bias(G, nullptr), rbias(G, nullptr);
      ir::Value* Bd = Bv ? take(Bv, d, 0, pd + "/B") : nullptr;
      for (int g = 0; g < G; ++g) {
        const std::string pg = pd + "/g" + std::to_string(g);
        Wg[g] = rows(Wd, g, 2, pg + "/W");
        Rg[g] = rows(Rd, g, 2, pg + "/R");
        if (Bd) {
          bias[g] = rows(Bd, g, 1, pg + "/Wb");
          rbias[g] = rows(Bd, G + g, 1, pg + "/Rb");
          // GRU's candidate gate keeps Rb apart (it sits inside r * (...) or beside r * H).
          if (!(cell_ == Cell::kGru && g == 2)) bias[g] = op("AddV2", {bias[g], rbias[g]}, pg + "/bias");
        }
      }
      std::vector<ir::Value*> peep(3, nullptr);
      if (P) {
        ir::Value* Pd = take(P, d, 0, pd + "/P");
        for (int k = 0; k < 3; ++k) peep[k] = rows(Pd, k, 1, pd + "/P" + std::to_string(k));
      }
      ir::Value* h = h0 ? take(h0, d, batch_major ? 1 : 0, pd + "/h0") : zeros;
      ir::Value* c = c0 ? take(c0, d, batch_major ? 1 : 0, pd + "/c0") : zeros;
      const std::string* a = &acts[d * per_dir];
      for (int64_t s = 0; s < T; ++s) {
        const int64_t t = reverse ? T - 1 - s : s;
        const std::string pt = pd + "/t" + std::to_string(t);
        ir::Value* x = take(X, t, batch_major ? 1 : 0, pt + "/x");
        auto pre = [&](int g, bool with_r, const std::string& name) {
          ir::Value* v = mm(x, Wg[g], name + "/xw");
          if (with_r) v = op("AddV2", {v, mm(h, Rg[g], name + "/hr")}, name + "/xw_hr");
          if (bias[g]) v = op("AddV2", {v, bias[g]}, name + "/biased");
          return v;
        };
        ir::Value* h_new = nullptr;
        ir::Value* c_new = nullptr;
        if (cell_ == Cell::kRnn) {
          h_new = op(a[0], {pre(0, true, pt + "/i")}, pt + "/h");
        } else if (cell_ == Cell::kGru) {
          ir::Value* z = op(a[0], {pre(0, true, pt + "/z")}, pt + "/z_act");
          ir::Value* r = op(a[0], {pre(1, true, pt + "/r")}, pt + "/r_act");
          ir::Value* cand = pre(2, false, pt + "/c");
          if (n.GetInt("linear_before_reset", 0) != 0) {
            ir::Value* hr = mm(h, Rg[2], pt + "/c/hr");
            if (rbias[2]) hr = op("AddV2", {hr, rbias[2]}, pt + "/c/hr_biased");
            cand = op("AddV2", {cand, op("Mul", {r, hr}, pt + "/c/reset")}, pt + "/c/sum");
          } else {
            ir::Value* hr = mm(op("Mul", {r, h}, pt + "/c/reset_h"), Rg[2], pt + "/c/hr");
            if (rbias[2]) hr = op("AddV2", {hr, rbias[2]}, pt + "/c/hr_biased");
            cand = op("AddV2", {cand, hr}, pt + "/c/sum");
          }
          cand = op(a[1], {cand}, pt + "/c_act");
          h_new = op("AddV2",
                     {op("Mul", {op("Sub", {one, z}, pt + "/one_minus_z"), cand}, pt + "/new_part"),
                      op("Mul", {z, h}, pt + "/old_part")},
                     pt + "/h");
        } else {
          ir::Value* i_pre = pre(0, true, pt + "/i");
          ir::Value* f_pre = pre(2, true, pt + "/f");
          if (peep[0]) i_pre = op("AddV2", {i_pre, op("Mul", {peep[0], c}, pt + "/pi")}, pt + "/i_peep");
          if (peep[2]) f_pre = op("AddV2", {f_pre, op("Mul", {peep[2], c}, pt + "/pf")}, pt + "/f_peep");
          ir::Value* ig = op(a[0], {i_pre}, pt + "/i_act");
          ir::Value* fg = op(a[0], {f_pre}, pt + "/f_act");
          ir::Value* cg = op(a[1], {pre(3, true, pt + "/c")}, pt + "/c_act");
          c_new = op("AddV2", {op("Mul", {fg, c}, pt + "/keep"), op("Mul", {ig, cg}, pt + "/write")},
                     pt + "/cell");
          ir::Value* o_pre = pre(1, true, pt + "/o");
          if (peep[1]) o_pre = op("AddV2", {o_pre, op("Mul", {peep[1], c_new}, pt + "/po")}, pt + "/o_peep");
          h_new = op("Mul", {op(a[0], {o_pre}, pt + "/o_act"), op(a[2], {c_new}, pt + "/cell_act")},
                     pt + "/h");
        }
        if (seq) {
          ir::Value* live = EmitReshape(
              b, EmitT(b, "Less", {b.ConstInt32({t}, pt + "/step", true), seq}, i32, pt + "/live_b",
                       DataType::kBool),
              DataType::kBool, {B, 1}, pt + "/live");
          ys[d][t] = op("SelectV2", {live, h_new, zeros}, pt + "/y");
          h = op("SelectV2", {live, h_new, h}, pt + "/h_kept");
          if (c_new) c = op("SelectV2", {live, c_new, c}, pt + "/c_kept");
        } else {
          ys[d][t] = h = h_new;
          if (c_new) c = c_new;
        }
      }
      h_last[d] = h;
      c_last[d] = c;
    }

    auto concat = [&](std::vector<ir::Value*> parts, int64_t axis, const std::string& name) {
      if (parts.size() == 1) return op("Identity", {parts[0]}, name);
      const int count = static_cast<int>(parts.size());
      parts.push_back(b.ConstInt32({axis}, name + "/axis", true));
      return b.Emit("ConcatV2", parts,
                    {{"T", TypeAttr(f)}, {"N", ir::Attribute::Int(count)}, {"Tidx", TypeAttr(i32)}},
                    f, name)
          ->output(0);
    };
    if (n.num_outputs() > 0 && n.output(0)) {
      std::vector<ir::Value*> dirs;
      for (int d = 0; d < D; ++d) {
        std::vector<ir::Value*> steps;
        for (int64_t t = 0; t < T; ++t)
          steps.push_back(EmitReshape(b, ys[d][t], f,
                                      batch_major ? std::vector<int64_t>{B, 1, 1, H}
                                                  : std::vector<int64_t>{1, 1, B, H},
                                      p + "/d" + std::to_string(d) + "/y" + std::to_string(t)));
        dirs.push_back(concat(steps, batch_major ? 1 : 0, p + "/d" + std::to_string(d) + "/Y"));
      }
      b.SetOutput(0, concat(dirs, batch_major ? 2 : 1, b.OutName(0)));
    }
    auto final_state = [&](int out, const std::vector<ir::Value*>& last, const std::string& tag) {
      if (n.num_outputs() <= out || !n.output(out)) return;
      std::vector<ir::Value*> dirs;
      for (int d = 0; d < D; ++d)
        dirs.push_back(EmitReshape(b, last[d], f,
                                   batch_major ? std::vector<int64_t>{B, 1, H} : std::vector<int64_t>{1, B, H},
                                   p + "/d" + std::to_string(d) + "/" + tag));
      b.SetOutput(out, concat(dirs, batch_major ? 1 : 0, b.OutName(out)));
    };
    final_state(1, h_last, "h_final");
    if (cell_ == Cell::kLstm) final_state(2, c_last, "c_final");
    return Status::Ok();
  }

 private:
  Cell cell_;
};

}  // namespace

void RegisterRnn(ConverterTable& t) {
  t.Add(std::make_unique<RnnToTf>("RNN", 7, Cell::kRnn));
  t.Add(std::make_unique<RnnToTf>("GRU", 7, Cell::kGru));
  t.Add(std::make_unique<RnnToTf>("LSTM", 7, Cell::kLstm));
}

}  // namespace ferry::convert::onnx_to_tf::ops
