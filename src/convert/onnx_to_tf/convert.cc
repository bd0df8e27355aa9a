#include "convert/onnx_to_tf/convert.h"

#include <algorithm>
#include <map>
#include <set>

#include "convert/onnx_to_tf/op_converter.h"
#include "convert/onnx_to_tf/passes/infer_facts.h"
#include "convert/onnx_to_tf/passes/to_nhwc.h"

namespace ferry::convert {
namespace {

using onnx_to_tf::ConverterOf;
using onnx_to_tf::ValueLayout;

// Finds every node's converter; one error lists every unsupported op (with its nodes) and
// every attribute no converter understands.
StatusOr<ConverterOf> SelectConverters(const ir::Graph& g, const std::vector<ir::Node*>& order) {
  const auto& table = onnx_to_tf::OnnxToTfConverters();
  int64_t opset = g.opset("");
  if (opset == 0) opset = g.opset("ai.onnx");
  if (opset == 0) return InvalidArgument("ONNX graph has no default-domain opset import");
  ConverterOf result;
  std::map<std::string, std::vector<std::string>> unsupported;
  std::vector<std::string> bad_attrs;
  for (const ir::Node* n : order) {
    const bool onnx_domain = n->domain().empty() || n->domain() == "ai.onnx";
    const onnx_to_tf::OpConverter* c = onnx_domain ? table.Find(n->op_type(), opset) : nullptr;
    if (!c) {
      std::string key = onnx_domain ? n->op_type() : n->domain() + ":" + n->op_type();
      unsupported[key].push_back(n->name());
      continue;
    }
    std::vector<std::string> known = c->attributes();
    std::set<std::string> ok(known.begin(), known.end());
    for (const auto& [k, a] : n->attrs())
      if (!ok.count(k)) bad_attrs.push_back(n->Describe() + ": attribute '" + k + "'");
    result[n] = c;
  }
  if (!unsupported.empty()) {
    std::string msg = "cannot convert to TensorFlow, unsupported ONNX op" +
                      std::string(unsupported.size() > 1 ? "s" : "") + " (opset " +
                      std::to_string(opset) + "): ";
    bool first = true;
    for (const auto& [op, nodes] : unsupported) {
      msg += (first ? "" : ", ") + op + " (node" + (nodes.size() > 1 ? "s" : "") + " ";
      for (size_t i = 0; i < nodes.size(); ++i) msg += (i ? ", '" : "'") + nodes[i] + "'";
      msg += ")";
      first = false;
    }
    return Unimplemented(msg);
  }
  if (!bad_attrs.empty()) {
    std::string msg = "cannot convert to TensorFlow, unsupported attributes: ";
    for (size_t i = 0; i < bad_attrs.size(); ++i) msg += (i ? "; " : "") + bad_attrs[i];
    return Unimplemented(msg);
  }
  return result;
}

}  // namespace

StatusOr<std::shared_ptr<ir::Graph>> ConvertOnnxToTf(const ir::Graph& onnx,
                                                     const ConvertOptions& options) {
  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Node*> order, onnx.TopologicalOrder());
  FERRY_ASSIGN_OR_RETURN(ConverterOf converters, SelectConverters(onnx, order));
  onnx_to_tf::FactsMap facts;
  FERRY_RETURN_IF_ERROR(onnx_to_tf::InferFacts(onnx, order, converters, &facts));
  const onnx_to_tf::LayoutPlan plan = onnx_to_tf::PlanLayouts(onnx, order, converters, facts);

  auto tf = std::make_shared<ir::Graph>();
  tf->set_name(options.graph_name.empty() ? onnx.name() : options.graph_name);
  tf->opset_imports()["tf"] = 1;
  for (const auto& [k, v] : onnx.metadata()) tf->metadata()["onnx." + k] = v;
  onnx_to_tf::TfBuilder b(*tf, facts, plan);

  // Inputs keep ONNX's names, dtypes and NCHW shapes: the signature a client already uses.
  for (const ir::Value* in : onnx.inputs()) {
    if (in->is_constant()) continue;
    ir::Value* p = tf->AddValue(in->name(), in->info());
    tf->inputs().push_back(p);
    if (in->dtype() == DataType::kInt64) {
      // int64 is int32 inside the TF graph (TfDType): the signature keeps int64, one Cast
      // narrows it for the ops, whose integer constants are int32.
      ir::Node* cast = tf->AddNode("Cast", "tf", in->name() + "/to_int32", {p},
                                   {in->name() + "/int32"});
      cast->set_attr("SrcT", ir::Attribute::Type(DataType::kInt64));
      cast->set_attr("DstT", ir::Attribute::Type(DataType::kInt32));
      cast->set_attr("Truncate", ir::Attribute::Bool(false));
      cast->output(0)->info() = in->info();
      cast->output(0)->info().dtype = DataType::kInt32;
      b.BindPlain(in, cast->output(0));
      continue;
    }
    b.BindPlain(in, p);
  }
  for (const ir::Node* n : order) {
    bool folded = n->num_outputs() > 0;
    for (const ir::Value* o : n->outputs()) folded &= !o || facts[o].constant.has_value();
    if (folded) continue;  // TfBuilder::ValueIn emits the folded values as Consts on use
    const onnx_to_tf::OpConverter* c = converters.at(n);
    b.Begin(*n, *c);
    FERRY_RETURN_IF_ERROR(c->Convert(*n, b));
    for (int i = 0; i < n->num_outputs(); ++i) {
      const ir::Value* o = n->output(i);
      if (o && !b.IsBound(o) && (!o->users().empty() || onnx.IsGraphOutput(o)))
        return Internal(n->Describe() + ": converter left output " + std::to_string(i) + " ('" +
                        o->name() + "') without a TF value");
    }
  }

  // Outputs: back to ONNX's layout, named exactly as in ONNX.
  for (const ir::Value* out : onnx.outputs()) {
    FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.ValueIn(out, ValueLayout::kPlain));
    if (v->name() != out->name() || tf->IsGraphOutput(v) || v->is_constant() ||
        std::find(tf->inputs().begin(), tf->inputs().end(), v) != tf->inputs().end()) {
      if (tf->FindValue(out->name()) && tf->FindValue(out->name()) != v)
        return Internal("TF value name '" + out->name() + "' is taken by another value");
      ir::Node* id = tf->AddNode("Identity", "tf", out->name() + "/identity", {v}, {out->name()});
      id->set_attr("T", ir::Attribute::Type(v->dtype()));
      v = id->output(0);
    }
    v->info() = out->info();
    v->info().dtype = onnx_to_tf::TfDType(out->dtype());
    tf->outputs().push_back(v);
  }
  tf->EliminateDeadCode();
  return tf;
}

}  // namespace ferry::convert
