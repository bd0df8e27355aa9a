#include "torch/torchscript_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/lower_tuples.h>
#include <torch/csrc/jit/passes/remove_dropout.h>
#include <torch/csrc/jit/passes/remove_mutation.h>
#include <torch/csrc/jit/runtime/interpreter.h>
#include <torch/script.h>

#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "torch/torch_guard.h"

namespace ferry::torch {
namespace {

using convert::torch_to_onnx::AtenGraph;
using convert::torch_to_onnx::AtenKind;
using convert::torch_to_onnx::AtenNode;
using convert::torch_to_onnx::AtenValue;
namespace jit = ::torch::jit;

std::optional<DataType> FromScalarType(at::ScalarType t) {
  switch (t) {
    case at::kFloat:
      return DataType::kFloat32;
    case at::kDouble:
      return DataType::kFloat64;
    case at::kHalf:
      return DataType::kFloat16;
    case at::kBFloat16:
      return DataType::kBFloat16;
    case at::kChar:
      return DataType::kInt8;
    case at::kShort:
      return DataType::kInt16;
    case at::kInt:
      return DataType::kInt32;
    case at::kLong:
      return DataType::kInt64;
    case at::kByte:
      return DataType::kUInt8;
    case at::kBool:
      return DataType::kBool;
    default:
      return std::nullopt;
  }
}

StatusOr<at::ScalarType> ToScalarType(DataType t) {
  switch (t) {
    case DataType::kFloat32:
      return at::kFloat;
    case DataType::kFloat64:
      return at::kDouble;
    case DataType::kFloat16:
      return at::kHalf;
    case DataType::kInt32:
      return at::kInt;
    case DataType::kInt64:
      return at::kLong;
    case DataType::kUInt8:
      return at::kByte;
    case DataType::kInt8:
      return at::kChar;
    case DataType::kBool:
      return at::kBool;
    default:
      return InvalidArgument(std::string("input dtype ") + DataTypeName(t) + " is not supported");
  }
}

StatusOr<Tensor> TensorFromTorch(const at::Tensor& t, const std::string& what) {
  std::optional<DataType> dtype = FromScalarType(t.scalar_type());
  if (!dtype) {
    return Unimplemented(what + ": tensor dtype " + std::string(c10::toString(t.scalar_type())) +
                         " has no ferry equivalent");
  }
  const at::Tensor c = t.detach().to(at::kCPU).contiguous();
  FERRY_ASSIGN_OR_RETURN(Tensor out, Tensor::Create(*dtype, Shape(c.sizes().vec())));
  if (out.NumBytes() > 0) std::memcpy(out.raw_data(), c.data_ptr(), out.NumBytes());
  return out;
}

// "file.py:12" of the Python line a node came from: the original source when the archive
// kept it (debug_pkl), else the serialized code's line.
std::string SourceOf(const jit::Node* n) {
  jit::SourceRange r = n->sourceRange();
  if (auto orig = r.findSourceRangeThatGenerated()) r = *orig;
  if (auto flc = r.file_line_col()) {
    return std::get<0>(*flc) + ":" + std::to_string(std::get<1>(*flc));
  }
  if (r.source() != nullptr && r.source()->filename()) {
    return *r.source()->filename() + ":" +
           std::to_string(r.source()->lineno_for_offset(r.start()) +
                          r.source()->starting_line_no());
  }
  return "";
}

AtenKind KindOfType(const c10::TypePtr& t) {
  if (t->kind() == c10::TypeKind::TensorType) return AtenKind::kTensor;
  if (t->kind() == c10::TypeKind::IntType) return AtenKind::kInt;
  if (t->kind() == c10::TypeKind::FloatType) return AtenKind::kFloat;
  if (t->kind() == c10::TypeKind::BoolType) return AtenKind::kBool;
  if (t->kind() == c10::TypeKind::StringType) return AtenKind::kString;
  if (t->kind() == c10::TypeKind::NoneType) return AtenKind::kNone;
  if (t->kind() == c10::TypeKind::DeviceObjType) return AtenKind::kDevice;
  if (auto list = t->cast<c10::ListType>()) {
    const auto& e = list->getElementType();
    if (e->kind() == c10::TypeKind::IntType) return AtenKind::kIntList;
    if (e->kind() == c10::TypeKind::FloatType) return AtenKind::kFloatList;
    if (e->kind() == c10::TypeKind::BoolType) return AtenKind::kBoolList;
    if (e->kind() == c10::TypeKind::TensorType) return AtenKind::kTensorList;
  }
  return AtenKind::kOther;
}

// Fills a constant value from a prim::Constant's IValue.
Status SetConstant(const c10::IValue& iv, AtenValue& v) {
  if (iv.isTensor()) {
    v.kind = AtenKind::kTensor;
    FERRY_ASSIGN_OR_RETURN(Tensor t, TensorFromTorch(iv.toTensor(), "constant '" + v.name + "'"));
    v.dtype = t.dtype();
    v.sizes = t.shape().dims();
    v.constant = std::move(t);
  } else if (iv.isInt()) {
    v.kind = AtenKind::kInt;
    v.constant = Tensor::Scalar<int64_t>(iv.toInt());
  } else if (iv.isDouble()) {
    v.kind = AtenKind::kFloat;
    v.constant = Tensor::Scalar<double>(iv.toDouble());
  } else if (iv.isBool()) {
    v.kind = AtenKind::kBool;
    v.constant = Tensor::Scalar<bool>(iv.toBool());
  } else if (iv.isIntList()) {
    v.kind = AtenKind::kIntList;
    std::vector<int64_t> xs = iv.toIntVector();
    const int64_t n = static_cast<int64_t>(xs.size());
    v.constant = Tensor::FromVector<int64_t>(xs, Shape({n}));
  } else if (iv.isDoubleList()) {
    v.kind = AtenKind::kFloatList;
    std::vector<double> xs = iv.toDoubleVector();
    const int64_t n = static_cast<int64_t>(xs.size());
    v.constant = Tensor::FromVector<double>(xs, Shape({n}));
  } else if (iv.isBoolList()) {
    v.kind = AtenKind::kBoolList;
    std::vector<bool> xs;
    for (bool b : iv.toBoolList()) xs.push_back(b);
    const int64_t n = static_cast<int64_t>(xs.size());
    v.constant = Tensor::FromVector<bool>(xs, Shape({n}));
  } else if (iv.isTensorList()) {
    v.kind = AtenKind::kTensorList;
    for (const at::Tensor& t : iv.toTensorVector()) {
      FERRY_ASSIGN_OR_RETURN(Tensor ft, TensorFromTorch(t, "constant '" + v.name + "'"));
      v.tensors.push_back(std::move(ft));
    }
  } else if (iv.isString()) {
    v.kind = AtenKind::kString;
    v.str = iv.toStringRef();
  } else if (iv.isNone()) {
    v.kind = AtenKind::kNone;
  } else if (iv.isDevice()) {
    v.kind = AtenKind::kDevice;
  } else {
    v.kind = AtenKind::kOther;  // the converter reports the node that reads it
  }
  if (v.constant && v.kind != AtenKind::kTensor) v.dtype = v.constant->dtype();
  return Status::Ok();
}

// In-place ops (aten::relu_, aten::add_) that RemoveMutation left: later readers of the
// mutated input read the op's output instead, so the graph becomes functional. Exact when no
// other alias of the input is read afterwards, which holds for the views-free code that
// model forwards write (torchvision's inplace ReLUs, masked_fill_ on a fresh tensor).
void RewireInPlaceOps(jit::Block* block) {
  for (jit::Node* n : block->nodes()) {
    for (jit::Block* b : n->blocks()) RewireInPlaceOps(b);
    const std::string kind = n->kind().toQualString();
    if (kind.rfind("aten::", 0) != 0 || kind.size() < 8 || kind.back() != '_' ||
        kind[kind.size() - 2] == '_' || n->inputs().empty() || n->outputs().size() != 1) {
      continue;
    }
    n->input(0)->replaceAllUsesAfterNodeWith(n, n->output());
  }
}

}  // namespace

bool IsTorchScriptFile(const std::string& path) {
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    return reader.hasRecord("constants.pkl");
  } catch (...) {
    return false;
  }
}

