#include "torch/checkpoint.h"

#include <torch/script.h>
#include <torch/serialize.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <vector>

#include "core/atomic_file.h"
#include "torch/torch_guard.h"

namespace ferry::torch {

Status SaveCheckpoint(const SimpleCnnWeights& weights, const std::string& path) {
  FERRY_RETURN_IF_ERROR(weights.Validate("checkpoint '" + path + "'"));
  std::vector<char> bytes;
  FERRY_RETURN_IF_ERROR(CatchTorchErrors("checkpoint '" + path + "'", [&]() -> Status {
    c10::Dict<std::string, at::Tensor> state;
    for (const auto& [name, spec] : SimpleCnnParamSpecs()) {
      const Tensor* t = weights.Find(name);
      // clone: the archive must own its storage, not alias the ferry buffer.
      state.insert(name, ::torch::from_blob(const_cast<void*>(t->raw_data()), t->shape().dims(),
                                            ::torch::kFloat32)
                             .clone());
    }
    c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
    root.insert("format", std::string(kCheckpointFormat));
    root.insert("version", int64_t{kCheckpointVersion});
    root.insert("arch", weights.arch);
    root.insert("input", std::string(kInputDescription));
    root.insert("state_dict", state);
    bytes = ::torch::pickle_save(c10::IValue(root));
    return Status::Ok();
  }));
  return WriteFileAtomically(path, std::string_view(bytes.data(), bytes.size()));
}

StatusOr<SimpleCnnWeights> LoadCheckpoint(const std::string& path) {
  const std::string where = "checkpoint '" + path + "'";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound(where + " does not exist");
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return InvalidArgument(where + ": read error");

  return CatchTorchErrors(where, [&]() -> StatusOr<SimpleCnnWeights> {
    const c10::IValue root = ::torch::pickle_load(bytes);
    if (!root.isGenericDict()) return InvalidArgument(where + ": top level is not a dict");
    const c10::Dict<c10::IValue, c10::IValue> dict = root.toGenericDict();
    auto get = [&](const char* key) -> const c10::IValue* {
      auto it = dict.find(c10::IValue(std::string(key)));
      return it == dict.end() ? nullptr : &it->value();
    };
    SimpleCnnWeights w;
    if (const c10::IValue* arch = get("arch"); arch != nullptr && arch->isString()) {
      w.arch = arch->toStringRef();
    } else {
      return InvalidArgument(where + ": no string 'arch' entry");
    }
    if (const c10::IValue* v = get("version");
        v != nullptr && v->isInt() && v->toInt() > kCheckpointVersion) {
      return InvalidArgument(where + ": version " + std::to_string(v->toInt()) +
                             " is newer than this ferry reads (" +
                             std::to_string(kCheckpointVersion) + ")");
    }
    const c10::IValue* state = get("state_dict");
    if (state == nullptr || !state->isGenericDict()) {
      return InvalidArgument(where + ": no 'state_dict' dict entry");
    }
    for (const auto& item : state->toGenericDict()) {
      if (!item.key().isString() || !item.value().isTensor()) {
        return InvalidArgument(where + ": state_dict holds a non string->tensor entry");
      }
      const std::string& name = item.key().toStringRef();
      const at::Tensor t = item.value().toTensor().contiguous();
      if (t.scalar_type() != at::kFloat) {
        return InvalidArgument(where + ": parameter '" + name + "' has dtype " +
                               std::string(c10::toString(t.scalar_type())) + ", expected float32");
      }
      Tensor ft(DataType::kFloat32, Shape(t.sizes().vec()));
      std::memcpy(ft.raw_data(), t.data_ptr<float>(), ft.NumBytes());
      w.params.emplace_back(name, std::move(ft));
    }
    FERRY_RETURN_IF_ERROR(w.Validate(where));
    return w;
  });
}

StatusOr<SimpleCnnWeights> LoadLightningCheckpoint(const std::string& path,
                                                   const std::string& arch) {
  const std::string where = "Lightning checkpoint '" + path + "'";
  if (arch != kSimpleCnnArch) {
    return InvalidArgument(where + ": --arch " + arch + " is not known (ferry knows " +
                           kSimpleCnnArch + ")");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound(where + " does not exist");
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return InvalidArgument(where + ": read error");

  return CatchTorchErrors(where, [&]() -> StatusOr<SimpleCnnWeights> {
    const c10::IValue root = ::torch::pickle_load(bytes);
    if (!root.isGenericDict()) return InvalidArgument(where + ": top level is not a dict");
    const c10::Dict<c10::IValue, c10::IValue> dict = root.toGenericDict();
    auto it = dict.find(c10::IValue(std::string("state_dict")));
    if (it == dict.end() || !it->value().isGenericDict()) {
      return InvalidArgument(where + ": no 'state_dict' dict entry");
    }
    std::map<std::string, at::Tensor> found;
    for (const auto& item : it->value().toGenericDict()) {
      if (!item.key().isString() || !item.value().isTensor()) continue;
      std::string name = item.key().toStringRef();
      // TrainModule keeps the network in self.model.
      if (name.rfind("model.", 0) == 0) name = name.substr(6);
      found[name] = item.value().toTensor();
    }
    SimpleCnnWeights w;
    w.arch = arch;
    for (const auto& [name, shape] : SimpleCnnParamSpecs()) {
      auto f = found.find(name);
      if (f == found.end()) {
        return InvalidArgument(where + ": state_dict has no 'model." + name + "' (nor '" + name +
                               "')");
      }
      const at::Tensor t = f->second.contiguous();
      if (t.scalar_type() != at::kFloat) {
        return InvalidArgument(where + ": parameter '" + name + "' has dtype " +
                               std::string(c10::toString(t.scalar_type())) + ", expected float32");
      }
      Tensor ft(DataType::kFloat32, Shape(t.sizes().vec()));
      std::memcpy(ft.raw_data(), t.data_ptr<float>(), ft.NumBytes());
      w.params.emplace_back(name, std::move(ft));
    }
    FERRY_RETURN_IF_ERROR(w.Validate(where));
    return w;
  });
}

}  // namespace ferry::torch
