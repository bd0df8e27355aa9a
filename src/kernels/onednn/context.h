// The one place that owns oneDNN's engine and streams, and sets its thread count.
// Only included by src/kernels/onednn/*.cc: oneDNN's headers stay out of the public API.
#pragma once

#include <string>

#include "core/status.h"
#include "kernels/layout.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace ferry::kernels::onednn {

class Context {
 public:
  // The process-wide CPU engine.
  static const dnnl::engine& Engine();
  // A stream for the calling thread (CPU streams are cheap but not shared across threads).
  static dnnl::stream& Stream();
  // Debian's oneDNN uses OpenMP: the count applies to the calling thread's next parallel
  // regions. oneDNN's forward kernels split work statically, so results do not depend on
  // scheduling: equal thread counts give bitwise equal outputs.
  static void SetNumThreads(int num_threads);
  // Every primitive is created with a user-managed scratchpad (primitive_attr
  // scratchpad_mode::user): with oneDNN's default library scratchpad a primitive may only run
  // on the thread that created it (oneDNN guide, "Primitive Attributes: Scratchpad"), which a
  // cached primitive shared by session threads cannot promise. This is the calling thread's
  // scratchpad buffer, grown to `desc`'s size.
  static dnnl::memory Scratchpad(const dnnl::memory::desc& desc);
  // The same buffer's 64-byte-aligned start, grown to `bytes`: for a scratchpad memory object
  // made once and re-pointed per call.
  static void* ScratchpadBuffer(size_t bytes);
};

// oneDNN post-ops for a fused activation, after a sum post-op (a residual) when `sum`.
dnnl::post_ops ActivationPostOps(const FusedActivation& a, bool sum);

// Turns a dnnl::error into a Status naming `what`.
Status FromDnnlError(const dnnl::error& e, const std::string& what);

}  // namespace ferry::kernels::onednn
