// ferry export MODEL -o model.onnx
//   MODEL: a ferry checkpoint (ferry train's model.pt), a TorchScript file (torch.jit.save,
//   traced or scripted) or, with --arch, a PyTorch Lightning checkpoint (.ckpt).
#include <chrono>
#include <cstdio>
#include <sstream>

#include "cli/command.h"
#include "cli/io_flags.h"
#include "cli/pipeline.h"
#include "convert/torch_to_onnx/convert.h"
#include "onnx/model_io.h"
#include "torch/backend.h"
#include "torch/onnx_export.h"

namespace ferry::cli {
namespace {

// "a,b" and repeated flags alike: every comma-separated item of every value.
std::vector<std::string> SplitCommas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(item);
  }
  return out;
}

StatusOr<std::vector<int64_t>> ParseShape(const std::string& s) {
  std::vector<int64_t> dims;
  for (const std::string& d : SplitCommas({s})) {
    try {
      size_t used = 0;
      const long long v = std::stoll(d, &used);
      if (used != d.size() || v < 1) throw std::invalid_argument("");
      dims.push_back(v);
    } catch (const std::exception&) {
      return InvalidArgument("--input-shape " + s + ": expected dims >= 1 like 1,3,224,224");
    }
  }
  return dims;
}

StatusOr<DataType> ParseDtype(const std::string& s) {
  if (s == "float32" || s == "float") return DataType::kFloat32;
  if (s == "float64" || s == "double") return DataType::kFloat64;
  if (s == "int64" || s == "long") return DataType::kInt64;
  if (s == "int32" || s == "int") return DataType::kInt32;
  if (s == "bool") return DataType::kBool;
  return InvalidArgument("--input-dtype " + s +
                         ": expected float32, float64, int64, int32 or bool");
}

struct TorchScriptFlags {
  std::string model, onnx_path;
  std::vector<std::string> shapes, dtypes, input_names, output_names;
  bool dynamic_batch = false;
  int opset = 13;
  bool force = false;
};

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Status ExportTorchScript(const torch::TorchBackend& backend, const TorchScriptFlags& f) {
  FERRY_RETURN_IF_ERROR(CheckOutputPath(f.onnx_path, f.force, "-o"));
  if (f.opset < 13 || f.opset > 17) {
    return InvalidArgument("--opset " + std::to_string(f.opset) +
                           ": the TorchScript export writes opsets 13 to 17");
  }
  if (f.shapes.empty()) {
    return InvalidArgument(f.model +
                           ": a TorchScript file does not record its input shapes; "
                           "give one --input-shape per forward input (e.g. 1,3,224,224)");
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<torch::TorchScriptInput> inputs;
  convert::torch_to_onnx::TorchExportOptions options;
  options.opset = f.opset;
  options.dynamic_batch = f.dynamic_batch;
  options.input_names = SplitCommas(f.input_names);
  options.output_names = SplitCommas(f.output_names);
  if (!f.dtypes.empty() && f.dtypes.size() != f.shapes.size()) {
    return InvalidArgument("--input-dtype: give none or one per --input-shape");
  }
  for (size_t i = 0; i < f.shapes.size(); ++i) {
    torch::TorchScriptInput in;
    FERRY_ASSIGN_OR_RETURN(in.shape, ParseShape(f.shapes[i]));
    if (!f.dtypes.empty()) {
      FERRY_ASSIGN_OR_RETURN(in.dtype, ParseDtype(f.dtypes[i]));
    }
    options.input_shapes.push_back(in.shape);
    options.input_dtypes.push_back(in.dtype);
    inputs.push_back(std::move(in));
  }
  FERRY_ASSIGN_OR_RETURN(convert::torch_to_onnx::AtenGraph aten,
                         backend.ReadTorchScript(f.model, inputs));
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> g,
                         convert::torch_to_onnx::ConvertAtenToOnnx(aten, options));
  // onnx shape inference types the outputs; SaveModel runs it again with the checker and
  // writes atomically (nothing is written when either fails).
  FERRY_RETURN_IF_ERROR(onnx::InferShapes(*g).WithContext(f.onnx_path));
  // An output whose shape inference could not follow (a Reshape to a computed shape) still
  // needs a shape for the checker: its rank, from the traced run, with unnamed dims.
  for (size_t i = 0; i < g->outputs().size() && i < aten.outputs.size(); ++i) {
    ir::ValueInfo& info = g->outputs()[i]->info();
    const auto& sizes = aten.values[aten.outputs[i]].sizes;
    if (!info.shape && sizes) info.shape = std::vector<ir::Dim>(sizes->size(), ir::Dim::Unknown());
  }
  FERRY_RETURN_IF_ERROR(onnx::SaveModel(*g, f.onnx_path));
  const double ms = MsSince(t0);
  const auto kinds = convert::torch_to_onnx::AtenOpKinds(aten);
  std::printf("wrote %s (opset %d, %d ONNX nodes from %zu aten nodes of %zu kinds, %.1f ms)\n",
              f.onnx_path.c_str(), f.opset, g->num_nodes(), aten.nodes.size(), kinds.size(), ms);
  std::string list;
  for (const auto& k : kinds) list += (list.empty() ? "" : " ") + k;
  std::printf("aten ops: %s\n", list.c_str());
  return Status::Ok();
}

