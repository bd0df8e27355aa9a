#include "convert/onnx_to_tf/passes/infer_facts.h"

namespace ferry::convert::onnx_to_tf {

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
