// Turns exceptions thrown inside src/torch (c10::Error from libtorch, std::exception) into a
// Status at the module edge, so that nothing throws across a module boundary.
#pragma once

#include <exception>
#include <string>
#include <type_traits>

#include "core/status.h"

namespace ferry::torch {

// The first line of an exception's message, without libtorch's C++ backtrace.
std::string ExceptionMessage(const std::exception& e);

// Runs f (returning Status or StatusOr<T>); an exception becomes an error "what: message".
template <typename F>
auto CatchTorchErrors(const std::string& what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInvalidArgument, what + ": " + ExceptionMessage(e));
  } catch (...) {
    return Status(StatusCode::kInternal, what + ": unknown exception");
  }
}

}  // namespace ferry::torch
