#include "onnx/tensor_proto.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/aligned_alloc.h"
#include "onnx/skeleton.h"

namespace ferry::onnx {
namespace {

namespace fs = std::filesystem;
using ::onnx::TensorProto;

static_assert(std::endian::native == std::endian::little,
              "ONNX raw_data is little-endian; ferry assumes a little-endian host");
static_assert(sizeof(bool) == 1, "bool tensors are stored one byte per element");

std::string TensorLabel(const TensorProto& p) { return "tensor '" + p.name() + "'"; }

// Copies a repeated proto field into the tensor buffer, converting each element to T.
template <typename T, typename Field>
Status CopyTyped(const Field& field, int64_t n, const char* field_name, const TensorProto& p,
                 Tensor* t) {
  if (static_cast<int64_t>(field.size()) != n)
    return InvalidArgument(TensorLabel(p) + ": " + field_name + " has " +
                           std::to_string(field.size()) + " elements, shape " +
                           t->shape().ToString() + " needs " + std::to_string(n));
  T* out = t->data<T>();
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, bool>) {
      out[i] = field.Get(static_cast<int>(i)) != 0;
    } else {
      out[i] = static_cast<T>(field.Get(static_cast<int>(i)));
    }
  }
  return Status::Ok();
}

Status ReadTypedFields(const TensorProto& p, Tensor* t) {
  const int64_t n = t->NumElements();
  switch (t->dtype()) {
    case DataType::kFloat32: return CopyTyped<float>(p.float_data(), n, "float_data", p, t);
    case DataType::kFloat64: return CopyTyped<double>(p.double_data(), n, "double_data", p, t);
    case DataType::kInt64: return CopyTyped<int64_t>(p.int64_data(), n, "int64_data", p, t);
    case DataType::kUInt32: return CopyTyped<uint32_t>(p.uint64_data(), n, "uint64_data", p, t);
    case DataType::kUInt64: return CopyTyped<uint64_t>(p.uint64_data(), n, "uint64_data", p, t);
    // onnx.proto: int32_data holds INT32, INT16, INT8, UINT16, UINT8, BOOL, and the bit
    // patterns of FLOAT16 and BFLOAT16.
    case DataType::kInt32: return CopyTyped<int32_t>(p.int32_data(), n, "int32_data", p, t);
    case DataType::kInt16: return CopyTyped<int16_t>(p.int32_data(), n, "int32_data", p, t);
    case DataType::kInt8: return CopyTyped<int8_t>(p.int32_data(), n, "int32_data", p, t);
    case DataType::kUInt16:
    case DataType::kFloat16:
    case DataType::kBFloat16: return CopyTyped<uint16_t>(p.int32_data(), n, "int32_data", p, t);
    case DataType::kUInt8: return CopyTyped<uint8_t>(p.int32_data(), n, "int32_data", p, t);
    case DataType::kBool: return CopyTyped<bool>(p.int32_data(), n, "int32_data", p, t);
    case DataType::kString: {
      if (p.string_data_size() != n)
        return InvalidArgument(TensorLabel(p) + ": string_data has " +
                               std::to_string(p.string_data_size()) + " elements, shape " +
                               t->shape().ToString() + " needs " + std::to_string(n));
      for (int64_t i = 0; i < n; ++i) t->strings()[i] = p.string_data(static_cast<int>(i));
      return Status::Ok();
    }
    default: return Internal(TensorLabel(p) + ": unhandled dtype");
  }
}

// Bools read as bytes are normalised to 0/1.
void NormalizeBools(Tensor* t) {
  if (t->dtype() == DataType::kBool) {
    auto* b = static_cast<uint8_t*>(t->raw_data());
    for (int64_t i = 0; i < t->NumElements(); ++i) b[i] = b[i] != 0;
  }
}

// Copies little-endian fixed-width bytes into the tensor.
void CopyRaw(const char* bytes, Tensor* t) {
  std::memcpy(t->raw_data(), bytes, t->NumBytes());
  NormalizeBools(t);
}

