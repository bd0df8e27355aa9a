#include "core/tensor.h"

#include <cmath>
#include <cstdlib>
#include <new>

#include "core/aligned_alloc.h"
#include "core/buffer_pool.h"

namespace ferry {
namespace {

std::shared_ptr<uint8_t[]> AllocateAligned(size_t bytes) {
  if (BufferPool* pool = BufferPool::Current()) return pool->Allocate(bytes);  // a session's run
  void* p = AllocateTensorStorage(bytes);
  return std::shared_ptr<uint8_t[]>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
}

}  // namespace

Tensor::Tensor(DataType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  if (dtype_ == DataType::kString) {
    strings_ = std::make_shared<std::vector<std::string>>(shape_.NumElements());
  } else {
    data_ = AllocateAligned(NumBytes());
  }
}

Tensor Tensor::FromFile(DataType dtype, Shape shape, std::shared_ptr<const OpenFile> file,
                        uint64_t offset) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.lazy_ = std::make_shared<LazyBytes>(std::move(file), offset, t.NumBytes());
  return t;
}

std::optional<FileRange> Tensor::file_range() const {
  if (!lazy_ || !lazy_->unchanged()) return std::nullopt;
  return FileRange{&lazy_->file(), lazy_->offset()};
}

StatusOr<Tensor> Tensor::Create(DataType dtype, Shape shape) {
  FERRY_RETURN_IF_ERROR(Shape::Validate(shape.dims(), SizeOf(dtype), kMaxBytes));
  return Tensor(dtype, std::move(shape));
}

Tensor Tensor::Zeros(DataType dtype, Shape shape) {
  Tensor t(dtype, std::move(shape));
  if (t.data_) std::memset(t.data_.get(), 0, t.NumBytes());
  return t;
}

StatusOr<Tensor> Tensor::Reshaped(Shape shape) const {
  if (shape.NumElements() != NumElements())
    return InvalidArgument("cannot reshape " + shape_.ToString() + " to " + shape.ToString());
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::Clone() const {
  Tensor t(dtype_, shape_);
  if (dtype_ == DataType::kString) {
    *t.strings_ = *strings_;
  } else if (NumBytes()) {
    std::memcpy(t.raw_data(), raw_data(), NumBytes());
  }
  return t;
}

double Tensor::GetAsDouble(int64_t i) const {
  switch (dtype_) {
    case DataType::kFloat32: return data<float>()[i];
    case DataType::kFloat64: return data<double>()[i];
    case DataType::kFloat16: return HalfToFloat(data<uint16_t>()[i]);
    case DataType::kBFloat16: return BFloat16ToFloat(data<uint16_t>()[i]);
    case DataType::kInt8: return data<int8_t>()[i];
    case DataType::kInt16: return data<int16_t>()[i];
    case DataType::kInt32: return data<int32_t>()[i];
    case DataType::kInt64: return static_cast<double>(data<int64_t>()[i]);
    case DataType::kUInt8: return data<uint8_t>()[i];
    case DataType::kUInt16: return data<uint16_t>()[i];
    case DataType::kUInt32: return data<uint32_t>()[i];
    case DataType::kUInt64: return static_cast<double>(data<uint64_t>()[i]);
    case DataType::kBool: return data<bool>()[i] ? 1.0 : 0.0;
    default: return 0.0;
  }
}

int64_t Tensor::GetAsInt64(int64_t i) const {
  switch (dtype_) {
    case DataType::kInt64: return data<int64_t>()[i];
    case DataType::kInt32: return data<int32_t>()[i];
    case DataType::kUInt64: return static_cast<int64_t>(data<uint64_t>()[i]);
    default: return static_cast<int64_t>(GetAsDouble(i));
  }
}

std::vector<int64_t> Tensor::ToInt64Vector() const {
  std::vector<int64_t> v(NumElements());
  for (int64_t i = 0; i < NumElements(); ++i) v[i] = GetAsInt64(i);
  return v;
}

std::string Tensor::DebugString() const {
  return std::string(DataTypeName(dtype_)) + shape_.ToString();
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do { ++e; mant <<= 1; } while ((mant & 0x400) == 0);
      bits = sign | ((127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) return sign | 0x7c00 | (absx > 0x7f800000u ? 0x200 : 0);  // inf/nan
  if (absx >= 0x477ff000u) return sign | 0x7c00;  // overflow to inf
  if (absx < 0x38800000u) {                          // subnormal or zero in half
    float a;
    std::memcpy(&a, &absx, 4);
    // Scale so the half's subnormal step (2^-24) becomes 1, then round to nearest even.
    float scaled = a * 16777216.0f;
    return sign | static_cast<uint16_t>(std::nearbyint(scaled));
  }
  uint32_t mant_odd = (absx >> 13) & 1;
  absx += 0xc8000fffu + mant_odd;  // rebias exponent (-112 << 23) and round to nearest even
  return sign | static_cast<uint16_t>(absx >> 13);
}

float BFloat16ToFloat(uint16_t h) {
  uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t FloatToBFloat16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40);
  uint32_t rounding = 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

}  // namespace ferry
