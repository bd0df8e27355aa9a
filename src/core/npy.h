// NumPy .npy files: the tensor exchange format between ferry, its tests and the oracles
// (PyTorch, onnxruntime-node, TF.js), which all read and write it.
//
// Format (numpy/lib/format.py, "NPY format" NEP 1): the magic "\x93NUMPY", a major and a minor
// version byte, a little-endian header length (uint16 in 1.0, uint32 in 2.0 and 3.0), a Python
// dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces
// and a newline so the data starts on a 64-byte boundary, then the raw elements.
//
// Supported: versions 1.0, 2.0 and 3.0 (3.0 only allows a UTF-8 header); little-endian or
// byte-order-free dtypes float16/32/64, int8..int64, uint8..uint64 and bool; C order.
// Fortran order, big-endian data and any other dtype are errors.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/tensor.h"

namespace ferry {

// Reads a .npy file. Errors are one line that names the file and the problem.
StatusOr<Tensor> ReadNpy(const std::string& path);

// Writes a .npy file (version 1.0, or 2.0 when the header does not fit 1.0) atomically: the
// bytes go to a temporary sibling that is renamed over `path`, so a reader never sees half a
// file. Fails for dtypes numpy has no code for (bfloat16, string).
Status WriteNpy(const std::string& path, const Tensor& tensor);

// The same on bytes in memory. `source` names the bytes in error messages.
StatusOr<Tensor> ParseNpy(std::string_view bytes, std::string_view source = "<npy bytes>");
StatusOr<std::string> SerializeNpy(const Tensor& tensor);

// numpy's dtype code for a ferry dtype ("<f4", "|b1", ...); empty when there is none.
std::string NpyDescr(DataType dtype);

}  // namespace ferry
