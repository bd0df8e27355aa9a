#include "convert/onnx_to_tf/convert.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "convert/onnx_to_tf/op_converter.h"
#include "convert/onnx_to_tf/passes/fold_transposes.h"
#include "convert/onnx_to_tf/passes/infer_facts.h"
#include "convert/onnx_to_tf/passes/to_nhwc.h"
#include "onnx/model_io.h"
#include "tf/graph_def.h"

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
  // The training optimizers (Adagrad, Adam, Momentum) live in their own domain; a graph of
  // them alone imports no default domain.
  const int64_t training_opset = g.opset("ai.onnx.preview.training");
  if (opset == 0 && training_opset == 0)
    return InvalidArgument("ONNX graph has no default-domain opset import");
  ConverterOf result;
  std::map<std::string, std::vector<std::string>> unsupported;
  std::vector<std::string> bad_attrs;
  for (const ir::Node* n : order) {
    const bool onnx_domain = n->domain().empty() || n->domain() == "ai.onnx";
    const bool training = n->domain() == "ai.onnx.preview.training";
    const onnx_to_tf::OpConverter* c =
        onnx_domain ? (opset ? table.Find(n->op_type(), opset) : nullptr)
                    : (training ? table.Find(n->op_type(), training_opset) : nullptr);
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

int64_t ModelOpset(const ir::Graph& g) {
  int64_t opset = g.opset("");
  return opset == 0 ? g.opset("ai.onnx") : opset;
}

// The newest opset the installed onnx version converter lifts to (onnx 1.12).
constexpr int64_t kMaxLiftOpset = 17;

// The permutation from a value's ONNX layout to its TF one (empty: the same): NHWC / NDHWC
// for kNhwc; a channel shuffle's [N, A, B, H, W] stored [N, H, W, A, B] for kShuffle.
std::vector<int64_t> PermOf(ValueLayout layout, int rank) {
  if (layout == ValueLayout::kShuffle) return {0, 3, 4, 1, 2};
  if (layout != ValueLayout::kNhwc || !onnx_to_tf::IsChannelsLastRank(rank)) return {};
  return onnx_to_tf::ToNhwcPerm(rank);
}

}  // namespace

int64_t OpsetNeededForConversion(const ir::Graph& onnx) {
  const auto& table = onnx_to_tf::OnnxToTfConverters();
  const int64_t opset = ModelOpset(onnx);
  if (opset == 0) return 0;
  int64_t needed = 0;
  for (const auto& n : onnx.nodes()) {
    if (!(n->domain().empty() || n->domain() == "ai.onnx")) return 0;
    if (table.Find(n->op_type(), opset)) continue;
    int64_t first = 0;
    for (int64_t t = opset + 1; t <= kMaxLiftOpset && !first; ++t)
      if (table.Find(n->op_type(), t)) first = t;
    if (!first) return 0;  // no converter at any opset: lifting cannot help
    needed = std::max(needed, first);
  }
  return needed;
}

