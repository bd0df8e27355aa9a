// libtorch side of SimpleCnn: the module, AdamW training steps and eval.
#include "torch/simple_cnn.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "torch/torch_guard.h"

namespace ferry::torch {
namespace {

namespace nn = ::torch::nn;

// The guide's SimpleCNN, submodule for submodule, so that named_parameters() yields
// PyTorch's state_dict names (conv1.weight, ..., fc.0.weight, fc.3.bias).
struct SimpleCnnModuleImpl : nn::Module {
  SimpleCnnModuleImpl()
      : conv1(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 32, 5).stride(2)))),
        conv2(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(32, 64, 5).stride(2)))),
        max_pool(register_module("max_pool", nn::MaxPool2d(nn::MaxPool2dOptions(1)))),
        flatten(register_module("flatten", nn::Flatten())),
        relu(register_module("relu", nn::ReLU())),
        fc(register_module("fc", nn::Sequential(nn::Linear(1024, 512), nn::ReLU(), nn::Dropout(0.5),
                                                nn::Linear(512, 10)))) {}

  at::Tensor forward(at::Tensor x) {
    x = conv1->forward(x);
    x = max_pool->forward(x);
    x = conv2->forward(x);
    x = max_pool->forward(x);
    x = flatten->forward(x);
    x = relu->forward(x);
    // fc, layer by layer: Linear, ReLU, Dropout(0.5, on only in train mode), Linear.
    x = ::torch::relu(LinearViaOneDnn(x, *fc[0]->as<nn::Linear>()));
    x = ::torch::dropout(x, fc[2]->as<nn::Dropout>()->options.p(), is_training());
    x = LinearViaOneDnn(x, *fc[3]->as<nn::Linear>());
    return ::torch::log_softmax(x, /*dim=*/-1);
  }

  // y = x W^T + b computed as a 1x1 convolution, the same sum of products. libtorch sends
  // addmm (nn::Linear) to the BLAS, which is Debian's netlib reference BLAS here, while
  // convolutions go to oneDNN: measured on fc.0 (64x1024 by 1024x512, forward + backward,
  // one thread) 83 ms through the BLAS against 15 ms through oneDNN.
  static at::Tensor LinearViaOneDnn(const at::Tensor& x, const nn::LinearImpl& linear) {
    const int64_t n = x.size(0);
    const int64_t out = linear.weight.size(0), in = linear.weight.size(1);
    return ::torch::conv2d(x.reshape({n, in, 1, 1}), linear.weight.view({out, in, 1, 1}),
                           linear.bias)
        .view({n, out});
  }

  nn::Conv2d conv1;
  nn::Conv2d conv2;
  nn::MaxPool2d max_pool;
  nn::Flatten flatten;
  nn::ReLU relu;
  nn::Sequential fc;
};
TORCH_MODULE(SimpleCnnModule);

Status CheckInput(const Tensor& input) {
  const Shape& s = input.shape();
  if (input.dtype() != DataType::kFloat32 || s.rank() != 4 || s[1] != 1 || s[2] != kImageSize ||
      s[3] != kImageSize) {
    return InvalidArgument("SimpleCNN input 'input' is " + input.DebugString() +
                           ", expected float32[N,1,28,28]");
  }
  return Status::Ok();
}

}  // namespace

std::string ExceptionMessage(const std::exception& e) {
  // c10::Error::what() appends a C++ backtrace; the message alone is what users need.
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string msg = c10_error != nullptr ? c10_error->what_without_backtrace() : e.what();
  const size_t nl = msg.find('\n');
  return nl == std::string::npos ? msg : msg.substr(0, nl);
}

void SetTorchNumThreads(int n) {
  if (n > 0) at::set_num_threads(n);
}

int GetTorchNumThreads() { return at::get_num_threads(); }

struct SimpleCnn::Impl {
  SimpleCnnModule module;
  std::optional<::torch::optim::AdamW> optimizer;
};

