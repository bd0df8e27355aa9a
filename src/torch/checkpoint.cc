#include "torch/checkpoint.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>
#include <torch/serialize.h>

#include <algorithm>
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

namespace {

// A minimal reader of the pickle (protocol 2, what torch.save writes) inside a torch.save zip,
// for checkpoints torch 1.13's C++ unpickler cannot read: it turns every
// collections.OrderedDict (Python's state_dict type) into None. Python's pickle format
// (Lib/pickletools.py documents each opcode) is followed for the opcodes protocols 2-4
// emit; objects of classes other than OrderedDict (Lightning's AttributeDict, callbacks'
// state) become generic objects that are kept but never interpreted.
struct PyObj;
using PyPtr = std::shared_ptr<PyObj>;
struct PyObj {
  enum Kind { kNone, kBool, kInt, kFloat, kStr, kTuple, kList, kDict, kGlobal, kObject, kTensor,
              kStorage, kMark };
  Kind kind = kNone;
  int64_t i = 0;
  double f = 0;
  std::string s;                                 // kStr; kGlobal: "module.name"
  std::vector<PyPtr> items;                      // kTuple, kList; kObject: [callable, args]
  std::vector<std::pair<PyPtr, PyPtr>> dict;     // kDict
  at::Tensor tensor;                             // kTensor, kStorage
};

PyPtr Make(PyObj::Kind k) {
  auto p = std::make_shared<PyObj>();
  p->kind = k;
  return p;
}

StatusOr<at::ScalarType> StorageType(const std::string& name) {
  static const std::map<std::string, at::ScalarType> types = {
      {"torch.FloatStorage", at::kFloat}, {"torch.DoubleStorage", at::kDouble},
      {"torch.HalfStorage", at::kHalf},   {"torch.LongStorage", at::kLong},
      {"torch.IntStorage", at::kInt},     {"torch.ShortStorage", at::kShort},
      {"torch.CharStorage", at::kChar},   {"torch.ByteStorage", at::kByte},
      {"torch.BoolStorage", at::kBool},   {"torch.BFloat16Storage", at::kBFloat16}};
  auto it = types.find(name);
  if (it == types.end()) return InvalidArgument("storage type " + name + " is not supported");
  return it->second;
}

class MiniUnpickler {
 public:
  MiniUnpickler(const std::string& bytes, caffe2::serialize::PyTorchStreamReader& reader)
      : b_(bytes), reader_(reader) {}