StatusOr<std::vector<std::string>> TorchScriptInputNames(const std::string& path) {
  const std::string where = "TorchScript '" + path + "'";
  return CatchTorchErrors(where, [&]() -> StatusOr<std::vector<std::string>> {
    jit::Module m = jit::load(path, c10::Device(c10::kCPU));
    const c10::FunctionSchema& schema = m.get_method("forward").function().getSchema();
    std::vector<std::string> names;
    for (size_t i = 1; i < schema.arguments().size(); ++i)
      names.push_back(schema.arguments()[i].name());
    return names;
  });
}

StatusOr<AtenGraph> ReadTorchScript(const std::string& path,
                                    const std::vector<TorchScriptInput>& inputs) {
  const std::string where = "TorchScript '" + path + "'";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound(where + " does not exist");
  return CatchTorchErrors(where, [&]() -> StatusOr<AtenGraph> {
    jit::Module module = jit::load(path, c10::Device(c10::kCPU));
    module.eval();
    const c10::FunctionSchema& schema = module.get_method("forward").function().getSchema();
    std::vector<std::string> arg_names;
    for (size_t i = 1; i < schema.arguments().size(); ++i) {
      const c10::Argument& arg = schema.arguments()[i];
      if (arg.type()->kind() != c10::TypeKind::TensorType) {
        return Unimplemented(where + ": forward argument '" + arg.name() + "' is " +
                             arg.type()->str() + "; only tensor arguments can be exported");
      }
      arg_names.push_back(arg.name());
    }
    if (arg_names.size() != inputs.size()) {
      return InvalidArgument(where + ": forward takes " + std::to_string(arg_names.size()) +
                             " tensors, got " + std::to_string(inputs.size()) +
                             " input shapes (--input-shape, one per input)");
    }
    jit::Module frozen = jit::freeze_module(module);
    std::shared_ptr<jit::Graph> graph = frozen.get_method("forward").graph()->copy();
    jit::Inline(*graph);
    jit::LowerAllTuples(graph);
    jit::RemoveTensorMutation(graph);
    jit::RemoveListMutation(graph);
    jit::removeDropout(graph);
    jit::ConstantPropagation(graph);
    jit::EliminateDeadCode(graph);
    RewireInPlaceOps(graph->block());
    jit::EliminateDeadCode(graph);

    // Types and sizes of every tensor: the graph runs once on example inputs (zeros) with
    // each tensor value as an extra output. Exact where libtorch's static shape analysis is
    // not (it gives up at the first op it does not know).
    if (graph->inputs().size() != inputs.size() + 1) {
      return Internal(where + ": frozen forward has " + std::to_string(graph->inputs().size()) +
                      " inputs, expected self and " + std::to_string(inputs.size()));
    }
    std::unordered_map<const jit::Value*, at::Tensor> seen;
    {
      std::shared_ptr<jit::Graph> probe = graph->copy();
      std::vector<const jit::Value*> originals, probed;
      auto on = graph->nodes().begin();
      for (jit::Node* pn : probe->nodes()) {
        const jit::Node* n = *on;
        ++on;
        for (size_t o = 0; o < pn->outputs().size(); ++o) {
          if (pn->outputs()[o]->type()->kind() != c10::TypeKind::TensorType) continue;
          probe->registerOutput(pn->outputs()[o]);
          originals.push_back(n->outputs()[o]);
        }
      }
      for (size_t i = 0; i < inputs.size(); ++i) originals.push_back(graph->inputs()[i + 1]);
      jit::Stack stack;
      stack.emplace_back(frozen._ivalue());
      std::vector<at::Tensor> examples;
      for (size_t i = 0; i < inputs.size(); ++i) {
        FERRY_ASSIGN_OR_RETURN(at::ScalarType st, ToScalarType(inputs[i].dtype));
        examples.push_back(at::zeros(inputs[i].shape, at::TensorOptions().dtype(st)));
        stack.emplace_back(examples.back());
      }
      try {
        ::torch::NoGradGuard no_grad;
        jit::Code code(probe, "probe");
        jit::InterpreterState state(code);
        state.run(stack);
        const size_t base = stack.size() - (originals.size() - inputs.size());
        for (size_t k = 0; k + inputs.size() < originals.size(); ++k) {
          if (stack[base + k].isTensor()) seen[originals[k]] = stack[base + k].toTensor();
        }
        for (size_t i = 0; i < inputs.size(); ++i) seen[graph->inputs()[i + 1]] = examples[i];
      } catch (const std::exception& e) {
        return InvalidArgument(where +
                               ": running the graph on example inputs of the given "
                               "shapes failed: " +
                               ExceptionMessage(e));
      }
    }

    AtenGraph g;
    g.origin = path;
    g.input_names = arg_names;
    std::unordered_map<const jit::Value*, int> ids;
    auto add_value = [&](const jit::Value* jv) -> AtenValue& {
      ids[jv] = static_cast<int>(g.values.size());
      AtenValue v;
      v.name = jv->debugName();
      v.kind = KindOfType(jv->type());
      if (auto it = seen.find(jv); it != seen.end() && it->second.defined()) {
        v.dtype = FromScalarType(it->second.scalar_type()).value_or(DataType::kUndefined);
        v.sizes = it->second.sizes().vec();
      } else if (v.kind == AtenKind::kInt || v.kind == AtenKind::kIntList) {
        v.dtype = DataType::kInt64;
      } else if (v.kind == AtenKind::kFloat) {
        v.dtype = DataType::kFloat64;
      } else if (v.kind == AtenKind::kBool) {
        v.dtype = DataType::kBool;
      }
      g.values.push_back(std::move(v));
      return g.values.back();
    };
    for (size_t i = 1; i < graph->inputs().size(); ++i) {
      add_value(graph->inputs()[i]);
      g.inputs.push_back(ids[graph->inputs()[i]]);
    }
    for (const jit::Node* n : graph->nodes()) {
      if (n->kind() == c10::prim::Constant) {
        AtenValue& v = add_value(n->output());
        auto iv = jit::toIValue(n->output());
        if (iv) FERRY_RETURN_IF_ERROR(SetConstant(*iv, v));
        continue;
      }
      AtenNode an;
      an.kind = n->kind().toQualString();
      an.source = SourceOf(n);
      if (!n->blocks().empty()) an.kind += " (with control flow)";
      for (const jit::Value* in : n->inputs()) {
        auto it = ids.find(in);
        if (it == ids.end()) {
          return Internal(where + ": " + an.kind + " reads '" + in->debugName() +
                          "' before it is defined");
        }
        an.inputs.push_back(it->second);
      }
      for (const jit::Value* out : n->outputs()) {
        add_value(out);
        an.outputs.push_back(ids[out]);
      }
      g.nodes.push_back(std::move(an));
    }
    for (const jit::Value* out : graph->outputs()) {
      auto it = ids.find(out);
      if (it == ids.end()) return Internal(where + ": output '" + out->debugName() + "' unknown");
      g.outputs.push_back(it->second);
    }
    return g;
  });
}

}  // namespace ferry::torch
