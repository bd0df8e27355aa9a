// Training flags and the progress-bar wrapper, shared by `train` and `demo`.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/status.h"
#include "torch/idx_reader.h"
#include "torch/train.h"

namespace ferry::cli {

void AddTrainFlags(CLI::App* c, torch::TrainOptions* o);
StatusOr<torch::TrainResult> TrainWithProgress(torch::TrainOptions o);
std::string TrainResultText(const torch::TrainResult& r);

}  // namespace ferry::cli