  StatusOr<PyPtr> Load() {
    while (pos_ < b_.size()) {
      const uint8_t op = Byte();
      switch (op) {
        case 0x80: Byte(); break;                       // PROTO
        case 0x95: pos_ += 8; break;                    // FRAME
        case '}': Push(Make(PyObj::kDict)); break;      // EMPTY_DICT
        case ']': Push(Make(PyObj::kList)); break;      // EMPTY_LIST
        case ')': Push(Make(PyObj::kTuple)); break;     // EMPTY_TUPLE
        case '(': Push(Make(PyObj::kMark)); break;      // MARK
        case 'N': Push(Make(PyObj::kNone)); break;
        case 0x88: case 0x89: {                         // NEWTRUE, NEWFALSE
          PyPtr p = Make(PyObj::kBool);
          p->i = op == 0x88;
          Push(p);
          break;
        }
        case 'q': memo_[Byte()] = Top(); break;         // BINPUT
        case 'r': memo_[U32()] = Top(); break;          // LONG_BINPUT
        case 0x94: memo_[memo_.size()] = Top(); break;  // MEMOIZE
        case 'h': FERRY_RETURN_IF_ERROR(Get(Byte())); break;  // BINGET
        case 'j': FERRY_RETURN_IF_ERROR(Get(U32())); break;   // LONG_BINGET
        case 'J': PushInt(static_cast<int32_t>(U32())); break;  // BININT
        case 'K': PushInt(Byte()); break;                       // BININT1
        case 'M': PushInt(Byte() | (Byte() << 8)); break;       // BININT2
        case 0x8a: {                                             // LONG1
          const int n = Byte();
          int64_t v = 0;
          for (int k = 0; k < n; ++k) v |= static_cast<int64_t>(Byte()) << (8 * k);
          if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v -= int64_t{1} << (8 * n);
          PushInt(v);
          break;
        }
        case 'G': {                                              // BINFLOAT (big-endian)
          uint64_t u = 0;
          for (int k = 0; k < 8; ++k) u = (u << 8) | Byte();
          PyPtr p = Make(PyObj::kFloat);
          std::memcpy(&p->f, &u, 8);
          Push(p);
          break;
        }
        case 'X': PushStr(U32()); break;                         // BINUNICODE
        case 0x8c: case 'U': case 'C': PushStr(Byte()); break;  // SHORT_BIN{UNICODE,STRING,BYTES}
        case 'T': case 'B': PushStr(U32()); break;               // BINSTRING, BINBYTES
        case 'c': {                                              // GLOBAL
          PyPtr g = Make(PyObj::kGlobal);
          const std::string module = Line();  // two statements: operand order is unspecified
          g->s = module + "." + Line();
          Push(g);
          break;
        }
        case 0x93: {                                             // STACK_GLOBAL
          FERRY_ASSIGN_OR_RETURN(PyPtr name, Pop());
          FERRY_ASSIGN_OR_RETURN(PyPtr module, Pop());
          PyPtr g = Make(PyObj::kGlobal);
          g->s = module->s + "." + name->s;
          Push(g);
          break;
        }
        case 't': {                                              // TUPLE
          FERRY_ASSIGN_OR_RETURN(std::vector<PyPtr> xs, PopToMark());
          PyPtr t = Make(PyObj::kTuple);
          t->items = std::move(xs);
          Push(t);
          break;
        }
        case 0x85: case 0x86: case 0x87: {                       // TUPLE1..3
          PyPtr t = Make(PyObj::kTuple);
          t->items.resize(op - 0x84);
          for (size_t k = t->items.size(); k-- > 0;) {
            FERRY_ASSIGN_OR_RETURN(t->items[k], Pop());
          }
          Push(t);
          break;
        }
        case 'a': {                                              // APPEND
          FERRY_ASSIGN_OR_RETURN(PyPtr v, Pop());
          Top()->items.push_back(v);
          break;
        }
        case 'e': {                                              // APPENDS
          FERRY_ASSIGN_OR_RETURN(std::vector<PyPtr> xs, PopToMark());
          for (auto& x : xs) Top()->items.push_back(x);
          break;
        }
        case 's': {                                              // SETITEM
          FERRY_ASSIGN_OR_RETURN(PyPtr v, Pop());
          FERRY_ASSIGN_OR_RETURN(PyPtr k, Pop());
          Top()->dict.emplace_back(k, v);
          break;
        }
        case 'u': {                                              // SETITEMS
          FERRY_ASSIGN_OR_RETURN(std::vector<PyPtr> xs, PopToMark());
          for (size_t k = 0; k + 1 < xs.size(); k += 2) Top()->dict.emplace_back(xs[k], xs[k + 1]);
          break;
        }
        case 'Q': {                                              // BINPERSID
          FERRY_ASSIGN_OR_RETURN(PyPtr pid, Pop());
          FERRY_ASSIGN_OR_RETURN(PyPtr storage, LoadStorage(*pid));
          Push(storage);
          break;
        }
        case 'R': case 0x81: {                                   // REDUCE, NEWOBJ
          FERRY_ASSIGN_OR_RETURN(PyPtr args, Pop());
          FERRY_ASSIGN_OR_RETURN(PyPtr callable, Pop());
          FERRY_ASSIGN_OR_RETURN(PyPtr r, Reduce(callable, args));
          Push(r);
          break;
        }
        case 'b': {                                              // BUILD: state is not needed
          FERRY_ASSIGN_OR_RETURN(PyPtr state, Pop());
          (void)state;
          break;
        }
        case '.': return Pop();                                  // STOP
        default:
          return InvalidArgument("pickle opcode 0x" + Hex(op) + " at byte " +
                                 std::to_string(pos_ - 1) + " is not supported");
      }
      if (pos_ > b_.size()) return InvalidArgument("pickle ends early");
    }
    return InvalidArgument("pickle has no STOP");
  }

