// ferry's SimpleCNN checkpoint (model.pt).
//
// Format: the bytes of torch::pickle_save of a dict, i.e. the zip archive torch.save writes,
// so Python reads it with `torch.load(path)`:
//   {"format": "ferry.checkpoint", "version": 1, "arch": "simplecnn",
//    "input": "float32[N,1,28,28], pixels / 255",
//    "state_dict": {"conv1.weight": Tensor, ..., "fc.3.bias": Tensor}}
// In Python: `model.load_state_dict(torch.load(path)["state_dict"])` on the guide's class.
// The input is the already-scaled tensor: ToTensor's pixel / 255, no mean/std normalisation.
#pragma once

#include <string>

#include "core/status.h"
#include "torch/simple_cnn_weights.h"

namespace ferry::torch {

inline constexpr const char* kCheckpointFormat = "ferry.checkpoint";
inline constexpr int kCheckpointVersion = 1;
inline constexpr const char* kInputDescription = "float32[N,1,28,28], pixels / 255";

// Validates the weights and writes them to `path` atomically (temporary sibling + rename).
Status SaveCheckpoint(const SimpleCnnWeights& weights, const std::string& path);

// Reads and validates a checkpoint written by SaveCheckpoint (or by Python's torch.save of a
// dict of the same shape). Errors name the file and what is wrong with it.
StatusOr<SimpleCnnWeights> LoadCheckpoint(const std::string& path);

// Reads a PyTorch Lightning checkpoint (torch.save of a dict; Trainer.save_checkpoint writes
// it) into the weights of `arch` (only "simplecnn"): the dict's "state_dict" entry holds the
// LightningModule's parameters, named after its attributes, e.g. "model.conv1.weight" for the
// guide's TrainModule (self.model = SimpleCNN()). The leading "model." is stripped; entries
// that do not name a SimpleCNN parameter (a loss module's buffers) and every other entry of
// the checkpoint (optimizer_states, loops, callbacks, hyper_parameters, ...) are ignored.
// The pickle is read by ferry's own minimal unpickler (torch 1.13's C++ one turns every
// OrderedDict, the state_dict's type, into None); objects of other Python classes
// (Lightning's AttributeDict, ...) are skipped, never executed.
StatusOr<SimpleCnnWeights> LoadLightningCheckpoint(const std::string& path,
                                                   const std::string& arch);

}  // namespace ferry::torch
