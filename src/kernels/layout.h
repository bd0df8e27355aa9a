// Types shared by the kernels: data layouts and fused activations. Kernels take raw pointers
// and explicit shapes; they know nothing of ONNX or TF attribute names.
#pragma once

#include <cmath>
#include <cstdint>

namespace ferry::kernels {

// Activation tensor layout of 4-D image data. ONNX graphs are NCHW, TF graphs NHWC.
enum class Layout { kNCHW, kNHWC };

// Convolution weight layout.
//   kOIHW: ONNX, [out_channels, in_channels / groups, kh, kw].
//   kHWIO: TF Conv2D, [kh, kw, in_channels / groups, out_channels].
// TF's depthwise filter [kh, kw, C, M] is kHWIO with groups = C and out_channels = C * M:
// reading it as [kh, kw, 1, C * M] puts output channel c * M + m where TF expects it.
enum class WeightLayout { kOIHW, kHWIO };

// An activation fused after a kernel's output (oneDNN post-op; reference applies it inline).
// The formulas are ONNX's: LeakyRelu-6 (alpha), Sigmoid-6, Tanh-6, HardSwish-14.
enum class Activation { kNone, kRelu, kClip, kLeakyRelu, kSigmoid, kTanh, kHardSwish };

struct FusedActivation {
  Activation kind = Activation::kNone;
  float min = 0.0f;  // kClip bounds
  float max = 0.0f;
  float alpha = 0.0f;  // kLeakyRelu slope
  float Apply(float v) const {
    switch (kind) {
      case Activation::kRelu:
        return v > 0.0f ? v : 0.0f;
      case Activation::kClip:
        return v < min ? min : (v > max ? max : v);
      case Activation::kLeakyRelu:
        return v < 0.0f ? alpha * v : v;
      case Activation::kSigmoid:
        return 1.0f / (1.0f + std::exp(-v));
      case Activation::kTanh:
        return std::tanh(v);
      case Activation::kHardSwish: {
        const float g = v / 6.0f + 0.5f;
        return v * (g < 0.0f ? 0.0f : (g > 1.0f ? 1.0f : g));
      }
      default:
        return v;
    }
  }
};

}  // namespace ferry::kernels