 private:
  static std::string Hex(uint8_t v) {
    const char* d = "0123456789abcdef";
    return {d[v >> 4], d[v & 15]};
  }
  uint32_t Byte() { return pos_ < b_.size() ? static_cast<uint8_t>(b_[pos_++]) : (pos_++, 0u); }
  uint32_t U32() {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= Byte() << (8 * k);
    return v;
  }
  std::string Line() {
    const size_t end = b_.find('\n', pos_);
    std::string out = b_.substr(pos_, end == std::string::npos ? std::string::npos : end - pos_);
    pos_ = end == std::string::npos ? b_.size() : end + 1;
    return out;
  }
  void Push(PyPtr p) { stack_.push_back(std::move(p)); }
  PyPtr Top() { return stack_.empty() ? Make(PyObj::kNone) : stack_.back(); }
  StatusOr<PyPtr> Pop() {
    if (stack_.empty()) return InvalidArgument("pickle stack underflow");
    PyPtr p = stack_.back();
    stack_.pop_back();
    return p;
  }
  StatusOr<std::vector<PyPtr>> PopToMark() {
    std::vector<PyPtr> out;
    while (!stack_.empty() && stack_.back()->kind != PyObj::kMark) {
      out.push_back(stack_.back());
      stack_.pop_back();
    }
    if (stack_.empty()) return InvalidArgument("pickle MARK not found");
    stack_.pop_back();
    std::reverse(out.begin(), out.end());
    return out;
  }
  Status Get(uint32_t k) {
    auto it = memo_.find(k);
    if (it == memo_.end()) return InvalidArgument("pickle memo " + std::to_string(k) + " unset");
    Push(it->second);
    return Status::Ok();
  }
  void PushInt(int64_t v) {
    PyPtr p = Make(PyObj::kInt);
    p->i = v;
    Push(p);
  }
  void PushStr(size_t n) {
    PyPtr p = Make(PyObj::kStr);
    p->s = b_.substr(pos_, n);
    pos_ += n;
    Push(p);
  }
  // ('storage', <storage class>, key, location, numel): the bytes of record data/<key>.
  StatusOr<PyPtr> LoadStorage(const PyObj& pid) {
    if (pid.kind != PyObj::kTuple || pid.items.size() < 5 || pid.items[1]->kind != PyObj::kGlobal) {
      return InvalidArgument("persistent id is not a torch storage");
    }
    FERRY_ASSIGN_OR_RETURN(at::ScalarType type, StorageType(pid.items[1]->s));
    const std::string& key = pid.items[2]->s;
    auto it = storages_.find(key);
    if (it == storages_.end()) {
      auto [data, size] = reader_.getRecord("data/" + key);
      const int64_t numel = static_cast<int64_t>(size / c10::elementSize(type));
      at::Tensor t = at::empty({numel}, at::TensorOptions().dtype(type));
      std::memcpy(t.data_ptr(), data.get(), numel * c10::elementSize(type));
      it = storages_.emplace(key, t).first;
    }
    PyPtr p = Make(PyObj::kStorage);
    p->tensor = it->second;
    return p;
  }
  StatusOr<PyPtr> Reduce(const PyPtr& callable, const PyPtr& args) {
    const std::string name = callable->kind == PyObj::kGlobal ? callable->s : "";
    if (name == "collections.OrderedDict") return Make(PyObj::kDict);
    if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
      // (storage, storage_offset, size, stride, ...)
      const auto& a = args->items;
      if (a.size() < 4 || a[0]->kind != PyObj::kStorage) {
        return InvalidArgument("malformed " + name + " arguments");
      }
      std::vector<int64_t> size, stride;
      for (const auto& x : a[2]->items) size.push_back(x->i);
      for (const auto& x : a[3]->items) stride.push_back(x->i);
      PyPtr p = Make(PyObj::kTensor);
      p->tensor = a[0]->tensor.as_strided(size, stride, a[1]->i).clone();
      return p;
    }
    if (name == "torch._utils._rebuild_parameter") {  // (tensor, requires_grad, hooks)
      if (args->items.empty()) return InvalidArgument("malformed _rebuild_parameter");
      return args->items[0];
    }
    PyPtr o = Make(PyObj::kObject);
    o->s = name;
    o->items = {callable, args};
    return o;
  }

  const std::string& b_;
  caffe2::serialize::PyTorchStreamReader& reader_;
  size_t pos_ = 0;
  std::vector<PyPtr> stack_;
  std::map<uint32_t, PyPtr> memo_;
  std::map<std::string, at::Tensor> storages_;
};

}  // namespace

StatusOr<SimpleCnnWeights> LoadLightningCheckpoint(const std::string& path,
                                                   const std::string& arch) {
  const std::string where = "Lightning checkpoint '" + path + "'";
  if (arch != kSimpleCnnArch) {
    return InvalidArgument(where + ": --arch " + arch + " is not known (ferry knows " +
                           kSimpleCnnArch + ")");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound(where + " does not exist");

  return CatchTorchErrors(where, [&]() -> StatusOr<SimpleCnnWeights> {
    caffe2::serialize::PyTorchStreamReader reader(path);
    auto [data, size] = reader.getRecord("data.pkl");
    const std::string pickle(static_cast<const char*>(data.get()), size);
    MiniUnpickler unpickler(pickle, reader);
    auto root = unpickler.Load();
    if (!root.ok()) return root.status().WithContext(where);
    if ((*root)->kind != PyObj::kDict) return InvalidArgument(where + ": top level is not a dict");
    const PyObj* state = nullptr;
    for (const auto& [k, v] : (*root)->dict) {
      if (k->kind == PyObj::kStr && k->s == "state_dict") state = v.get();
    }
    if (state == nullptr || state->kind != PyObj::kDict) {
      return InvalidArgument(where + ": no 'state_dict' dict entry");
    }
    std::map<std::string, at::Tensor> found;
    for (const auto& [k, v] : state->dict) {
      if (k->kind != PyObj::kStr || v->kind != PyObj::kTensor) continue;
      std::string name = k->s;
      // TrainModule keeps the network in self.model.
      if (name.rfind("model.", 0) == 0) name = name.substr(6);
      found[name] = v->tensor;
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
