// Reader for MNIST's IDX files (also Fashion-MNIST's: the same format), gzipped or raw.
// IDX (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE"): a big-endian
// magic 0x00000803 (ubyte, 3 dims) for images or 0x00000801 (ubyte, 1 dim) for labels, then
// one big-endian int32 per dim, then the ubyte data in row-major order. No libtorch here.
#pragma once

#include <string>

#include "core/status.h"
#include "core/tensor.h"

namespace ferry::torch {

// Debian's dataset-fashion-mnist installs the four .gz files here.
inline constexpr const char* kDefaultMnistDir = "/usr/share/datasets/fashion-mnist";

enum class MnistSplit { kTrain, kTest };  // train-* (60k) and t10k-* (10k)

struct MnistData {
  Tensor images;  // uint8 [N, rows, cols]
  Tensor labels;  // uint8 [N]
  int64_t size() const { return labels.defined() ? labels.dim(0) : 0; }
};

// Reads one IDX file of unsigned bytes; `expected_rank` is 3 for images and 1 for labels.
// A file whose first bytes are gzip's magic is inflated (zlib), any other is read as is.
StatusOr<Tensor> ReadIdxFile(const std::string& path, int expected_rank);

// Reads `{train,t10k}-{images-idx3,labels-idx1}-ubyte` from `dir`, each with or without ".gz"
// (the raw name wins when both exist), and checks the image and label counts agree.
StatusOr<MnistData> ReadMnist(const std::string& dir, MnistSplit split);

}  // namespace ferry::torch
