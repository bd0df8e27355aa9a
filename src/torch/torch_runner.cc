#include "torch/torch_runner.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>

#include <cstring>
#include <filesystem>

#include "torch/checkpoint.h"
#include "torch/simple_cnn.h"
#include "torch/torch_guard.h"

namespace ferry::torch {
namespace {

StatusOr<at::ScalarType> ToTorchType(DataType t, const std::string& what) {
  switch (t) {
    case DataType::kFloat32: return at::kFloat;
    case DataType::kFloat64: return at::kDouble;
    case DataType::kFloat16: return at::kHalf;
    case DataType::kBFloat16: return at::kBFloat16;
    case DataType::kInt8: return at::kChar;
    case DataType::kInt16: return at::kShort;
    case DataType::kInt32: return at::kInt;
    case DataType::kInt64: return at::kLong;
    case DataType::kUInt8: return at::kByte;
    case DataType::kBool: return at::kBool;
    default:
      return Unimplemented(what + ": dtype " + DataTypeName(t) + " has no libtorch equivalent");
  }
}

StatusOr<DataType> FromTorchType(at::ScalarType t, const std::string& what) {
  switch (t) {
    case at::kFloat: return DataType::kFloat32;
    case at::kDouble: return DataType::kFloat64;
    case at::kHalf: return DataType::kFloat16;
    case at::kBFloat16: return DataType::kBFloat16;
    case at::kChar: return DataType::kInt8;
    case at::kShort: return DataType::kInt16;
    case at::kInt: return DataType::kInt32;
    case at::kLong: return DataType::kInt64;
    case at::kByte: return DataType::kUInt8;
    case at::kBool: return DataType::kBool;
    default:
      return Unimplemented(what + ": libtorch dtype " + std::string(c10::toString(t)) +
                           " has no ferry equivalent");
  }
}

StatusOr<Tensor> FromTorch(const at::Tensor& t, const std::string& what) {
  FERRY_ASSIGN_OR_RETURN(DataType dtype, FromTorchType(t.scalar_type(), what));
  const at::Tensor c = t.detach().to(at::kCPU).contiguous();
  FERRY_ASSIGN_OR_RETURN(Tensor out, Tensor::Create(dtype, Shape(c.sizes().vec())));
  if (out.NumBytes() > 0) std::memcpy(out.raw_data(), c.data_ptr(), out.NumBytes());
  return out;
}

// Collects the tensors of a forward's result: a tensor, or a (nested) tuple or list of them.
Status CollectOutputs(const c10::IValue& v, std::vector<Tensor>& out) {
  if (v.isTensor()) {
    FERRY_ASSIGN_OR_RETURN(Tensor t,
                           FromTorch(v.toTensor(), "output " + std::to_string(out.size())));
    out.push_back(std::move(t));
    return Status::Ok();
  }
  if (v.isTuple()) {
    for (const c10::IValue& e : v.toTupleRef().elements())
      FERRY_RETURN_IF_ERROR(CollectOutputs(e, out));
    return Status::Ok();
  }
  if (v.isList()) {
    for (const c10::IValue& e : v.toListRef()) FERRY_RETURN_IF_ERROR(CollectOutputs(e, out));
    return Status::Ok();
  }
  return Unimplemented("TorchScript forward returned " + v.tagKind() +
                       ", expected tensors (alone, in a tuple or in a list)");
}

}  // namespace

struct TorchModel::Impl {
  Kind kind = Kind::kFerryCheckpoint;
  std::string path;
  std::unique_ptr<SimpleCnn> cnn;
  std::optional<::torch::jit::Module> script;
  std::vector<TorchInputSpec> inputs;
  std::vector<std::string> outputs;
};

TorchModel::TorchModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TorchModel::~TorchModel() = default;
TorchModel::Kind TorchModel::kind() const { return impl_->kind; }
const std::vector<TorchInputSpec>& TorchModel::inputs() const { return impl_->inputs; }
const std::vector<std::string>& TorchModel::output_names() const { return impl_->outputs; }

StatusOr<std::unique_ptr<TorchModel>> TorchModel::Load(const std::string& path) {
  const std::string where = "torch model '" + path + "'";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound(where + " does not exist");
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  FERRY_RETURN_IF_ERROR(CatchTorchErrors(where + " is not a PyTorch zip archive", [&]() -> Status {
    caffe2::serialize::PyTorchStreamReader reader(path);
    // torch.jit.save writes constants.pkl and code/; torch.save / pickle_save do not.
    impl->kind = reader.hasRecord("constants.pkl") ? Kind::kTorchScript : Kind::kFerryCheckpoint;
    return Status::Ok();
  }));

  if (impl->kind == Kind::kFerryCheckpoint) {
    FERRY_ASSIGN_OR_RETURN(SimpleCnnWeights weights, LoadCheckpoint(path));
    FERRY_ASSIGN_OR_RETURN(impl->cnn, SimpleCnn::FromWeights(weights));
    impl->inputs.push_back(
        {"input", DataType::kFloat32, std::vector<int64_t>{-1, 1, kImageSize, kImageSize}});
    impl->outputs = {"output"};
    return std::unique_ptr<TorchModel>(new TorchModel(std::move(impl)));
  }

  FERRY_RETURN_IF_ERROR(CatchTorchErrors(where, [&]() -> Status {
    impl->script = ::torch::jit::load(path, c10::Device(c10::kCPU));
    impl->script->eval();
    const c10::FunctionSchema& schema = impl->script->get_method("forward").function().getSchema();
    // Argument 0 is `self`.
    for (size_t i = 1; i < schema.arguments().size(); ++i) {
      const c10::Argument& arg = schema.arguments()[i];
      if (!arg.type()->isSubtypeOf(*c10::TensorType::get())) {
        return Unimplemented(where + ": forward argument '" + arg.name() + "' is " +
                             arg.type()->str() + ", only tensor arguments are supported");
      }
      impl->inputs.push_back({arg.name(), DataType::kFloat32, std::nullopt});
    }
    return Status::Ok();
  }));
  return std::unique_ptr<TorchModel>(new TorchModel(std::move(impl)));
}

StatusOr<std::vector<Tensor>> TorchModel::Run(const std::vector<Tensor>& inputs) const {
  const std::string where = "torch model '" + impl_->path + "'";
  if (inputs.size() != impl_->inputs.size()) {
    return InvalidArgument(where + ": got " + std::to_string(inputs.size()) + " inputs, expected " +
                           std::to_string(impl_->inputs.size()));
  }
  if (impl_->kind == Kind::kFerryCheckpoint) {
    FERRY_ASSIGN_OR_RETURN(Tensor y, impl_->cnn->Predict(inputs[0]));
    return std::vector<Tensor>{std::move(y)};
  }
  return CatchTorchErrors(where, [&]() -> StatusOr<std::vector<Tensor>> {
    ::torch::NoGradGuard no_grad;
    std::vector<c10::IValue> args;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Tensor& t = inputs[i];
      FERRY_ASSIGN_OR_RETURN(at::ScalarType type,
                             ToTorchType(t.dtype(), "input '" + impl_->inputs[i].name + "'"));
      // clone: a scripted forward may write to its arguments; ours stay untouched.
      args.emplace_back(
          ::torch::from_blob(const_cast<void*>(t.raw_data()), t.shape().dims(), type).clone());
    }
    const c10::IValue result = impl_->script->forward(args);
    std::vector<Tensor> outputs;
    FERRY_RETURN_IF_ERROR(CollectOutputs(result, outputs));
    if (impl_->outputs.size() != outputs.size()) {
      impl_->outputs.clear();
      for (size_t i = 0; i < outputs.size(); ++i) {
        impl_->outputs.push_back("output_" + std::to_string(i));
      }
    }
    return outputs;
  });
}

}  // namespace ferry::torch