StatusOr<int64_t> ParseNonNegative(const std::string& s, const std::string& what,
                                   const TensorProto& p) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0)
    return InvalidArgument(TensorLabel(p) + ": external data " + what + " '" + s +
                           "' is not a non-negative integer");
  return v;
}

// A location is a path relative to the model folder that never climbs out of it.
Status CheckLocation(const std::string& location, const TensorProto& p) {
  if (location.empty()) return InvalidArgument(TensorLabel(p) + ": external data has no location");
  if (location.front() == '/' || location.front() == '\\' || fs::path(location).is_absolute() ||
      (location.size() > 1 && location[1] == ':'))
    return InvalidArgument(TensorLabel(p) + ": external data location '" + location +
                           "' is absolute; only paths inside the model's folder are allowed");
  size_t start = 0;
  while (start <= location.size()) {
    size_t end = location.find_first_of("/\\", start);
    if (end == std::string::npos) end = location.size();
    if (location.compare(start, end - start, "..") == 0 && end - start == 2)
      return InvalidArgument(TensorLabel(p) + ": external data location '" + location +
                             "' contains '..'; only paths inside the model's folder are allowed");
    start = end + 1;
  }
  return Status::Ok();
}

Status ReadExternal(const TensorProto& p, const TensorReadOptions& options, Tensor* t) {
  if (t->dtype() == DataType::kString)
    return InvalidArgument(TensorLabel(p) + ": string tensors cannot use external data");
  std::string location;
  int64_t offset = 0;
  int64_t length = -1;
  for (const auto& kv : p.external_data()) {
    if (kv.key() == "location") {
      location = kv.value();
    } else if (kv.key() == "offset") {
      FERRY_ASSIGN_OR_RETURN(offset, ParseNonNegative(kv.value(), "offset", p));
    } else if (kv.key() == "length") {
      FERRY_ASSIGN_OR_RETURN(length, ParseNonNegative(kv.value(), "length", p));
    }
  }
  FERRY_RETURN_IF_ERROR(CheckLocation(location, p));
  if (options.model_dir.empty())
    return InvalidArgument(TensorLabel(p) + ": external data '" + location +
                           "' needs the model's folder (load the model from a file)");

  std::error_code ec;
  const fs::path dir = fs::canonical(options.model_dir, ec);
  if (ec) return NotFound("model folder '" + options.model_dir + "': " + ec.message());
  const fs::path file = fs::weakly_canonical(dir / location, ec);
  if (ec) return NotFound(TensorLabel(p) + ": external data '" + location + "': " + ec.message());
  // A symlink inside the folder must not lead out of it either.
  auto [dir_end, file_it] = std::mismatch(dir.begin(), dir.end(), file.begin(), file.end());
  if (dir_end != dir.end())
    return InvalidArgument(TensorLabel(p) + ": external data '" + location +
                           "' resolves outside the model's folder");
  if (!fs::is_regular_file(file, ec))
    return NotFound(TensorLabel(p) + ": external data file '" + file.string() + "' not found");
  const auto file_size = static_cast<int64_t>(fs::file_size(file, ec));
  if (ec)
    return NotFound(TensorLabel(p) + ": external data '" + file.string() + "': " + ec.message());

  if (offset > file_size)
    return InvalidArgument(TensorLabel(p) + ": external data offset " + std::to_string(offset) +
                           " is past the end of '" + file.string() + "' (" +
                           std::to_string(file_size) + " bytes)");
  if (length < 0) length = file_size - offset;
  if (length > file_size - offset)
    return InvalidArgument(TensorLabel(p) + ": external data [" + std::to_string(offset) + ", +" +
                           std::to_string(length) + ") runs past the end of '" + file.string() +
                           "' (" + std::to_string(file_size) + " bytes)");
  if (static_cast<uint64_t>(length) != t->NumBytes())
    return InvalidArgument(TensorLabel(p) + ": external data has " + std::to_string(length) +
                           " bytes, shape " + t->shape().ToString() + " of " +
                           DataTypeName(t->dtype()) + " needs " + std::to_string(t->NumBytes()));

  std::ifstream in(file, std::ios::binary);
  in.seekg(offset);
  in.read(static_cast<char*>(t->raw_data()), length);
  if (!in) return InvalidArgument(TensorLabel(p) + ": cannot read '" + file.string() + "'");
  NormalizeBools(t);
  return Status::Ok();
}