Status ExportLightning(const torch::TorchBackend& backend, const std::string& ckpt,
                       const std::string& arch, const ExportRequest& r) {
  FERRY_RETURN_IF_ERROR(CheckOutputPath(r.onnx_path, r.force, "-o"));
  FERRY_ASSIGN_OR_RETURN(torch::SimpleCnnWeights weights,
                         backend.LoadLightningCheckpoint(ckpt, arch));
  torch::ExportOptions eo;
  eo.opset = r.opset;
  eo.batch = r.batch;
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> g, torch::BuildSimpleCnnOnnxGraph(weights, eo));
  return onnx::SaveModel(*g, r.onnx_path);
}

}  // namespace

void AddExportCommand(CLI::App& app, Action* action) {
  struct Flags {
    ExportRequest req;
    std::string batch = "dynamic";
    std::string arch;
    TorchScriptFlags ts;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c =
      app.add_subcommand("export",
                         "Export to ONNX: a ferry checkpoint, a TorchScript file, or a Lightning "
                         "checkpoint with --arch");
  c->add_option("MODEL", f->req.checkpoint,
                "ferry checkpoint (model.pt), TorchScript (torch.jit.save) or Lightning .ckpt")
      ->required();
  c->add_option("-o,--output", f->req.onnx_path, "the .onnx file to write")->required();
  c->add_option("--opset", f->req.opset, "ONNX opset (checkpoints 11 to 17, TorchScript 13 to 17)")
      ->capture_default_str();
  c->add_option("--batch", f->batch, "checkpoints: 'dynamic' (a named batch_size dim) or N")
      ->capture_default_str();
  c->add_option("--arch", f->arch,
                "read MODEL as a Lightning checkpoint of this network "
                "(simplecnn: the guide's TrainModule)");
  c->add_option("--input-shape", f->ts.shapes,
                "TorchScript: example shape of each forward input, e.g. 1,3,224,224 (repeat)");
  c->add_option("--input-dtype", f->ts.dtypes,
                "TorchScript: dtype of each input (float32, int64, ...)");
  c->add_option("--input-names", f->ts.input_names, "TorchScript: ONNX input names")
      ->expected(1, 64);
  c->add_option("--output-names", f->ts.output_names, "TorchScript: ONNX output names")
      ->expected(1, 64);
  c->add_flag("--dynamic-batch", f->ts.dynamic_batch,
              "TorchScript: name dim 0 of every input batch_size (any batch at run time)");
  c->add_flag("--force", f->req.force, "replace an existing file");
  c->callback([f, action] {
    *action = [f]() -> int {
      auto backend = torch::LoadTorchBackend();  // every kind of MODEL is read by libtorch
      if (!backend.ok()) return Fail(backend.status());
      if ((*backend)->IsTorchScriptFile(f->req.checkpoint)) {
        f->ts.model = f->req.checkpoint;
        f->ts.onnx_path = f->req.onnx_path;
        f->ts.opset = f->req.opset;
        f->ts.force = f->req.force;
        Status s = ExportTorchScript(**backend, f->ts);
        return s.ok() ? kExitOk : Fail(s);
      }
      if (f->batch == "dynamic") {
        f->req.batch = -1;
      } else {
        try {
          size_t used = 0;
          f->req.batch = std::stoll(f->batch, &used);
          if (used != f->batch.size() || f->req.batch < 1) throw std::invalid_argument("");
        } catch (const std::exception&) {
          return Fail(InvalidArgument("--batch " + f->batch + ": expected 'dynamic' or N >= 1"));
        }
      }
      Status s = f->arch.empty() ? ExportCheckpoint(f->req)
                                 : ExportLightning(**backend, f->req.checkpoint, f->arch, f->req);
      if (!s.ok()) return Fail(s);
      std::printf("wrote %s (opset %d, batch %s)\n", f->req.onnx_path.c_str(), f->req.opset,
                  f->batch.c_str());
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
