#include "convert/onnx_to_tf/passes/infer_facts.h"

namespace ferry::convert::onnx_to_tf {
namespace {

// Elements of operand `in` at position i of a broadcast to `len` (a 1-element operand
// repeats), or nullptr.
const Elem* At(const ValueFacts& in, size_t i, size_t len) {
  if (!in.elements) return nullptr;
  const auto& e = *in.elements;
  if (e.size() == len) return &e[i];
  if (e.size() == 1) return &e[0];
  return nullptr;
}

// Elements the converters' Infer leave unset on the comparisons and selections torch writes
// around shape tensors (expand(n, -1, -1) exports Where(Equal(sizes, -1), 1, sizes)), and on
// Reshape/Identity of a shape vector, and on integer arithmetic with a symbol. A symbol is
// a dim, never negative: Equal(n, -1) is false. Lets the chain resolve to [n, 1, 1] so that Expand's output shape is known
// symbolically (its target is still computed in the graph when n is dynamic).
void PropagateShapeElements(const ir::Node& n, FactsMap* facts) {
  if (n.num_outputs() < 1 || !n.output(0)) return;
  ValueFacts& out = (*facts)[n.output(0)];
  if (out.elements || out.rank() > 1 || !out.dims) return;
  const size_t len = out.rank() == 0 ? 1 : ((*out.dims)[0].known() ? (*out.dims)[0].value : 0);
  if (len == 0 || len > 64) return;
  auto in = [&](int i) -> const ValueFacts* {
    if (i >= n.num_inputs() || !n.input(i)) return nullptr;
    auto it = facts->find(n.input(i));
    return it == facts->end() ? nullptr : &it->second;
  };
  std::vector<Elem> e;
  const std::string& op = n.op_type();
  if (op == "Equal" && n.domain().empty()) {
    const ValueFacts *a = in(0), *b = in(1);
    if (!a || !b) return;
    for (size_t i = 0; i < len; ++i) {
      const Elem *x = At(*a, i, len), *y = At(*b, i, len);
      if (!x || !y) return;
      if (x->known() && y->known())
        e.push_back(Elem::Of(x->value == y->value));
      else if (!x->known() && !y->known() && x->sym == y->sym)
        e.push_back(Elem::Of(1));
      else if ((!x->known() && y->known() && y->value < 0) ||
               (!y->known() && x->known() && x->value < 0))
        e.push_back(Elem::Of(0));
      else
        return;
    }
  } else if (op == "Where" && n.domain().empty()) {
    const ValueFacts *c = in(0), *x = in(1), *y = in(2);
    if (!c || !x || !y) return;
    for (size_t i = 0; i < len; ++i) {
      const Elem *ci = At(*c, i, len), *xi = At(*x, i, len), *yi = At(*y, i, len);
      if (!ci || !ci->known() || !xi || !yi) return;
      e.push_back(ci->value ? *xi : *yi);
    }
  } else if ((op == "Mul" || op == "Add" || op == "Sub" || op == "Div") && n.domain().empty() &&
             IsInteger(out.dtype)) {
    // Arithmetic on a symbol (batch * heads): a new symbol spelling the expression, so that
    // the same expression elsewhere is recognised as the same dim.
    const ValueFacts *a = in(0), *b = in(1);
    if (!a || !b) return;
    const char* sign = op == "Mul" ? "*" : op == "Add" ? "+" : op == "Sub" ? "-" : "/";
    auto str = [](const Elem& x) { return x.known() ? std::to_string(x.value) : x.sym; };
    for (size_t i = 0; i < len; ++i) {
      const Elem *x = At(*a, i, len), *y = At(*b, i, len);
      if (!x || !y || (x->known() && y->known())) return;  // numbers: the converter folds
      e.push_back(Elem{0, "(" + str(*x) + sign + str(*y) + ")"});
    }
  } else if ((op == "Reshape" || op == "Identity") && n.domain().empty()) {
    const ValueFacts* x = in(0);
    if (!x || !x->elements || x->elements->size() != len) return;
    e = *x->elements;
  } else {
    return;
  }
  out.SetElements(std::move(e), out.rank() == 0);
}

}  // namespace

Status InferFacts(const ir::Graph& g, const std::vector<ir::Node*>& order,
                  const ConverterOf& converters, FactsMap* facts) {
  for (const ir::Value* v : g.values())
    if (v->is_constant()) (*facts)[v] = FactsOfConstant(v->constant());
  for (const ir::Value* v : g.inputs()) {
    ValueFacts f;
    f.dtype = v->dtype();
    if (v->info().shape) {
      std::vector<ir::Dim> dims = *v->info().shape;
      // An unnamed unknown dim gets a symbol of its own so that Shape -> Gather -> Reshape
      // chains can still tell it is "the same batch dim" as the input's.
      for (size_t i = 0; i < dims.size(); ++i)
        if (!dims[i].known() && dims[i].param.empty())
          dims[i].param = "?" + v->name() + ":" + std::to_string(i);
      f.dims = dims;
    }
    (*facts)[v] = f;
  }
  for (const ir::Node* n : order) {
    InferContext ctx(*n, *facts);
    FERRY_RETURN_IF_ERROR(converters.at(n)->Infer(*n, ctx));
    PropagateShapeElements(*n, facts);
    for (int i = 0; i < n->num_outputs(); ++i) {
      const ir::Value* o = n->output(i);
      if (!o) continue;
      ValueFacts& f = (*facts)[o];
      // Fall back on what the model (or onnx shape inference) recorded.
      if (f.dtype == DataType::kUndefined) f.dtype = o->dtype();
      if (!f.dims && o->info().shape) f.dims = *o->info().shape;
    }
  }
  return Status::Ok();
}

}  // namespace ferry::convert::onnx_to_tf