template <typename T, typename Field>
void WriteTyped(const Tensor& t, Field* field) {
  const T* in = t.data<T>();
  field->Reserve(static_cast<int>(t.NumElements()));
  for (int64_t i = 0; i < t.NumElements(); ++i) field->Add(in[i]);
}

}  // namespace

StatusOr<DataType> DataTypeFromOnnx(int32_t elem_type) {
  switch (elem_type) {
    case TensorProto::FLOAT: return DataType::kFloat32;
    case TensorProto::UINT8: return DataType::kUInt8;
    case TensorProto::INT8: return DataType::kInt8;
    case TensorProto::UINT16: return DataType::kUInt16;
    case TensorProto::INT16: return DataType::kInt16;
    case TensorProto::INT32: return DataType::kInt32;
    case TensorProto::INT64: return DataType::kInt64;
    case TensorProto::STRING: return DataType::kString;
    case TensorProto::BOOL: return DataType::kBool;
    case TensorProto::FLOAT16: return DataType::kFloat16;
    case TensorProto::DOUBLE: return DataType::kFloat64;
    case TensorProto::UINT32: return DataType::kUInt32;
    case TensorProto::UINT64: return DataType::kUInt64;
    case TensorProto::BFLOAT16: return DataType::kBFloat16;
    case TensorProto::COMPLEX64:
    case TensorProto::COMPLEX128:
      return Unimplemented(
          "ONNX element type " +
          TensorProto::DataType_Name(static_cast<TensorProto::DataType>(elem_type)) +
          " is not supported");
    case TensorProto::UNDEFINED: return DataType::kUndefined;
    default: return InvalidArgument("unknown ONNX element type " + std::to_string(elem_type));
  }
}

int32_t DataTypeToOnnx(DataType dtype) {
  switch (dtype) {
    case DataType::kFloat32: return TensorProto::FLOAT;
    case DataType::kFloat64: return TensorProto::DOUBLE;
    case DataType::kFloat16: return TensorProto::FLOAT16;
    case DataType::kBFloat16: return TensorProto::BFLOAT16;
    case DataType::kInt8: return TensorProto::INT8;
    case DataType::kInt16: return TensorProto::INT16;
    case DataType::kInt32: return TensorProto::INT32;
    case DataType::kInt64: return TensorProto::INT64;
    case DataType::kUInt8: return TensorProto::UINT8;
    case DataType::kUInt16: return TensorProto::UINT16;
    case DataType::kUInt32: return TensorProto::UINT32;
    case DataType::kUInt64: return TensorProto::UINT64;
    case DataType::kBool: return TensorProto::BOOL;
    case DataType::kString: return TensorProto::STRING;
    case DataType::kUndefined: return TensorProto::UNDEFINED;
  }
  return TensorProto::UNDEFINED;
}

