#include "convert/onnx_to_tf/passes/fold_transposes.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

#include "convert/onnx_to_tf/op_converter.h"

namespace ferry::convert::onnx_to_tf {
namespace {

std::optional<std::vector<int64_t>> ConstInts(const ir::Value* v) {
  if (!v || !v->is_constant()) return std::nullopt;
  const Tensor& t = v->constant();
  if (t.rank() > 1) return std::nullopt;
  std::vector<int64_t> r;
  if (t.dtype() == DataType::kInt32) {
    for (int64_t i = 0; i < t.NumElements(); ++i) r.push_back(t.data<int32_t>()[i]);
  } else if (t.dtype() == DataType::kInt64) {
    for (int64_t i = 0; i < t.NumElements(); ++i) r.push_back(t.data<int64_t>()[i]);
  } else {
    return std::nullopt;
  }
  return r;
}

bool IsPerm(const std::vector<int64_t>& p) {
  std::vector<bool> seen(p.size(), false);
  for (int64_t a : p) {
    if (a < 0 || a >= static_cast<int64_t>(p.size()) || seen[a]) return false;
    seen[a] = true;
  }
  return true;
}

// A TF Transpose with a constant permutation: its perm, else nullopt.
std::optional<std::vector<int64_t>> TransposePerm(const ir::Node* n) {
  if (!n || n->op_type() != "Transpose" || n->num_inputs() != 2) return std::nullopt;
  auto p = ConstInts(n->input(1));
  if (!p || !IsPerm(*p)) return std::nullopt;
  return p;
}

bool IsChainLink(const ir::Node* n) {
  if (!n || n->num_inputs() != 2 || n->num_outputs() != 1) return false;
  if (n->op_type() == "Transpose") return TransposePerm(n).has_value();
  return n->op_type() == "Reshape" && ConstInts(n->input(1)).has_value();
}

// Elementwise TF ops a Transpose may move below (the other input, if any, a one-element
// constant).
bool IsSinkable(const std::string& op) {
  static const std::unordered_set<std::string> kOps = {
      "Mul",  "RealDiv", "AddV2", "Sub",     "Maximum", "Minimum", "Relu",  "Relu6",
      "Tanh", "Sigmoid", "Exp",   "Neg",     "Sqrt",    "Rsqrt",   "Erf",   "Abs",
      "Elu",  "Selu",    "Log",   "Softplus", "Square", "Reciprocal", "LeakyRelu", "Identity"};
  return kOps.count(op) != 0;
}

class Folder {
 public:
  Folder(ir::Graph& g, TfDims& dims, FoldStats& st) : g_(g), dims_(dims), st_(st) {}

  Status Run() {
    st_.transposes_before = Count();
    for (int round = 0; round < 8; ++round) {
      bool changed = FoldChains();
      changed |= Sink();
      changed |= FoldMatMuls();
      changed |= FoldRows();
      if (!changed) break;
    }
    st_.transposes_after = Count();
    return Status::Ok();
  }

 private:
  // Nodes that reach a graph output (rewrites leave the replaced nodes dead until the
  // driver's dead-code elimination).
  std::unordered_set<const ir::Node*> Live() const {
    std::unordered_set<const ir::Node*> live;
    std::vector<const ir::Value*> stack(g_.outputs().begin(), g_.outputs().end());
    while (!stack.empty()) {
      const ir::Value* v = stack.back();
      stack.pop_back();
      if (!v || !v->producer() || !live.insert(v->producer()).second) continue;
      for (const ir::Value* in : v->producer()->inputs()) stack.push_back(in);
    }
    return live;
  }

  // The live nodes, in graph order; also refreshes live_ (what SoleUser counts).
  std::vector<ir::Node*> LiveNodes() {
    live_ = Live();
    created_.clear();
    std::vector<ir::Node*> nodes;
    for (const auto& n : g_.nodes())
      if (live_.count(n.get())) nodes.push_back(n.get());
    return nodes;
  }

  int Count() {
    int n = 0;
    for (const ir::Node* node : LiveNodes()) n += node->op_type() == "Transpose";
    return n;
  }