SimpleCnn::SimpleCnn(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SimpleCnn::~SimpleCnn() = default;

StatusOr<std::unique_ptr<SimpleCnn>> SimpleCnn::CreateRandom(uint64_t seed) {
  return CatchTorchErrors("SimpleCNN init", [&]() -> StatusOr<std::unique_ptr<SimpleCnn>> {
    ::torch::manual_seed(seed);
    auto impl = std::make_unique<Impl>();
    impl->module->eval();
    return std::unique_ptr<SimpleCnn>(new SimpleCnn(std::move(impl)));
  });
}

StatusOr<std::unique_ptr<SimpleCnn>> SimpleCnn::FromWeights(const SimpleCnnWeights& weights) {
  FERRY_RETURN_IF_ERROR(weights.Validate(""));
  return CatchTorchErrors("SimpleCNN weights", [&]() -> StatusOr<std::unique_ptr<SimpleCnn>> {
    auto impl = std::make_unique<Impl>();
    ::torch::NoGradGuard no_grad;
    for (auto& item : impl->module->named_parameters()) {
      const Tensor* src = weights.Find(item.key());
      if (src == nullptr) return Internal("SimpleCNN: no weight for '" + item.key() + "'");
      at::Tensor& dst = item.value();
      if (static_cast<size_t>(dst.numel()) != static_cast<size_t>(src->NumElements())) {
        return Internal("SimpleCNN: size mismatch for '" + item.key() + "'");
      }
      std::memcpy(dst.data_ptr<float>(), src->data<float>(), src->NumBytes());
    }
    impl->module->eval();
    return std::unique_ptr<SimpleCnn>(new SimpleCnn(std::move(impl)));
  });
}

StatusOr<SimpleCnnWeights> SimpleCnn::Weights() const {
  return CatchTorchErrors("SimpleCNN weights", [&]() -> StatusOr<SimpleCnnWeights> {
    SimpleCnnWeights w;
    for (const auto& item : impl_->module->named_parameters()) {
      const at::Tensor p = item.value().detach().contiguous();
      Tensor t(DataType::kFloat32, Shape(p.sizes().vec()));
      std::memcpy(t.raw_data(), p.data_ptr<float>(), t.NumBytes());
      w.params.emplace_back(item.key(), std::move(t));
    }
    return w;
  });
}

StatusOr<Tensor> SimpleCnn::Predict(const Tensor& input) const {
  FERRY_RETURN_IF_ERROR(CheckInput(input));
  return CatchTorchErrors("SimpleCNN forward", [&]() -> StatusOr<Tensor> {
    ::torch::InferenceMode guard;
    const bool was_training = impl_->module->is_training();
    impl_->module->eval();
    // from_blob does not copy; inference mode guarantees the input is not written.
    const at::Tensor x = ::torch::from_blob(const_cast<void*>(input.raw_data()),
                                            input.shape().dims(), ::torch::kFloat32);
    const at::Tensor y = impl_->module->forward(x).contiguous();
    impl_->module->train(was_training);
    Tensor out(DataType::kFloat32, Shape(y.sizes().vec()));
    std::memcpy(out.raw_data(), y.data_ptr<float>(), out.NumBytes());
    return out;
  });
}

Status SimpleCnn::StartTraining(double lr) {
  return CatchTorchErrors("SimpleCNN training", [&]() -> Status {
    // PyTorch's AdamW defaults, as the guide's configure_optimizers leaves them.
    impl_->optimizer.emplace(
        impl_->module->parameters(),
        ::torch::optim::AdamWOptions(lr).betas({0.9, 0.999}).eps(1e-8).weight_decay(0.01));
    impl_->module->train();
    return Status::Ok();
  });
}

StatusOr<float> SimpleCnn::TrainStep(const float* images, const int64_t* labels, int64_t n) {
  if (!impl_->optimizer) return FailedPrecondition("SimpleCNN: TrainStep before StartTraining");
  return CatchTorchErrors("SimpleCNN train step", [&]() -> StatusOr<float> {
    const at::Tensor x = ::torch::from_blob(const_cast<float*>(images),
                                            {n, 1, kImageSize, kImageSize}, ::torch::kFloat32);
    const at::Tensor y = ::torch::from_blob(const_cast<int64_t*>(labels), {n}, ::torch::kInt64);
    impl_->optimizer->zero_grad();
    const at::Tensor loss = ::torch::nll_loss(impl_->module->forward(x), y);
    loss.backward();
    impl_->optimizer->step();
    return loss.item<float>();
  });
}

StatusOr<EvalStats> SimpleCnn::Evaluate(const uint8_t* pixels, const uint8_t* labels, int64_t n,
                                        int64_t batch_size) const {
  if (batch_size <= 0) return InvalidArgument("SimpleCNN eval: batch size must be positive");
  return CatchTorchErrors("SimpleCNN eval", [&]() -> StatusOr<EvalStats> {
    ::torch::InferenceMode guard;
    const bool was_training = impl_->module->is_training();
    impl_->module->eval();
    double loss_sum = 0;
    int64_t correct = 0;
    constexpr int64_t kPixels = kImageSize * kImageSize;
    for (int64_t start = 0; start < n; start += batch_size) {
      const int64_t b = std::min(batch_size, n - start);
      const at::Tensor x = ::torch::from_blob(const_cast<uint8_t*>(pixels + start * kPixels),
                                              {b, 1, kImageSize, kImageSize}, ::torch::kUInt8)
                               .to(::torch::kFloat32)
                               .div_(255.0f);
      const at::Tensor y =
          ::torch::from_blob(const_cast<uint8_t*>(labels + start), {b}, ::torch::kUInt8)
              .to(::torch::kInt64);
      const at::Tensor out = impl_->module->forward(x);
      loss_sum += ::torch::nll_loss(out, y, {}, at::Reduction::Sum).item<double>();
      correct += out.argmax(1).eq(y).sum().item<int64_t>();
    }
    impl_->module->train(was_training);
    EvalStats stats;
    stats.count = n;
    if (n > 0) {
      stats.loss = loss_sum / static_cast<double>(n);
      stats.accuracy = static_cast<double>(correct) / static_cast<double>(n);
    }
    return stats;
  });
}

}  // namespace ferry::torch