namespace {

StatusOr<Tensor> FromProto(const TensorProto& p, const TensorReadOptions& options,
                           const DetachedRawData* detached) {
  auto dtype_or = DataTypeFromOnnx(p.data_type());
  if (!dtype_or.ok()) return dtype_or.status().WithContext(TensorLabel(p));
  const DataType dtype = *dtype_or;
  if (dtype == DataType::kUndefined)
    return InvalidArgument(TensorLabel(p) + ": data_type is UNDEFINED");
  if (p.has_segment())
    return Unimplemented(TensorLabel(p) + ": segmented tensors are not supported");
  std::vector<int64_t> dims(p.dims().begin(), p.dims().end());
  const size_t elem = dtype == DataType::kString ? 1 : SizeOf(dtype);
  Status valid = Shape::Validate(dims, elem, Tensor::kMaxBytes);
  if (!valid.ok()) return valid.WithContext(TensorLabel(p));
  Shape shape(std::move(dims));
  // raw_data (external data wins over it): its byte count must match the shape.
  const bool raw = p.data_location() != TensorProto::EXTERNAL && p.has_raw_data();
  if (raw) {
    if (dtype == DataType::kString)
      return InvalidArgument(TensorLabel(p) + ": string tensors cannot use raw_data");
    const uint64_t raw_bytes = detached ? detached->length : p.raw_data().size();
    const uint64_t need = static_cast<uint64_t>(shape.NumElements()) * elem;
    if (raw_bytes != need)
      return InvalidArgument(TensorLabel(p) + ": raw_data has " + std::to_string(raw_bytes) +
                             " bytes, shape " + shape.ToString() + " of " +
                             DataTypeName(dtype) + " needs " + std::to_string(need));
    // A big payload of a model loaded with lazy_weights stays in its file.
    if (detached && dtype != DataType::kBool && raw_bytes >= kMinLazyBytes) {
      if (std::shared_ptr<const OpenFile> file = detached->source->lazy_file())
        return Tensor::FromFile(dtype, std::move(shape), std::move(file), detached->offset);
    }
  }
  Tensor t;
  try {
    t = Tensor(dtype, shape);
  } catch (const std::bad_alloc&) {
    return InvalidArgument(TensorLabel(p) + ": out of memory allocating " + shape.ToString() +
                           " of " + DataTypeName(dtype));
  }

  if (p.data_location() == TensorProto::EXTERNAL) {
    FERRY_RETURN_IF_ERROR(ReadExternal(p, options, &t));
  } else if (raw) {
    if (detached) {
      PrefaultTensorStorage(t.raw_data(), t.NumBytes());  // no page fault per page while reading
      Status read = detached->source->ReadAt(detached->offset, t.NumBytes(), t.raw_data());
      if (!read.ok()) return read.WithContext(TensorLabel(p) + " raw_data");
      NormalizeBools(&t);
    } else {
      CopyRaw(p.raw_data().data(), &t);
    }
  } else {
    FERRY_RETURN_IF_ERROR(ReadTypedFields(p, &t));
  }
  return t;
}

}  // namespace

StatusOr<Tensor> TensorFromProto(const TensorProto& p, const TensorReadOptions& options) {
  return FromProto(p, options, nullptr);
}

StatusOr<Tensor> TensorFromProto(const TensorProto& p, const TensorReadOptions& options,
                                 const DetachedRawData& raw) {
  return FromProto(p, options, &raw);
}

Status TensorToProto(const Tensor& t, const std::string& name, TensorProto* p,
                     TensorStorage storage) {
  p->Clear();
  p->set_name(name);
  if (!t.defined()) return InvalidArgument("tensor '" + name + "' is undefined");
  for (int64_t d : t.shape().dims()) p->add_dims(d);
  p->set_data_type(DataTypeToOnnx(t.dtype()));
  if (t.dtype() == DataType::kString) {
    for (const auto& s : t.strings()) p->add_string_data(s);
    return Status::Ok();
  }
  if (storage == TensorStorage::kRawData) {
    p->set_raw_data(t.raw_data(), t.NumBytes());
    return Status::Ok();
  }
  switch (t.dtype()) {
    case DataType::kFloat32: WriteTyped<float>(t, p->mutable_float_data()); break;
    case DataType::kFloat64: WriteTyped<double>(t, p->mutable_double_data()); break;
    case DataType::kInt64: WriteTyped<int64_t>(t, p->mutable_int64_data()); break;
    case DataType::kUInt32: WriteTyped<uint32_t>(t, p->mutable_uint64_data()); break;
    case DataType::kUInt64: WriteTyped<uint64_t>(t, p->mutable_uint64_data()); break;
    case DataType::kInt32: WriteTyped<int32_t>(t, p->mutable_int32_data()); break;
    case DataType::kInt16: WriteTyped<int16_t>(t, p->mutable_int32_data()); break;
    case DataType::kInt8: WriteTyped<int8_t>(t, p->mutable_int32_data()); break;
    case DataType::kUInt16:
    case DataType::kFloat16:
    case DataType::kBFloat16: WriteTyped<uint16_t>(t, p->mutable_int32_data()); break;
    case DataType::kUInt8: WriteTyped<uint8_t>(t, p->mutable_int32_data()); break;
    case DataType::kBool: WriteTyped<uint8_t>(t, p->mutable_int32_data()); break;
    default: return Internal("tensor '" + name + "': unhandled dtype");
  }
  return Status::Ok();
}

