// TorchScript file (torch.jit.save, traced or scripted) -> IR(aten), the plain description
// the converter to ONNX reads (convert/torch_to_onnx/aten_graph.h). This and
// torchscript_reader.cc are the only files of the TorchScript export that include libtorch.
//
// Steps (libtorch's own passes): load on CPU, eval(), freeze_module (parameters and buffers
// become constants, methods are inlined), Inline, LowerAllTuples (tuple outputs are
// flattened), RemoveMutation (in-place ops become functional where no alias sees the
// write), removeDropout, ConstantPropagation, EliminateDeadCode; then the example inputs'
// types are set on the graph inputs and PropagateInputShapes types what it can.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert/torch_to_onnx/aten_graph.h"
#include "core/dtype.h"
#include "core/status.h"

namespace ferry::torch {

struct TorchScriptInput {
  std::vector<int64_t> shape;  // the example shape, every dim >= 1
  DataType dtype = DataType::kFloat32;
};

// Reads `path` into IR(aten). `inputs` gives one entry per forward argument (after self);
// their count must match. Errors name the file; libtorch's exceptions become Status.
StatusOr<convert::torch_to_onnx::AtenGraph> ReadTorchScript(
    const std::string& path, const std::vector<TorchScriptInput>& inputs);

// The number of tensor arguments of forward (after self), and their names.
StatusOr<std::vector<std::string>> TorchScriptInputNames(const std::string& path);

// Whether `path` is a TorchScript archive (a zip holding constants.pkl and code/).
bool IsTorchScriptFile(const std::string& path);

}  // namespace ferry::torch