  std::optional<std::vector<ir::Dim>> Dims(const ir::Value* v) const {
    if (v->is_constant()) {
      std::vector<ir::Dim> d;
      for (int64_t x : v->constant().shape().dims()) d.push_back(ir::Dim::Known(x));
      return d;
    }
    auto it = dims_.find(v);
    if (it == dims_.end()) return std::nullopt;
    return it->second;
  }
  int Rank(const ir::Value* v) const {
    auto d = Dims(v);
    return d ? static_cast<int>(d->size()) : -1;
  }

  // The only live user of v, when v is not a graph output (the lowering leaves dead
  // nodes, e.g. a Shape whose value folded into a constant target, until the driver's
  // dead-code elimination).
  ir::Node* SoleUser(const ir::Value* v) const {
    if (g_.IsGraphOutput(v)) return nullptr;
    ir::Node* user = nullptr;
    for (ir::Node* u : v->users()) {
      if (!live_.count(u) && !created_.count(u)) continue;
      if (user && user != u) return nullptr;
      if (user == u) return nullptr;  // used twice by one node
      user = u;
    }
    return user;
  }

  ir::Value* ConstI32(const std::vector<int64_t>& v, const std::string& hint, bool scalar = false) {
    std::vector<int32_t> w(v.begin(), v.end());
    Shape s = scalar ? Shape{} : Shape{static_cast<int64_t>(v.size())};
    return g_.AddConstant(g_.UniqueName(hint), Tensor::FromVector<int32_t>(w, s));
  }

  ir::Node* Add(const std::string& op, std::vector<ir::Value*> inputs,
                std::vector<std::pair<std::string, ir::Attribute>> attrs, DataType dtype,
                const std::string& hint) {
    const std::string name = g_.UniqueName(hint);
    ir::Node* n = g_.AddNode(op, "tf", name, std::move(inputs), {name});
    created_.insert(n);
    n->output(0)->info().dtype = dtype;
    for (auto& [k, a] : attrs) n->set_attr(k, std::move(a));
    return n;
  }

  ir::Value* EmitTranspose(ir::Value* x, const std::vector<int64_t>& perm, const std::string& hint) {
    return Add("Transpose", {x, ConstI32(perm, hint + "/perm")},
               {{"T", ir::Attribute::Type(x->dtype())},
                {"Tperm", ir::Attribute::Type(DataType::kInt32)}},
               x->dtype(), hint)
        ->output(0);
  }

  void SetDims(const ir::Value* v, std::optional<std::vector<ir::Dim>> d) {
    if (d) dims_[v] = std::move(*d);
  }

  // --- chain: Transpose / Reshape chains whose composite is a reshape or a last-axis gather.
  bool FoldChains() {
    bool changed = false;
    const std::vector<ir::Node*> nodes = LiveNodes();
    std::unordered_set<const ir::Node*> done;
    for (ir::Node* e : nodes) {
      if (done.count(e) || !IsChainLink(e)) continue;
      ir::Value* out = e->output(0);
      if (out->users().empty() || g_.IsGraphOutput(out)) continue;
      if (ir::Node* next = SoleUser(out); next && IsChainLink(next)) continue;  // not the end
      std::vector<ir::Node*> chain{e};
      while (true) {
        ir::Node* p = chain.front()->input(0)->producer();
        if (!p || !IsChainLink(p) || SoleUser(p->output(0)) != chain.front()) break;
        chain.insert(chain.begin(), p);
      }
      int transposes = 0;
      for (const ir::Node* n : chain) transposes += n->op_type() == "Transpose";
      if (transposes == 0) continue;
      if (FoldChain(chain)) {
        for (const ir::Node* n : chain) done.insert(n);
        changed = true;
      }
    }
    return changed;
  }

