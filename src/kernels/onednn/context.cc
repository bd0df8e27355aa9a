#include "kernels/onednn/context.h"

#include <dlfcn.h>

#include <cstdint>
#include <vector>

namespace ferry::kernels::onednn {

const dnnl::engine& Context::Engine() {
  static const dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

dnnl::stream& Context::Stream() {
  thread_local dnnl::stream stream(Engine());
  return stream;
}

void Context::SetNumThreads(int num_threads) {
  // libdnnl links libgomp; looking omp_set_num_threads up at run time avoids making every
  // target that links ferry_kernels compile with -fopenmp. Without OpenMP it is a no-op.
  using SetFn = void (*)(int);
  static SetFn set = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  thread_local int current = -1;
  if (set && num_threads > 0 && num_threads != current) {
    set(num_threads);
    current = num_threads;
  }
}

void* Context::ScratchpadBuffer(size_t bytes) {
  thread_local std::vector<uint8_t> buffer;
  if (buffer.size() < bytes + 64) buffer.resize(bytes + 64);
  // 64-byte aligned start inside the buffer.
  const auto addr = reinterpret_cast<uintptr_t>(buffer.data());
  return buffer.data() + ((64 - addr % 64) % 64);
}

dnnl::memory Context::Scratchpad(const dnnl::memory::desc& desc) {
  return dnnl::memory(desc, Engine(), ScratchpadBuffer(desc.get_size()));
}

dnnl::post_ops ActivationPostOps(const FusedActivation& a, bool sum) {
  dnnl::post_ops ops;
  // Sum first: act(conv + residual), the order of a ResNet block's Add then Relu.
  if (sum) ops.append_sum(1.0f);
  switch (a.kind) {
    case Activation::kNone:
      break;
    case Activation::kRelu:
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      break;
    case Activation::kClip:
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, a.min, a.max);
      break;
    case Activation::kLeakyRelu:
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, a.alpha, 0.0f);
      break;
    case Activation::kSigmoid:
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_logistic, 0.0f, 0.0f);
      break;
    case Activation::kTanh:
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_tanh, 0.0f, 0.0f);
      break;
    case Activation::kHardSwish:
      // oneDNN 2.x hardswish is x * relu6(x + 3) / 6, ONNX HardSwish-14's formula.
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_hardswish, 0.0f, 0.0f);
      break;
  }
  return ops;
}

Status FromDnnlError(const dnnl::error& e, const std::string& what) {
  return Internal(what + ": oneDNN error " + std::to_string(static_cast<int>(e.status)) + ": " +
                  e.what());
}

}  // namespace ferry::kernels::onednn
