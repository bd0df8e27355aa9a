// Tensor: a dtype, a concrete shape and a reference-counted, 64-byte-aligned buffer.
// Copying a Tensor shares the buffer (as at::Tensor does); Clone() copies the bytes.
// A tensor made by FromFile reads its bytes from a file on first access (core/file_bytes.h).
#pragma once

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/file_bytes.h"
#include "core/shape.h"
#include "core/status.h"

namespace ferry {

class Tensor {
 public:
  // Largest tensor any single allocation may hold, checked before allocating.
  static constexpr int64_t kMaxBytes = int64_t{16} << 30;

  Tensor() = default;
  // Allocates an uninitialised buffer. The shape must already be validated
  // (use Tensor::Create for shapes that come from outside).
  Tensor(DataType dtype, Shape shape);
  static StatusOr<Tensor> Create(DataType dtype, Shape shape);
  static Tensor Zeros(DataType dtype, Shape shape);
  // A scalar or 1-D tensor from values.
  template <typename T>
  static Tensor FromVector(const std::vector<T>& v, Shape shape);
  template <typename T>
  static Tensor Scalar(T v) { return FromVector<T>({v}, Shape{}); }
  // A tensor whose bytes are [offset, offset + NumBytes()) of `file` (little-endian, as
  // ONNX raw_data), read on first access. Not for strings. The range must lie in the file.
  static Tensor FromFile(DataType dtype, Shape shape, std::shared_ptr<const OpenFile> file,
                         uint64_t offset);

  bool defined() const { return dtype_ != DataType::kUndefined; }
  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t dim(int i) const { return shape_[i]; }
  int64_t NumElements() const { return shape_.NumElements(); }
  size_t NumBytes() const { return static_cast<size_t>(NumElements()) * SizeOf(dtype_); }

  // A FromFile tensor reads its file here on first access; the mutable form also marks its
  // values as no longer the file's.
  void* raw_data() { return lazy_ ? lazy_->Mutable() : data_.get(); }
  const void* raw_data() const { return lazy_ ? lazy_->Get() : data_.get(); }
  template <typename T> T* data() { return static_cast<T*>(raw_data()); }
  template <typename T> const T* data() const { return static_cast<const T*>(raw_data()); }

  // String tensors keep their elements here (NumBytes() is 0 for them).
  std::vector<std::string>& strings() { return *strings_; }
  const std::vector<std::string>& strings() const { return *strings_; }

  // Whether this tensor is the only one holding its buffer (no copy, reshape or caller shares
  // it): an op may then write into it in place (runtime::OpContext::OutputInPlace).
  bool HoldsBufferAlone() const { return !lazy_ && data_ && data_.use_count() == 1; }

  // For a FromFile tensor whose values were never written through raw_data(): where they lie
  // in the file (a writer may copy them file to file). Empty otherwise.
  std::optional<FileRange> file_range() const;

  // Same buffer, new shape of the same element count.
  StatusOr<Tensor> Reshaped(Shape shape) const;
  Tensor Clone() const;
  // Reads element i as double / int64 whatever the dtype (for shape math and tests).
  double GetAsDouble(int64_t i) const;
  int64_t GetAsInt64(int64_t i) const;
  // Values as int64 (for shape tensors: Reshape's shape, Slice's starts, ...).
  std::vector<int64_t> ToInt64Vector() const;
  std::string DebugString() const;  // "float32[1,3,224,224]"

 private:
  DataType dtype_ = DataType::kUndefined;
  Shape shape_;
  std::shared_ptr<uint8_t[]> data_;
  std::shared_ptr<std::vector<std::string>> strings_;
  std::shared_ptr<LazyBytes> lazy_;  // FromFile tensors (data_ is then empty)
};

template <typename T>
Tensor Tensor::FromVector(const std::vector<T>& v, Shape shape) {
  Tensor t(DataTypeOf<T>::value, std::move(shape));
  if (!v.empty()) {
    if constexpr (std::is_same_v<T, bool>) {
      for (size_t i = 0; i < v.size(); ++i) t.data<bool>()[i] = v[i];
    } else {
      std::memcpy(t.raw_data(), v.data(), v.size() * sizeof(T));
    }
  }
  return t;
}

// Half-precision conversions (IEEE binary16 and bfloat16), round to nearest even.
float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f);
float BFloat16ToFloat(uint16_t h);
uint16_t FloatToBFloat16(float f);

}  // namespace ferry