StatusOr<Tensor> ReadTensorProtoFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open '" + path + "'");
  std::stringstream buf;
  buf << in.rdbuf();
  TensorProto p;
  try {
    if (!p.ParseFromString(buf.str()))
      return InvalidArgument("'" + path + "' is not a serialized onnx TensorProto");
  } catch (const std::exception& e) {
    return InvalidArgument("'" + path + "': " + e.what());
  }
  TensorReadOptions options;
  options.model_dir = fs::path(path).parent_path().string();
  if (options.model_dir.empty()) options.model_dir = ".";
  auto t = TensorFromProto(p, options);
  if (!t.ok()) return t.status().WithContext("'" + path + "'");
  return t;
}

StatusOr<runtime::Value> ValueFromSequenceProto(const ::onnx::SequenceProto& proto,
                                                const TensorReadOptions& options) {
  const std::string what = "sequence '" + proto.name() + "'";
  if (proto.sparse_tensor_values_size() || proto.sequence_values_size() ||
      proto.map_values_size() || proto.optional_values_size())
    return Unimplemented(what + ": only sequences of dense tensors are supported");
  std::vector<Tensor> items;
  DataType elem = DataType::kUndefined;
  for (const TensorProto& tp : proto.tensor_values()) {
    auto t = TensorFromProto(tp, options);
    if (!t.ok()) return t.status().WithContext(what);
    if (elem != DataType::kUndefined && t->dtype() != elem)
      return InvalidArgument(what + ": elements of dtypes " + DataTypeName(elem) + " and " +
                             DataTypeName(t->dtype()));
    elem = t->dtype();
    items.push_back(std::move(t).value());
  }
  return runtime::Value::Sequence(elem, std::move(items));
}

StatusOr<runtime::Value> ValueFromOptionalProto(const ::onnx::OptionalProto& proto,
                                                const TensorReadOptions& options) {
  const std::string what = "optional '" + proto.name() + "'";
  if (proto.has_tensor_value()) {
    auto t = TensorFromProto(proto.tensor_value(), options);
    if (!t.ok()) return t.status().WithContext(what);
    return runtime::Value(std::move(t).value());
  }
  if (proto.has_sequence_value()) {
    auto seq = ValueFromSequenceProto(proto.sequence_value(), options);
    if (!seq.ok()) return seq.status().WithContext(what);
    return seq;
  }
  if (proto.has_sparse_tensor_value() || proto.has_map_value() || proto.has_optional_value())
    return Unimplemented(what + ": only optional tensors and sequences are supported");
  return runtime::Value::None();  // no element: an empty optional
}

StatusOr<runtime::Value> ReadValueProtoFile(const std::string& path,
                                            const ::onnx::TypeProto& type) {
  if (!type.has_sequence_type() && !type.has_optional_type()) {
    FERRY_ASSIGN_OR_RETURN(Tensor t, ReadTensorProtoFile(path));
    return runtime::Value(std::move(t));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open '" + path + "'");
  std::stringstream buf;
  buf << in.rdbuf();
  TensorReadOptions options;
  options.model_dir = fs::path(path).parent_path().string();
  if (options.model_dir.empty()) options.model_dir = ".";
  StatusOr<runtime::Value> v = InvalidArgument("unreachable");
  try {
    if (type.has_sequence_type()) {
      ::onnx::SequenceProto p;
      if (!p.ParseFromString(buf.str()))
        return InvalidArgument("'" + path + "' is not a serialized onnx SequenceProto");
      v = ValueFromSequenceProto(p, options);
    } else {
      ::onnx::OptionalProto p;
      if (!p.ParseFromString(buf.str()))
        return InvalidArgument("'" + path + "' is not a serialized onnx OptionalProto");
      v = ValueFromOptionalProto(p, options);
    }
  } catch (const std::exception& e) {
    return InvalidArgument("'" + path + "': " + e.what());
  }
  if (!v.ok()) return v.status().WithContext("'" + path + "'");
  return v;
}

}  // namespace ferry::onnx