StatusOr<std::shared_ptr<ir::Graph>> ConvertOnnxToTf(const ir::Graph& onnx,
                                                     const ConvertOptions& options) {
  if (options.lift_opset) {
    const int64_t target = OpsetNeededForConversion(onnx);
    if (target > 0) {
      ConvertOptions o = options;
      o.lift_opset = false;
      auto lifted = onnx::UpgradeOpset(onnx, target);
      // A failed lift leaves the original error (naming the unsupported ops) in charge.
      if (!lifted.ok()) {
        auto direct = ConvertOnnxToTf(onnx, o);
        if (direct.ok()) return direct;
        return direct.status().WithContext(lifted.status().message());
      }
      return ConvertOnnxToTf(**lifted, o);
    }
  }
  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Node*> order, onnx.TopologicalOrder());
  FERRY_ASSIGN_OR_RETURN(ConverterOf converters, SelectConverters(onnx, order));
  onnx_to_tf::FactsMap facts;
  FERRY_RETURN_IF_ERROR(onnx_to_tf::InferFacts(onnx, order, converters, &facts));
  onnx_to_tf::PlanOptions po;
  po.keep_nchw = options.keep_nchw;
  po.input_nhwc = options.input_nhwc;
  const onnx_to_tf::LayoutPlan plan = onnx_to_tf::PlanLayouts(onnx, order, converters, facts, po);

  auto tf = std::make_shared<ir::Graph>();
  tf->set_name(options.graph_name.empty() ? onnx.name() : options.graph_name);
  tf->opset_imports()["tf"] = 1;
  for (const auto& [k, v] : onnx.metadata()) tf->metadata()["onnx." + k] = v;
  onnx_to_tf::TfBuilder b(*tf, facts, plan);

  // Inputs keep ONNX's names, dtypes and NCHW shapes: the signature a client already uses.
  for (const ir::Value* in : onnx.inputs()) {
    if (in->is_constant()) continue;
    ir::ValueInfo info = in->info();
    if (plan.Of(in) == ValueLayout::kNhwc && info.shape &&
        onnx_to_tf::IsChannelsLastRank(static_cast<int>(info.shape->size()))) {
      const std::vector<ir::Dim> d = *info.shape;
      info.shape->clear();
      for (int64_t a : onnx_to_tf::ToNhwcPerm(static_cast<int>(d.size())))
        info.shape->push_back(d[a]);
    }
    ir::Value* p = tf->AddValue(in->name(), info);
    tf->inputs().push_back(p);
    if (in->dtype() == DataType::kInt64) {
      // int64 is int32 inside the TF graph (TfDType): the signature keeps int64, one Cast
      // narrows it for the ops, whose integer constants are int32.
      ir::Node* cast = tf->AddNode("Cast", "tf", in->name() + "/to_int32", {p},
                                   {in->name() + "/int32"});
      cast->set_attr("SrcT", ir::Attribute::Type(DataType::kInt64));
      cast->set_attr("DstT", ir::Attribute::Type(DataType::kInt32));
      cast->set_attr("Truncate", ir::Attribute::Bool(false));
      cast->output(0)->info() = info;
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

  // FERRY_NO_FOLD_TRANSPOSES=1 turns the pass off (before/after comparisons); --keep-nchw
  // graphs keep their Transpose pair around each NHWC op as the flag promises.
  if (options.fold_transposes && !options.keep_nchw && !std::getenv("FERRY_NO_FOLD_TRANSPOSES")) {
    // Dims of the TF values, from the ONNX facts in the layout the plan gave each value.
    onnx_to_tf::TfDims dims;
    auto note = [&](const ir::Value* o) {
      const ir::Value* v = o ? b.Bound(o) : nullptr;
      if (!v || v->is_constant() || dims.count(v) || !facts[o].dims) return;
      const std::vector<ir::Dim>& d = *facts[o].dims;
      const std::vector<int64_t> perm = PermOf(plan.Of(o), static_cast<int>(d.size()));
      if (perm.empty()) {
        dims[v] = d;
        return;
      }
      if (perm.size() != d.size()) return;
      std::vector<ir::Dim> p;
      for (int64_t a : perm) p.push_back(d[a]);
      dims[v] = p;
    };
    for (const ir::Value* in : onnx.inputs()) note(in);
    for (const ir::Node* n : order)
      for (const ir::Value* o : n->outputs()) note(o);
    FERRY_RETURN_IF_ERROR(onnx_to_tf::FoldTransposes(*tf, dims));
  }

  // The per-node check's map: each ONNX value with a TF value of its own (not folded into a
  // Const, not in the flattened-NHWC feature order) and the permutation between them.
  std::vector<tf::SourceValue> sources;
  auto record = [&](const ir::Value* o) {
    const ir::Value* v = o ? b.Bound(o) : nullptr;
    if (!v || v->is_constant() || plan.Of(o) == ValueLayout::kFlatNhwc) return;
    sources.push_back({o->name(), v->name(), PermOf(plan.Of(o), facts[o].rank())});
  };
  for (const ir::Value* in : onnx.inputs()) record(in);
  for (const ir::Node* n : order)
    for (const ir::Value* o : n->outputs()) record(o);
  tf->EliminateDeadCode();
  std::vector<tf::SourceValue> kept;
  for (tf::SourceValue& s : sources)
    if (tf->FindValue(s.value)) kept.push_back(std::move(s));
  tf::SetSourceValues(tf.get(), kept);
  return tf;
}

}  // namespace ferry::convert
