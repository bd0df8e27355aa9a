// Concrete tensor shapes (every dim known). Symbolic shapes live in ir::Value.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/status.h"

namespace ferry {

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t operator[](int i) const { return dims_[i]; }
  int64_t& operator[](int i) { return dims_[i]; }
  const std::vector<int64_t>& dims() const { return dims_; }
  std::vector<int64_t>& dims() { return dims_; }
  // Product of the dims; 1 for a scalar. Assumes the shape was validated.
  int64_t NumElements() const;
  bool operator==(const Shape& o) const { return dims_ == o.dims_; }
  bool operator!=(const Shape& o) const { return dims_ != o.dims_; }
  // "[1,3,224,224]"
  std::string ToString() const;

  // Checks every dim is >= 0 and the element count (times elem_size bytes) stays below
  // max_bytes, without overflowing: the guard before any allocation.
  static Status Validate(const std::vector<int64_t>& dims, size_t elem_size, int64_t max_bytes);

 private:
  std::vector<int64_t> dims_;
};

// Resolves a possibly negative axis against rank; error names `what`.
StatusOr<int> NormalizeAxis(int64_t axis, int rank, const std::string& what);

}  // namespace ferry
