// File-level ONNX I/O: parse, checker, shape inference, atomic writes. Every exception of
// protobuf and libonnx stops here and becomes a Status.
#include "onnx/model_io.h"

#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/skeleton.h"
#include "onnx/type_proto.h"
#include "onnx/version_converter/convert.h"

namespace ferry::onnx {
namespace {

namespace fs = std::filesystem;

// The first line of an exception message: onnx's checker appends multi-line context.
std::string FirstLine(const std::string& s) {
  size_t end = s.find('\n');
  std::string line = s.substr(0, end);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// The installed onnx checker refuses any IR version newer than its own outright ("ir_version
// is higher than the checker's"); such models are loaded and written unchecked.
bool Checkable(const ::onnx::ModelProto& model) {
  return model.ir_version() <= ::onnx::Version::IR_VERSION;
}

bool UsesExternalData(const ::onnx::GraphProto& g) {
  for (const auto& t : g.initializer())
    if (t.data_location() == ::onnx::TensorProto::EXTERNAL) return true;
  for (const auto& n : g.node()) {
    for (const auto& a : n.attribute()) {
      if (a.has_t() && a.t().data_location() == ::onnx::TensorProto::EXTERNAL) return true;
      if (a.has_g() && UsesExternalData(a.g())) return true;
      for (const auto& sg : a.graphs())
        if (UsesExternalData(sg)) return true;
    }
  }
  return false;
}

// Parses the model in `source` (its skeleton, whose big initializer payloads the import then
// reads straight into tensor storage: onnx/skeleton.h), converts, then checks. The conversion
// comes first so that ferry's own validation (external data confined to the model folder)
// runs before the checker touches any file.
StatusOr<std::shared_ptr<ir::Graph>> Load(const ModelSource& source, const std::string& path,
                                          const std::string& model_dir,
                                          const LoadOptions& options) {
  const std::string label = path.empty() ? "ONNX model" : "'" + path + "'";
  const std::string not_a_model = label + ": not a valid ONNX model";
  try {
    // protobuf parses at most INT_MAX bytes: a bigger model needs external data.
    if (source.size() > static_cast<uint64_t>(INT_MAX))
      return InvalidArgument(not_a_model + " (" + std::to_string(source.size()) +
                             " bytes, over protobuf's 2 GiB limit)");
    auto skeleton = ScanModelSkeleton(source);
    if (!skeleton.ok())
      return InvalidArgument(not_a_model + " (" + skeleton.status().message() + ")");
    ::onnx::ModelProto model;
    if (!model.ParseFromString(skeleton->bytes))
      return InvalidArgument(not_a_model +
                             " (protobuf parse failed: the file is truncated, over 2 GiB, or not "
                             "an ONNX ModelProto)");
    std::string().swap(skeleton->bytes);
    // Asked before the import empties the initializers.
    const bool external = !path.empty() && UsesExternalData(model.graph());
    auto graph = TakeGraphFromSkeleton(&model, model_dir, *skeleton, source);
    if (!graph.ok()) return graph.status().WithContext(label);
    if (options.check && Checkable(model)) {
      try {
        if (external) {
          ::onnx::checker::check_model(path);  // resolves external files against the folder
        } else {
          ::onnx::checker::check_model(model);
        }
      } catch (const std::exception& e) {
        return InvalidArgument(label + ": onnx checker: " + FirstLine(e.what()));
      }
    }
    return graph;
  } catch (const std::exception& e) {
    return InvalidArgument(label + ": " + FirstLine(e.what()));
  }
}

// Bytes of tensor data the model will hold: constants and tensor attributes, subgraphs
// included. Lets SaveModel refuse an oversized model before copying gigabytes into a proto.
uint64_t TensorBytes(const ir::Graph& g) {
  uint64_t total = 0;
  for (const ir::Value* v : g.values())
    if (v->is_constant()) total += v->constant().NumBytes();
  for (const auto& n : g.nodes()) {
    for (const auto& [k, a] : n->attrs()) {
      if (a.kind() == ir::AttrKind::kTensor) total += a.t().NumBytes();
      if (a.kind() == ir::AttrKind::kTensors)
        for (const Tensor& t : a.tensors()) total += t.NumBytes();
      if (a.kind() == ir::AttrKind::kGraph && a.g()) total += TensorBytes(*a.g());
      if (a.kind() == ir::AttrKind::kGraphs)
        for (const auto& sg : a.graphs())
          if (sg) total += TensorBytes(*sg);
    }
  }
  return total;
}

Status TooLarge(const std::string& label, uint64_t bytes) {
  return InvalidArgument(label + ": model is " + std::to_string(bytes) +
                         " bytes, over protobuf's 2 GiB (2147483647-byte) message limit; "
                         "writing external data is not supported");
}

}  // namespace

StatusOr<std::shared_ptr<ir::Graph>> LoadModel(const std::string& path,
                                               const LoadOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return NotFound("'" + path + "': no such model file");
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<const OpenFile> file, OpenFile::Open(path));
  std::string dir = fs::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  // Read with pread: the skeleton in small pieces, each big initializer straight into its
  // tensor, or, with lazy_weights, left in the file until read (no in-memory copy of the
  // file; an mmap would count the whole file in the resident set).
  const FileModelSource source(std::move(file), options.lazy_weights);
  return Load(source, path, dir, options);
}

StatusOr<std::shared_ptr<ir::Graph>> LoadModelFromBytes(const std::string& bytes,
                                                        const LoadOptions& options) {
  return Load(BytesModelSource(bytes), "", "", options);
}

Status SaveModel(const ir::Graph& graph, const std::string& path, const SaveOptions& options) {
  const std::string label = "'" + path + "'";
  // protobuf serializes at most INT_MAX bytes per message; bigger models need external
  // data, which ferry does not write.
  const uint64_t tensor_bytes = TensorBytes(graph);
  if (tensor_bytes > static_cast<uint64_t>(INT_MAX)) return TooLarge(label, tensor_bytes);
  ::onnx::ModelProto model;
  try {
    Status s = GraphToModelProto(graph, options, &model);
    if (!s.ok()) return s.WithContext(label);
    const size_t size = model.ByteSizeLong();
    if (size > static_cast<size_t>(INT_MAX)) return TooLarge(label, size);
    if (options.infer_shapes) {
      try {
        ::onnx::shape_inference::InferShapes(model);
      } catch (const std::exception& e) {
        return InvalidArgument(label + ": onnx shape inference: " + FirstLine(e.what()));
      }
    }
    if (options.check && Checkable(model)) {
      // The IR keeps only tensor types; name an untyped input or output before the checker
      // reports it as an "unrecognized type value case".
      for (const auto* list : {&model.graph().input(), &model.graph().output()}) {
        for (const auto& vi : *list) {
          if (vi.type().value_case() == ::onnx::TypeProto::VALUE_NOT_SET)
            return InvalidArgument(label + ": graph " +
                                   (list == &model.graph().input() ? "input" : "output") + " '" +
                                   vi.name() + "' has no type (the IR keeps only tensor types)");
        }
      }
      try {
        ::onnx::checker::check_model(model);
      } catch (const std::exception& e) {
        return InvalidArgument(label + ": onnx checker: " + FirstLine(e.what()));
      }
    }
  } catch (const std::exception& e) {
    return InvalidArgument(label + ": " + FirstLine(e.what()));
  }

  // Write a sibling, then rename: readers never see a half-written model (rename is atomic
  // within one file system).
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return InvalidArgument(label + ": cannot create '" + tmp + "'");
    bool ok = false;
    try {
      ok = model.SerializeToOstream(&out);
    } catch (const std::exception&) {
      ok = false;
    }
    out.close();
    if (!ok || !out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return InvalidArgument(label + ": writing failed (disk full or not writable?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return InvalidArgument(label + ": cannot rename temporary file into place: " + ec.message());
  }
  return Status::Ok();
}

StatusOr<std::shared_ptr<ir::Graph>> UpgradeOpset(const ir::Graph& graph, int64_t target_opset) {
  int64_t from = graph.opset("");
  if (from == 0) from = graph.opset("ai.onnx");
  const std::string what = "onnx version converter (opset " + std::to_string(from) + " -> " +
                           std::to_string(target_opset) + ")";
  SaveOptions options;
  options.infer_shapes = false;
  options.check = false;
  ::onnx::ModelProto model;
  FERRY_RETURN_IF_ERROR(GraphToModelProto(graph, options, &model));
  try {
    ::onnx::ModelProto lifted =
        ::onnx::version_conversion::ConvertVersion(model, static_cast<int>(target_opset));
    model.Clear();  // the initializers are now held once more, by `lifted`
    auto g = GraphFromModelProto(lifted, ".");
    if (!g.ok()) return g.status().WithContext(what);
    for (const auto& [k, v] : graph.metadata())
      if (!(*g)->metadata().count(k)) (*g)->metadata()[k] = v;
    return g;
  } catch (const std::exception& e) {
    return InvalidArgument(what + ": " + FirstLine(e.what()));
  }
}

Status InferShapes(ir::Graph& graph) {
  SaveOptions options;
  options.infer_shapes = false;
  options.check = false;
  options.structure_only = true;  // no copy of the weights
  ::onnx::ModelProto model;
  FERRY_RETURN_IF_ERROR(GraphToModelProto(graph, options, &model));
  try {
    ::onnx::shape_inference::InferShapes(model);
  } catch (const std::exception& e) {
    return InvalidArgument("onnx shape inference: " + FirstLine(e.what()));
  }
  auto merge = [&](const ::onnx::ValueInfoProto& vi) -> Status {
    ir::Value* v = graph.FindValue(vi.name());
    if (!v || v->is_constant()) return Status::Ok();
    Status s = MergeTypeProto(vi.type(), &v->info());
    return s.ok() ? s : s.WithContext("value '" + vi.name() + "'");
  };
  for (const auto& vi : model.graph().value_info()) FERRY_RETURN_IF_ERROR(merge(vi));
  for (const auto& vi : model.graph().output()) FERRY_RETURN_IF_ERROR(merge(vi));
  return Status::Ok();
}

}  // namespace ferry::onnx
