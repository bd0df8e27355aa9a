#include "core/shape.h"

#include <limits>

namespace ferry {

int64_t Shape::NumElements() const {
  int64_t n = 1;
  for (int64_t d : dims_) n *= d;
  return n;
}

std::string Shape::ToString() const {
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(dims_[i]);
  }
  return s + "]";
}

Status Shape::Validate(const std::vector<int64_t>& dims, size_t elem_size, int64_t max_bytes) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return InvalidArgument("negative dimension " + std::to_string(d));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      return OutOfRange("element count overflows int64");
    n *= d;
  }
  if (elem_size > 0 && n > max_bytes / static_cast<int64_t>(elem_size))
    return OutOfRange("tensor of " + std::to_string(n) + " elements passes the memory cap of " +
                      std::to_string(max_bytes) + " bytes");
  return Status::Ok();
}

StatusOr<int> NormalizeAxis(int64_t axis, int rank, const std::string& what) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= std::max(rank, 1))
    return InvalidArgument(what + ": axis " + std::to_string(axis) + " out of range for rank " +
                           std::to_string(rank));
  return static_cast<int>(a);
}

}  // namespace ferry