  bool FoldChain(const std::vector<ir::Node*>& chain) {
    ir::Value* x = chain.front()->input(0);
    ir::Value* out = chain.back()->output(0);
    const auto xd = Dims(x);
    if (!xd || xd->size() < 2) return false;
    const ir::Dim batch = (*xd)[0];
    // The batch axis must stay first and whole; the other dims must be known. The composite
    // is then the same for every batch element: simulate it on one, over element indices.
    std::vector<int64_t> d{1};
    int64_t n = 1;
    for (size_t i = 1; i < xd->size(); ++i) {
      if (!(*xd)[i].known()) return false;
      d.push_back((*xd)[i].value);
      n *= (*xd)[i].value;
    }
    if (n <= 0 || n > (int64_t{1} << 24)) return false;
    std::vector<int32_t> iota(n);
    for (int64_t i = 0; i < n; ++i) iota[i] = static_cast<int32_t>(i);
    Tensor idx = Tensor::FromVector<int32_t>(iota, Shape(d));
    for (const ir::Node* link : chain) {
      const std::vector<int64_t> c = *ConstInts(link->input(1));
      if (link->op_type() == "Transpose") {
        if (c.size() != d.size() || c[0] != 0) return false;
        idx = TransposeTensor(idx, c);
      } else {
        if (c.size() < 1) return false;
        if (c[0] != -1 && !(batch.known() && c[0] == batch.value)) return false;
        int64_t m = 1;
        std::vector<int64_t> nd{1};
        for (size_t i = 1; i < c.size(); ++i) {
          if (c[i] < 0) return false;
          m *= c[i];
          nd.push_back(c[i]);
        }
        if (m != n) return false;
        auto r = idx.Reshaped(Shape(nd));
        if (!r.ok()) return false;
        idx = std::move(*r);
      }
      d = idx.shape().dims();
    }
    const int32_t* v = idx.data<int32_t>();
    bool identity = true;
    for (int64_t i = 0; i < n && identity; ++i) identity = v[i] == i;
    std::vector<ir::Dim> out_dims{batch};
    for (size_t i = 1; i < d.size(); ++i) out_dims.push_back(ir::Dim::Known(d[i]));
    std::vector<int64_t> x_inner(xd->size() - 1);
    for (size_t i = 1; i < xd->size(); ++i) x_inner[i - 1] = (*xd)[i].value;
    const std::vector<int64_t> out_inner(d.begin() + 1, d.end());
    const std::string hint = out->name() + "/folded";
    ir::Value* y = nullptr;
    if (identity) {
      if (out_inner == x_inner) {
        y = x;
      } else {
        std::vector<int64_t> target{batch.known() ? batch.value : -1};
        target.insert(target.end(), out_inner.begin(), out_inner.end());
        y = Add("Reshape", {x, ConstI32(target, hint + "/shape")},
                {{"T", ir::Attribute::Type(x->dtype())},
                 {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                x->dtype(), hint)
                ->output(0);
      }
      ++st_.chains_to_reshape;
    } else {
      // A permutation of the last axis only: out[..., c] = x[..., perm[c]].
      if (out_inner != x_inner) return false;
      const int64_t c = d.back();
      std::vector<int64_t> perm(v, v + c);
      for (int64_t i = 0; i < n; ++i)
        if (v[i] != (i / c) * c + perm[i % c]) return false;
      const int64_t axis = static_cast<int64_t>(d.size()) - 1;
      y = Add("GatherV2",
              {x, ConstI32(perm, hint + "/indices"), ConstI32({axis}, hint + "/axis", true)},
              {{"Tparams", ir::Attribute::Type(x->dtype())},
               {"Tindices", ir::Attribute::Type(DataType::kInt32)},
               {"Taxis", ir::Attribute::Type(DataType::kInt32)},
               {"batch_dims", ir::Attribute::Int(0)}},
              x->dtype(), hint)
              ->output(0);
      ++st_.chains_to_gather;
    }
    SetDims(y, out_dims);
    g_.ReplaceAllUses(out, y);
    return true;
  }

  // --- sink: Transpose -> elementwise (with a one-element constant) becomes elementwise ->
  // Transpose, when the Transpose then reaches a product or another Transpose.
  bool ReachesFold(const ir::Value* v, int depth = 0) const {
    const ir::Node* u = SoleUser(v);
    if (!u || depth > 8) return false;
    if (u->op_type() == "Transpose" || u->op_type() == "BatchMatMulV2" ||
        u->op_type() == "MatMul")
      return true;
    return SinkTarget(u, v) && ReachesFold(u->output(0), depth + 1);
  }

  // Whether u is elementwise in v with every other input a one-element constant.
  bool SinkTarget(const ir::Node* u, const ir::Value* v) const {
    if (!IsSinkable(u->op_type()) || u->num_outputs() != 1) return false;
    int uses = 0;
    for (const ir::Value* in : u->inputs()) {
      if (in == v) {
        ++uses;
        continue;
      }
      if (!in || !in->is_constant() || in->constant().NumElements() != 1) return false;
      if (in->constant().rank() > Rank(v) && Rank(v) >= 0) return false;
    }
    return uses == 1;
  }

  bool Sink() {
    bool changed = false;
    const std::vector<ir::Node*> nodes = LiveNodes();
    std::unordered_set<const ir::Node*> done;
    for (ir::Node* t : nodes) {
      if (done.count(t)) continue;
      auto perm = TransposePerm(t);
      if (!perm) continue;
      ir::Value* tv = t->output(0);
      ir::Node* u = SoleUser(tv);
      if (!u || done.count(u) || !SinkTarget(u, tv) || g_.IsGraphOutput(u->output(0))) continue;
      if (!ReachesFold(u->output(0))) continue;
      ir::Value* x = t->input(0);
      std::vector<ir::Value*> ins;
      for (ir::Value* in : u->inputs()) ins.push_back(in == tv ? x : in);
      std::vector<std::pair<std::string, ir::Attribute>> attrs(u->attrs().begin(),
                                                               u->attrs().end());
      ir::Value* y = Add(u->op_type(), ins, attrs, u->output(0)->dtype(),
                         u->output(0)->name() + "/sunk")
                         ->output(0);
      SetDims(y, Dims(x));
      ir::Value* ty = EmitTranspose(y, *perm, y->name() + "/transpose");
      SetDims(ty, Dims(u->output(0)));
      g_.ReplaceAllUses(u->output(0), ty);
      done.insert(t);
      done.insert(u);
      ++st_.sunk;
      changed = true;
    }
    return changed;
  }

  // --- matmul: Transposes around MatMul / BatchMatMulV2 folded into adj flags or an Einsum.
  struct Operand {
    ir::Value* stored = nullptr;     // the value read (the Transpose's input when folded)
    std::vector<int64_t> perm;       // logical axis i = stored axis perm[i]
    bool folded = false;
  };

  Operand OperandOf(ir::Value* v, const ir::Node* m,
                    const std::unordered_set<const ir::Node*>& done) const {
    Operand o;
    o.stored = v;
    ir::Node* p = v->producer();
    auto perm = TransposePerm(p);
    if (perm && !done.count(p) && SoleUser(v) == m && m->input(0) != m->input(1)) {
      o.stored = p->input(0);
      o.perm = *perm;
      o.folded = true;
      return o;
    }
    const int r = Rank(v);
    for (int i = 0; i < r; ++i) o.perm.push_back(i);
    return o;
  }

  // Logical dims of an operand (its stored dims permuted), when known.
  std::optional<std::vector<ir::Dim>> LogicalDims(const Operand& o) const {
    auto d = Dims(o.stored);
    if (!d || d->size() != o.perm.size()) return std::nullopt;
    std::vector<ir::Dim> r;
    for (int64_t p : o.perm) r.push_back((*d)[p]);
    return r;
  }

  // --- rows: Transpose (last axis kept) <- Reshape [lead..., F] <- row-wise ops (MatMul by a
  // 2-D constant, BiasAdd, elementwise with constants of rank <= 1) <- Reshape [rows, E1]
  // <- Einsum. The row-wise ops commute with any order of the rows, so the permutation of
  // the leading axes moves into the Einsum: its output labels are split to match the
  // Reshape's axes (an operand axis splits by a Reshape of that operand) and reordered.
  bool RowWise(const ir::Node* n, const ir::Value* v) const {
    const std::string& op = n->op_type();
    if (n->num_outputs() != 1 || n->input(0) != v) return false;
    if (op == "MatMul")
      return n->input(1)->is_constant() && n->input(1)->constant().rank() == 2 &&
             n->GetInt("transpose_a", 0) == 0;
    if (op == "BiasAdd")
      return n->input(1)->is_constant() && n->GetString("data_format", "NHWC") == "NHWC";
    if (!IsSinkable(op)) return false;
    for (int i = 1; i < n->num_inputs(); ++i)
      if (!n->input(i) || !n->input(i)->is_constant() || n->input(i)->constant().rank() > 1)
        return false;
    return true;
  }

  // Parses a two-operand explicit equation over lowercase letters.
  static bool ParseEquation(const std::string& eq, std::string* a, std::string* b,
                            std::string* o) {
    const size_t comma = eq.find(','), arrow = eq.find("->");
    if (comma == std::string::npos || arrow == std::string::npos || arrow < comma) return false;
    *a = eq.substr(0, comma);
    *b = eq.substr(comma + 1, arrow - comma - 1);
    *o = eq.substr(arrow + 2);
    for (const std::string* s : {a, b, o})
      for (char c : *s)
        if (c < 'a' || c > 'z') return false;
    return true;
  }

  // The Einsum e with its output reshaped to `target` (at most one -1) and transposed by
  // `perm`, as one Einsum over reshaped operands and one Reshape; null when the dims do not
  // allow it.
  ir::Value* SplitEinsum(ir::Node* e, const std::vector<int64_t>& target,
                         const std::vector<int64_t>& perm, const std::string& hint) {
    std::string la, lb, lo;
    if (e->op_type() != "Einsum" || e->num_inputs() != 2 ||
        !ParseEquation(e->GetString("equation", ""), &la, &lb, &lo))
      return nullptr;
    auto od = Dims(e->output(0));
    if (!od) {
      // From the operands' dims by label.
      const auto da = Dims(e->input(0)), db = Dims(e->input(1));
      if (!da || !db || da->size() != la.size() || db->size() != lb.size()) return nullptr;
      std::vector<ir::Dim> d;
      for (char c : lo) {
        const size_t pa = la.find(c), pb = lb.find(c);
        if (pa != std::string::npos && pb != std::string::npos && !((*da)[pa] == (*db)[pb]))
          return nullptr;
        d.push_back(pa != std::string::npos ? (*da)[pa] : (*db)[pb]);
      }
      od = d;
    }
    if (od->size() != lo.size() || target.empty()) return nullptr;
    if (std::count(target.begin(), target.end(), -1) > 1) return nullptr;
    // Common refinement of the einsum output dims and the target, from the right: atoms.
    std::vector<int64_t> atoms;  // right to left; -1 unknown
    std::vector<std::vector<int>> of_out(od->size()), of_target(target.size());
    int i = static_cast<int>(od->size()) - 1, j = static_cast<int>(target.size()) - 1;
    int64_t re = 0, rt = 0;
    bool fresh_e = true, fresh_t = true;
    while (i >= 0 && j >= 0) {
      if (fresh_e) re = (*od)[i].known() ? (*od)[i].value : -1;
      if (fresh_t) rt = target[j];
      fresh_e = fresh_t = false;
      int64_t atom;
      if (re >= 0 && rt >= 0) {
        if (re == rt) {
          atom = re;
          fresh_e = fresh_t = true;
        } else if (re > 0 && rt % re == 0) {
          atom = re;
          rt /= re;
          fresh_e = true;
        } else if (rt > 0 && re % rt == 0) {
          atom = rt;
          re /= rt;
          fresh_t = true;
        } else {
          return nullptr;
        }
      } else if (re < 0 && rt < 0) {
        atom = -1;
        fresh_e = fresh_t = true;
      } else if (re < 0) {
        atom = rt;  // the unknown output dim holds this target dim
        fresh_t = true;
      } else {
        atom = re;
        fresh_e = true;
      }
      const int id = static_cast<int>(atoms.size());
      atoms.push_back(atom);
      of_out[i].insert(of_out[i].begin(), id);
      of_target[j].insert(of_target[j].begin(), id);
      if (fresh_e) --i;
      if (fresh_t) --j;
    }
    if (i >= 0 || j >= 0 || !fresh_e || !fresh_t) return nullptr;
    if (std::count(atoms.begin(), atoms.end(), -1) > 1) return nullptr;
    // Letters: an output axis of one atom keeps its label, a split one gets fresh letters.
    std::string used = la + lb + lo;
    auto fresh = [&]() -> char {
      for (char c = 'a'; c <= 'z'; ++c)
        if (used.find(c) == std::string::npos) {
          used += c;
          return c;
        }
      return 0;
    };
    std::vector<char> atom_letter(atoms.size());
    std::vector<std::string> split(lo.size());  // per output axis: its atoms' letters
    for (size_t k = 0; k < lo.size(); ++k) {
      if (of_out[k].size() == 1) {
        atom_letter[of_out[k][0]] = lo[k];
      } else {
        for (int id : of_out[k]) {
          const char c = fresh();
          if (!c) return nullptr;
          atom_letter[id] = c;
        }
      }
      for (int id : of_out[k]) split[k] += atom_letter[id];
    }
    // Operands: reshape each axis whose label was split.
    std::vector<ir::Value*> ins;
    std::vector<std::string> subs;
    for (int op = 0; op < 2; ++op) {
      const std::string& l = op == 0 ? la : lb;
      ir::Value* x = e->input(op);
      std::string s;
      std::vector<int64_t> shape;
      bool reshaped = false;
      const auto xd = Dims(x);
      if (!xd || xd->size() != l.size()) return nullptr;
      for (size_t k = 0; k < l.size(); ++k) {
        const size_t pos = lo.find(l[k]);
        if (pos != std::string::npos && of_out[pos].size() > 1) {
          reshaped = true;
          s += split[pos];
          for (int id : of_out[pos]) shape.push_back(atoms[id]);
        } else {
          s += l[k];
          shape.push_back((*xd)[k].known() ? (*xd)[k].value : -1);
        }
      }
      if (reshaped) {
        if (std::count(shape.begin(), shape.end(), -1) > 1) return nullptr;
        x = Add("Reshape", {x, ConstI32(shape, hint + "/operand" + std::to_string(op))},
                {{"T", ir::Attribute::Type(x->dtype())},
                 {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                x->dtype(), hint + "/operand" + std::to_string(op))
                ->output(0);
      }
      ins.push_back(x);
      subs.push_back(s);
    }
    std::string out;
    std::vector<int64_t> final_shape;
    for (int64_t a : perm) {
      for (int id : of_target[a]) out += atom_letter[id];
      final_shape.push_back(target[a]);
    }
    ir::Value* y = Add("Einsum", ins,
                       {{"T", ir::Attribute::Type(e->output(0)->dtype())},
                        {"N", ir::Attribute::Int(2)},
                        {"equation", ir::Attribute::String(subs[0] + "," + subs[1] + "->" + out)}},
                       e->output(0)->dtype(), hint + "/einsum")
                       ->output(0);
    return Add("Reshape", {y, ConstI32(final_shape, hint + "/shape")},
               {{"T", ir::Attribute::Type(y->dtype())},
                {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
               y->dtype(), hint)
        ->output(0);
  }

  bool FoldRows() {
    bool changed = false;
    const std::vector<ir::Node*> nodes = LiveNodes();
    std::unordered_set<const ir::Node*> done;
    for (ir::Node* t : nodes) {
      auto perm = TransposePerm(t);
      if (!perm || perm->empty() || perm->back() != static_cast<int64_t>(perm->size()) - 1)
        continue;
      ir::Node* r2 = t->input(0)->producer();
      if (!r2 || done.count(r2) || r2->op_type() != "Reshape" || SoleUser(r2->output(0)) != t)
        continue;
      auto t2 = ConstInts(r2->input(1));
      if (!t2 || t2->size() != perm->size() || std::count(t2->begin(), t2->end(), -1) > 1)
        continue;
      // Up through the row-wise ops to a Reshape [rows, E1] of an Einsum.
      std::vector<ir::Node*> rows;
      ir::Value* v = r2->input(0);
      ir::Node* r1 = nullptr;
      while (ir::Node* p = v->producer()) {
        if (SoleUser(v) != (rows.empty() ? r2 : rows.front())) break;
        if (p->op_type() == "Reshape") {
          r1 = p;
          break;
        }
        if (!RowWise(p, p->input(0))) break;
        rows.insert(rows.begin(), p);
        v = p->input(0);
      }
      if (!r1) continue;
      auto t1 = ConstInts(r1->input(1));
      if (!t1 || t1->size() != 2 || (*t1)[1] <= 0) continue;
      // The row width after the row-wise ops must be the last target dim: then the leading
      // target dims hold exactly the rows.
      int64_t width = (*t1)[1];
      for (const ir::Node* n : rows)
        if (n->op_type() == "MatMul") {
          const Tensor& w = n->input(1)->constant();
          width = n->GetInt("transpose_b", 0) ? w.dim(0) : w.dim(1);
        }
      if (t2->back() != width) continue;
      ir::Value* z = r1->input(0);
      ir::Node* e = z->producer();
      if (!e || SoleUser(z) != r1) continue;
      std::vector<int64_t> lead(t2->begin(), t2->end() - 1);
      std::vector<int64_t> target = lead;
      target.push_back((*t1)[1]);
      const std::string hint = t->output(0)->name() + "/rows";
      ir::Value* y = SplitEinsum(e, target, *perm, hint);
      if (!y) continue;
      y = Add("Reshape", {y, ConstI32({-1, (*t1)[1]}, hint + "/flat")},
              {{"T", ir::Attribute::Type(y->dtype())},
               {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
              y->dtype(), hint + "/flat")
              ->output(0);
      for (ir::Node* n : rows) {
        std::vector<ir::Value*> ins = n->inputs();
        ins[0] = y;
        std::vector<std::pair<std::string, ir::Attribute>> attrs(n->attrs().begin(),
                                                                 n->attrs().end());
        y = Add(n->op_type(), ins, attrs, n->output(0)->dtype(), n->output(0)->name() + "/rows")
                ->output(0);
      }
      std::vector<int64_t> out_shape;
      for (int64_t a : *perm) out_shape.push_back((*t2)[a]);
      y = Add("Reshape", {y, ConstI32(out_shape, hint + "/unflat")},
              {{"T", ir::Attribute::Type(y->dtype())},
               {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
              y->dtype(), hint + "/unflat")
              ->output(0);
      SetDims(y, Dims(t->output(0)));
      g_.ReplaceAllUses(t->output(0), y);
      done.insert(r2);
      ++st_.rows;
      changed = true;
    }
    return changed;
  }

  bool FoldMatMuls() {
    bool changed = false;
    const std::vector<ir::Node*> nodes = LiveNodes();
    std::unordered_set<const ir::Node*> done;
    for (ir::Node* m : nodes) {
      if (done.count(m)) continue;
      const bool batched = m->op_type() == "BatchMatMulV2";
      if (!batched && m->op_type() != "MatMul") continue;
      if (m->num_inputs() != 2 || m->input(0)->dtype() != DataType::kFloat32) continue;
      Operand a = OperandOf(m->input(0), m, done), b = OperandOf(m->input(1), m, done);
      ir::Value* out = m->output(0);
      ir::Node* tout = SoleUser(out);
      std::optional<std::vector<int64_t>> pout = TransposePerm(tout);
      if (!pout || done.count(tout)) tout = nullptr;
      if (!a.folded && !b.folded && !tout) continue;
      const int ra = static_cast<int>(a.perm.size()), rb = static_cast<int>(b.perm.size());
      if (ra < 2 || rb < 2 || ra > 10 || rb > 10) continue;
      if (!batched && (ra != 2 || rb != 2)) continue;
      const int r = std::max(ra, rb);
      if (tout && static_cast<int>(pout->size()) != r) continue;
      const bool adj_a = batched ? m->GetInt("adj_x", 0) != 0 : m->GetInt("transpose_a", 0) != 0;
      const bool adj_b = batched ? m->GetInt("adj_y", 0) != 0 : m->GetInt("transpose_b", 0) != 0;
      // Letters: batch 'a'.., rows 'x', columns 'y', contracted 'z'.
      auto letters = [&](int rank, char first, char second, bool adj) {
        std::string s;
        for (int i = 0; i < rank - 2; ++i) s += static_cast<char>('a' + (r - rank) + i);
        s += adj ? std::string{second, first} : std::string{first, second};
        return s;
      };
      const std::string la = letters(ra, 'x', 'z', adj_a), lb = letters(rb, 'z', 'y', adj_b);
      std::string lo = letters(r, 'x', 'y', false);
      auto stored_letters = [](const std::string& logical, const std::vector<int64_t>& perm) {
        std::string s(logical.size(), '?');
        for (size_t i = 0; i < perm.size(); ++i) s[perm[i]] = logical[i];
        return s;
      };
      const std::string sa = stored_letters(la, a.perm), sb = stored_letters(lb, b.perm);
      std::string so = lo;
      if (tout)
        for (int i = 0; i < r; ++i) so[i] = lo[(*pout)[i]];
      const std::string pa = sa.substr(0, ra - 2), pb = sb.substr(0, rb - 2),
                        po = so.substr(0, r - 2);
      const std::string ta = sa.substr(ra - 2), tb = sb.substr(rb - 2), to = so.substr(r - 2);
      // As a product with adj flags: batch letters in place (BatchMatMulV2 broadcasts them).
      const bool prefixes_ok = pa == po.substr(r - ra) && pb == po.substr(r - rb) &&
                               po == lo.substr(0, r - 2);
      ir::Value* y = nullptr;
      const std::string hint = (tout ? tout->output(0) : out)->name() + "/folded";
      auto product = [&](ir::Value* p, ir::Value* q, bool adj_p, bool adj_q) {
        const char* fx = batched ? "adj_x" : "transpose_a";
        const char* fy = batched ? "adj_y" : "transpose_b";
        return Add(m->op_type(), {p, q},
                   {{"T", ir::Attribute::Type(DataType::kFloat32)},
                    {fx, ir::Attribute::Bool(adj_p)},
                    {fy, ir::Attribute::Bool(adj_q)}},
                   DataType::kFloat32, hint)
            ->output(0);
      };
      if (prefixes_ok && (ta == "xz" || ta == "zx") && (tb == "zy" || tb == "yz") &&
          to == "xy") {
        y = product(a.stored, b.stored, ta == "zx", tb == "yz");
        ++st_.matmul_adj;
      } else if (prefixes_ok && (ta == "xz" || ta == "zx") && (tb == "zy" || tb == "yz") &&
                 to == "yx") {
        // (A B)^T = B^T A^T.
        y = product(b.stored, a.stored, tb == "zy", ta == "xz");
        ++st_.matmul_adj;
      } else {
        // Einsum: batch letters shared by both operands must have equal dims (an einsum
        // label does not broadcast).
        const auto da = LogicalDims(a), db = LogicalDims(b);
        bool same = true;
        for (int i = 0; i < r - 2 && same; ++i) {
          const int ia = i - (r - ra), ib = i - (r - rb);
          if (ia < 0 || ib < 0) continue;
          if (!da || !db) {
            same = false;
            break;
          }
          const ir::Dim &x = (*da)[ia], &z = (*db)[ib];
          same = x.known() ? x == z : (!x.param.empty() && x == z);
        }
        if (!same) continue;
        y = Add("Einsum", {a.stored, b.stored},
                {{"T", ir::Attribute::Type(DataType::kFloat32)},
                 {"N", ir::Attribute::Int(2)},
                 {"equation", ir::Attribute::String(sa + "," + sb + "->" + so)}},
                DataType::kFloat32, hint)
                ->output(0);
        ++st_.matmul_einsum;
      }
      ir::Value* replaced = tout ? tout->output(0) : out;
      SetDims(y, Dims(replaced));
      g_.ReplaceAllUses(replaced, y);
      done.insert(m);
      if (tout) done.insert(tout);
      if (a.folded) done.insert(m->input(0)->producer());
      if (b.folded) done.insert(m->input(1)->producer());
      changed = true;
    }
    return changed;
  }

  ir::Graph& g_;
  std::unordered_set<const ir::Node*> live_, created_;
  TfDims& dims_;
  FoldStats& st_;
};

}  // namespace

Status FoldTransposes(ir::Graph& tf, TfDims& dims, FoldStats* stats) {
  FoldStats local;
  Folder f(tf, dims, stats ? *stats : local);
  return f.Run();
}

}  // namespace ferry::convert::onnx_to_tf
