#include "serve/tensor_json.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <limits>

#include "check/check.h"

namespace ferry::serve {
namespace {

using json = nlohmann::json;
using check::TensorSpec;

bool IsB64Object(const json& v) { return v.is_object() && v.size() == 1 && v.contains("b64"); }

// A JSON array nested `dims.size()` deep, its leaves in row-major order.
struct Leaves {
  std::vector<int64_t> dims;
  std::vector<const json*> items;
};

// Walks `v`, which must have the shape dims[depth:], collecting its leaves.
Status CollectLeaves(const json& v, size_t depth, Leaves* l, const std::string& what) {
  if (depth == l->dims.size()) {
    if (v.is_array())
      return InvalidArgument(what + ": ragged nested lists (a list where a value was expected "
                             "at depth " + std::to_string(depth) + ")");
    l->items.push_back(&v);
    return Status::Ok();
  }
  if (!v.is_array() || static_cast<int64_t>(v.size()) != l->dims[depth])
    return InvalidArgument(what + ": ragged nested lists (expected a list of " +
                           std::to_string(l->dims[depth]) + " at depth " +
                           std::to_string(depth) + ")");
  for (const json& e : v) FERRY_RETURN_IF_ERROR(CollectLeaves(e, depth + 1, l, what));
  return Status::Ok();
}

// Shape of `v` from its first elements, then every leaf (checked to be rectangular).
Status AppendLeaves(const json& v, Leaves* l, size_t first_dim, const std::string& what) {
  if (l->dims.size() == first_dim) {
    for (const json* p = &v; p->is_array(); p = &(*p)[0]) {
      l->dims.push_back(static_cast<int64_t>(p->size()));
      if (p->empty()) break;
    }
  }
  return CollectLeaves(v, first_dim, l, what);
}

template <typename T>
Status StoreInt(const json& v, T* dst, const std::string& what) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<T>::max()))
      return InvalidArgument(what + ": " + std::to_string(u) + " is out of range");
    *dst = static_cast<T>(u);
    return Status::Ok();
  }
  if (v.is_number_integer()) {
    int64_t s = v.get<int64_t>();
    if (s < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        (s > 0 && static_cast<uint64_t>(s) > static_cast<uint64_t>(std::numeric_limits<T>::max())))
      return InvalidArgument(what + ": " + std::to_string(s) + " is out of range");
    *dst = static_cast<T>(s);
    return Status::Ok();
  }
  return InvalidArgument(what + ": expected an integer, got " + v.dump());
}

StatusOr<double> FloatOf(const json& v, const std::string& what) {
  if (v.is_number()) return v.get<double>();
  // TF Serving writes non-finite floats as these tokens; accept them back as strings.
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  return InvalidArgument(what + ": expected a number, got " + v.dump());
}

// Leaves into a tensor of `dtype` and shape `dims`.
StatusOr<Tensor> TensorFromLeaves(const Leaves& l, DataType dtype, const std::string& what) {
  if (dtype == DataType::kUndefined)
    return InvalidArgument(what + ": the model gives this input no dtype");
  size_t elem = dtype == DataType::kString ? 1 : SizeOf(dtype);
  FERRY_RETURN_IF_ERROR(Shape::Validate(l.dims, elem, int64_t{1} << 31).WithContext(what));
  FERRY_ASSIGN_OR_RETURN(Tensor t, Tensor::Create(dtype, Shape(l.dims)));
  const size_t n = l.items.size();
  for (size_t i = 0; i < n; ++i) {
    const json& v = *l.items[i];
    if (IsB64Object(v) && dtype != DataType::kString)
      return InvalidArgument(what + ": {\"b64\": ...} values are for string inputs; this input "
                             "is " + DataTypeName(dtype));
    switch (dtype) {
      case DataType::kFloat32: {
        FERRY_ASSIGN_OR_RETURN(double d, FloatOf(v, what));
        t.data<float>()[i] = static_cast<float>(d);
        break;
      }
      case DataType::kFloat64: {
        FERRY_ASSIGN_OR_RETURN(t.data<double>()[i], FloatOf(v, what));
        break;
      }
      case DataType::kFloat16: {
        FERRY_ASSIGN_OR_RETURN(double d, FloatOf(v, what));
        t.data<uint16_t>()[i] = FloatToHalf(static_cast<float>(d));
        break;
      }
      case DataType::kBFloat16: {
        FERRY_ASSIGN_OR_RETURN(double d, FloatOf(v, what));
        t.data<uint16_t>()[i] = FloatToBFloat16(static_cast<float>(d));
        break;
      }
      case DataType::kInt8: FERRY_RETURN_IF_ERROR(StoreInt(v, t.data<int8_t>() + i, what)); break;
      case DataType::kInt16: FERRY_RETURN_IF_ERROR(StoreInt(v, t.data<int16_t>() + i, what)); break;
      case DataType::kInt32: FERRY_RETURN_IF_ERROR(StoreInt(v, t.data<int32_t>() + i, what)); break;
      case DataType::kInt64: FERRY_RETURN_IF_ERROR(StoreInt(v, t.data<int64_t>() + i, what)); break;
      case DataType::kUInt8: FERRY_RETURN_IF_ERROR(StoreInt(v, t.data<uint8_t>() + i, what)); break;
      case DataType::kUInt16:
        FERRY_RETURN_IF_ERROR(StoreInt(v, t.data<uint16_t>() + i, what));
        break;
      case DataType::kUInt32:
        FERRY_RETURN_IF_ERROR(StoreInt(v, t.data<uint32_t>() + i, what));
        break;
      case DataType::kUInt64:
        FERRY_RETURN_IF_ERROR(StoreInt(v, t.data<uint64_t>() + i, what));
        break;
      case DataType::kBool:
        if (!v.is_boolean())
          return InvalidArgument(what + ": expected true or false, got " + v.dump());
        t.data<bool>()[i] = v.get<bool>();
        break;
      case DataType::kString:
        if (v.is_string()) {
          t.strings()[i] = v.get<std::string>();
        } else if (IsB64Object(v) && v["b64"].is_string()) {
          auto bytes = Base64Decode(v["b64"].get<std::string>());
          if (!bytes.ok()) return bytes.status().WithContext(what);
          t.strings()[i] = std::move(bytes).value();
        } else {
          return InvalidArgument(what + ": expected a string or {\"b64\": ...}, got " + v.dump());
        }
        break;
      default:
        return InvalidArgument(what + ": dtype " + std::string(DataTypeName(dtype)) +
                               " cannot be sent as JSON");
    }
  }
  return t;
}

const TensorSpec* FindSpec(const std::vector<TensorSpec>& specs, const std::string& name) {
  for (const TensorSpec& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

std::string InputWhat(const TensorSpec& s) { return "input '" + s.name + "'"; }

// Row form: `instances` is a list, one element per batch row; each element is the single
// input's value or an object {input name: value}.
Status ParseRows(const json& instances, const std::vector<TensorSpec>& specs,
                 std::vector<Tensor>* out) {
  if (!instances.is_array()) return InvalidArgument("'instances' must be a list");
  if (instances.empty()) return InvalidArgument("'instances' is empty");
  const bool named = instances[0].is_object() && !IsB64Object(instances[0]);
  if (!named) {
    if (specs.size() != 1)
      return InvalidArgument("the model has " + std::to_string(specs.size()) +
                             " inputs: each instance must be an object {input name: value}");
    Leaves l;
    l.dims.push_back(static_cast<int64_t>(instances.size()));
    for (const json& row : instances) {
      if (row.is_object() && !IsB64Object(row))
        return InvalidArgument("'instances' mixes objects and values");
      FERRY_RETURN_IF_ERROR(AppendLeaves(row, &l, 1, InputWhat(specs[0])));
    }
    FERRY_ASSIGN_OR_RETURN(Tensor t, TensorFromLeaves(l, specs[0].dtype, InputWhat(specs[0])));
    out->push_back(std::move(t));
    return Status::Ok();
  }
  for (const json& row : instances) {
    if (!row.is_object() || IsB64Object(row))
      return InvalidArgument("'instances' mixes objects and values");
    for (auto it = row.begin(); it != row.end(); ++it)
      if (!FindSpec(specs, it.key()))
        return InvalidArgument("instance names input '" + it.key() +
                               "', which the model does not have");
  }
  for (const TensorSpec& s : specs) {
    Leaves l;
    l.dims.push_back(static_cast<int64_t>(instances.size()));
    for (const json& row : instances) {
      auto it = row.find(s.name);
      if (it == row.end()) return InvalidArgument("missing input '" + s.name + "' in an instance");
      FERRY_RETURN_IF_ERROR(AppendLeaves(*it, &l, 1, InputWhat(s)));
    }
    FERRY_ASSIGN_OR_RETURN(Tensor t, TensorFromLeaves(l, s.dtype, InputWhat(s)));
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

// Columnar form: `inputs` is the single input's value or an object {input name: value}.
Status ParseColumns(const json& inputs, const std::vector<TensorSpec>& specs,
                    std::vector<Tensor>* out) {
  const bool named = inputs.is_object() && !IsB64Object(inputs);
  if (!named) {
    if (specs.size() != 1)
      return InvalidArgument("the model has " + std::to_string(specs.size()) +
                             " inputs: 'inputs' must be an object {input name: value}");
    Leaves l;
    FERRY_RETURN_IF_ERROR(AppendLeaves(inputs, &l, 0, InputWhat(specs[0])));
    FERRY_ASSIGN_OR_RETURN(Tensor t, TensorFromLeaves(l, specs[0].dtype, InputWhat(specs[0])));
    out->push_back(std::move(t));
    return Status::Ok();
  }
  for (auto it = inputs.begin(); it != inputs.end(); ++it)
    if (!FindSpec(specs, it.key()))
      return InvalidArgument("'inputs' names input '" + it.key() +
                             "', which the model does not have");
  for (const TensorSpec& s : specs) {
    auto it = inputs.find(s.name);
    if (it == inputs.end()) return InvalidArgument("missing input '" + s.name + "'");
    Leaves l;
    FERRY_RETURN_IF_ERROR(AppendLeaves(*it, &l, 0, InputWhat(s)));
    FERRY_ASSIGN_OR_RETURN(Tensor t, TensorFromLeaves(l, s.dtype, InputWhat(s)));
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

template <typename T>
void AppendNumber(T v, std::string* out) {
  if constexpr (std::is_floating_point_v<T>) {
    // Shortest text that reads back to the same value (std::to_chars); TF Serving writes
    // non-finite values as NaN / Infinity, which JSON itself cannot say.
    if (std::isnan(v)) {
      *out += "NaN";
      return;
    }
    if (std::isinf(v)) {
      *out += v > 0 ? "Infinity" : "-Infinity";
      return;
    }
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

void AppendString(const std::string& s, bool b64, std::string* out) {
  if (!b64) {
    try {
      *out += json(s).dump();
      return;
    } catch (const json::exception&) {
      // Not UTF-8: only base64 can carry it.
    }
  }
  *out += "{\"b64\":\"";
  *out += Base64Encode(s);
  *out += "\"}";
}

void AppendElement(const Tensor& t, int64_t i, bool b64, std::string* out) {
  switch (t.dtype()) {
    case DataType::kFloat32: AppendNumber(t.data<float>()[i], out); break;
    case DataType::kFloat64: AppendNumber(t.data<double>()[i], out); break;
    case DataType::kFloat16: AppendNumber(HalfToFloat(t.data<uint16_t>()[i]), out); break;
    case DataType::kBFloat16: AppendNumber(BFloat16ToFloat(t.data<uint16_t>()[i]), out); break;
    case DataType::kInt8: AppendNumber(static_cast<int>(t.data<int8_t>()[i]), out); break;
    case DataType::kInt16: AppendNumber(t.data<int16_t>()[i], out); break;
    case DataType::kInt32: AppendNumber(t.data<int32_t>()[i], out); break;
    case DataType::kInt64: AppendNumber(t.data<int64_t>()[i], out); break;
    case DataType::kUInt8: AppendNumber(static_cast<unsigned>(t.data<uint8_t>()[i]), out); break;
    case DataType::kUInt16: AppendNumber(t.data<uint16_t>()[i], out); break;
    case DataType::kUInt32: AppendNumber(t.data<uint32_t>()[i], out); break;
    case DataType::kUInt64: AppendNumber(t.data<uint64_t>()[i], out); break;
    case DataType::kBool: *out += t.data<bool>()[i] ? "true" : "false"; break;
    case DataType::kString: AppendString(t.strings()[i], b64, out); break;
    default: *out += "null";
  }
}

// Elements [offset, ...) of `t` shaped as dims[depth:], as nested lists.
void AppendNested(const Tensor& t, int depth, int64_t offset, bool b64, std::string* out) {
  if (depth == t.rank()) {
    AppendElement(t, offset, b64, out);
    return;
  }
  int64_t inner = 1;
  for (int d = depth + 1; d < t.rank(); ++d) inner *= t.dim(d);
  *out += '[';
  for (int64_t i = 0; i < t.dim(depth); ++i) {
    if (i) *out += ',';
    AppendNested(t, depth + 1, offset + i * inner, b64, out);
  }
  *out += ']';
}

// TF Serving base64-encodes string outputs whose name ends in "_bytes".
bool WantsB64(const std::string& name) {
  return name.size() >= 6 && name.compare(name.size() - 6, 6, "_bytes") == 0;
}

void AppendKey(const std::string& k, std::string* out) {
  AppendString(k, false, out);
  *out += ':';
}

}  // namespace

StatusOr<PredictRequest> ParsePredictRequest(const json& body,
                                             const std::vector<TensorSpec>& specs) {
  if (!body.is_object()) return InvalidArgument("the request body must be a JSON object");
  PredictRequest r;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& k = it.key();
    if (k == "signature_name") {
      if (!it->is_string()) return InvalidArgument("'signature_name' must be a string");
      r.signature_name = it->get<std::string>();
    } else if (k != "instances" && k != "inputs") {
      return InvalidArgument("unknown field '" + k + "' (expected instances or inputs)");
    }
  }
  const bool has_rows = body.contains("instances");
  const bool has_cols = body.contains("inputs");
  if (has_rows == has_cols)
    return InvalidArgument("the request must have exactly one of 'instances' (row format) or "
                           "'inputs' (columnar format)");
  r.row_format = has_rows;
  if (has_rows) {
    FERRY_RETURN_IF_ERROR(ParseRows(body["instances"], specs, &r.inputs));
  } else {
    FERRY_RETURN_IF_ERROR(ParseColumns(body["inputs"], specs, &r.inputs));
  }
  for (size_t i = 0; i < specs.size(); ++i)
    FERRY_RETURN_IF_ERROR(check::CheckInputMatchesSpec(specs[i], r.inputs[i]));
  return r;
}

StatusOr<std::string> WritePredictResponse(const std::vector<Tensor>& outputs,
                                           const std::vector<TensorSpec>& specs,
                                           bool row_format) {
  if (outputs.size() != specs.size())
    return Internal("the model returned " + std::to_string(outputs.size()) + " outputs, its "
                    "signature has " + std::to_string(specs.size()));
  std::string out;
  if (!row_format) {
    out += "{\"outputs\":";
    if (outputs.size() == 1) {
      AppendNested(outputs[0], 0, 0, WantsB64(specs[0].name), &out);
    } else {
      out += '{';
      for (size_t i = 0; i < outputs.size(); ++i) {
        if (i) out += ',';
        AppendKey(specs[i].name, &out);
        AppendNested(outputs[i], 0, 0, WantsB64(specs[i].name), &out);
      }
      out += '}';
    }
    out += "}";
    return out;
  }
  // Row form: every output is split along its first dim, which must be the batch size.
  int64_t rows = -1;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& t = outputs[i];
    if (t.rank() == 0 || (rows >= 0 && t.dim(0) != rows))
      return InvalidArgument("output '" + specs[i].name + "' has shape " + t.shape().ToString() +
                             ": the row format ('instances') needs every output to have the same "
                             "first dim; use the columnar format ('inputs')");
    rows = t.dim(0);
  }
  out += "{\"predictions\":[";
  for (int64_t r = 0; r < rows; ++r) {
    if (r) out += ',';
    if (outputs.size() > 1) out += '{';
    for (size_t i = 0; i < outputs.size(); ++i) {
      const Tensor& t = outputs[i];
      if (i) out += ',';
      if (outputs.size() > 1) AppendKey(specs[i].name, &out);
      const int64_t row_elems = t.dim(0) ? t.NumElements() / t.dim(0) : 0;
      AppendNested(t, 1, r * row_elems, WantsB64(specs[i].name), &out);
    }
    if (outputs.size() > 1) out += '}';
  }
  out += "]}";
  return out;
}

std::string KServeDataType(DataType t) {
  switch (t) {
    case DataType::kFloat32: return "FP32";
    case DataType::kFloat64: return "FP64";
    case DataType::kFloat16: return "FP16";
    case DataType::kBFloat16: return "BF16";
    case DataType::kInt8: return "INT8";
    case DataType::kInt16: return "INT16";
    case DataType::kInt32: return "INT32";
    case DataType::kInt64: return "INT64";
    case DataType::kUInt8: return "UINT8";
    case DataType::kUInt16: return "UINT16";
    case DataType::kUInt32: return "UINT32";
    case DataType::kUInt64: return "UINT64";
    case DataType::kBool: return "BOOL";
    case DataType::kString: return "BYTES";
    default: return "";
  }
}

std::string TfDataTypeName(DataType t) {
  switch (t) {
    case DataType::kFloat32: return "DT_FLOAT";
    case DataType::kFloat64: return "DT_DOUBLE";
    case DataType::kFloat16: return "DT_HALF";
    case DataType::kBFloat16: return "DT_BFLOAT16";
    case DataType::kInt8: return "DT_INT8";
    case DataType::kInt16: return "DT_INT16";
    case DataType::kInt32: return "DT_INT32";
    case DataType::kInt64: return "DT_INT64";
    case DataType::kUInt8: return "DT_UINT8";
    case DataType::kUInt16: return "DT_UINT16";
    case DataType::kUInt32: return "DT_UINT32";
    case DataType::kUInt64: return "DT_UINT64";
    case DataType::kBool: return "DT_BOOL";
    case DataType::kString: return "DT_STRING";
    default: return "DT_INVALID";
  }
}

StatusOr<InferRequest> ParseInferRequest(const json& body, const std::vector<TensorSpec>& specs) {
  if (!body.is_object()) return InvalidArgument("the request body must be a JSON object");
  InferRequest r;
  if (auto it = body.find("id"); it != body.end()) {
    if (!it->is_string()) return InvalidArgument("'id' must be a string");
    r.id = it->get<std::string>();
    r.has_id = true;
  }
  auto ins = body.find("inputs");
  if (ins == body.end() || !ins->is_array())
    return InvalidArgument("'inputs' must be a list of {name, shape, datatype, data}");
  std::vector<Tensor> by_spec(specs.size());
  for (const json& in : *ins) {
    if (!in.is_object() || !in.contains("name") || !in["name"].is_string())
      return InvalidArgument("every element of 'inputs' needs a string 'name'");
    const std::string name = in["name"].get<std::string>();
    const TensorSpec* s = FindSpec(specs, name);
    if (!s) return InvalidArgument("input '" + name + "': the model has no such input");
    const size_t idx = s - specs.data();
    if (by_spec[idx].defined()) return InvalidArgument("input '" + name + "' is given twice");
    const std::string what = InputWhat(*s);
    if (!in.contains("datatype") || !in["datatype"].is_string())
      return InvalidArgument(what + ": 'datatype' must be a string such as \"FP32\"");
    const std::string want = KServeDataType(s->dtype);
    if (in["datatype"].get<std::string>() != want)
      return InvalidArgument(what + ": datatype " + in["datatype"].get<std::string>() +
                             ", the model expects " + want);
    if (!in.contains("shape") || !in["shape"].is_array())
      return InvalidArgument(what + ": 'shape' must be a list of dims");
    std::vector<int64_t> dims;
    for (const json& d : in["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0)
        return InvalidArgument(what + ": 'shape' must hold non-negative integers");
      dims.push_back(d.get<int64_t>());
    }
    if (!in.contains("data")) return InvalidArgument(what + ": no 'data'");
    // v2 allows the data flat or nested; either way the leaves are row-major.
    Leaves l;
    std::function<void(const json&)> flatten = [&](const json& v) {
      if (v.is_array()) {
        for (const json& e : v) flatten(e);
      } else {
        l.items.push_back(&v);
      }
    };
    flatten(in["data"]);
    FERRY_RETURN_IF_ERROR(Shape::Validate(dims, 1, int64_t{1} << 31).WithContext(what));
    if (static_cast<int64_t>(l.items.size()) != Shape(dims).NumElements())
      return InvalidArgument(what + ": 'data' has " + std::to_string(l.items.size()) +
                             " values, shape " + Shape(dims).ToString() + " needs " +
                             std::to_string(Shape(dims).NumElements()));
    l.dims = dims;
    FERRY_ASSIGN_OR_RETURN(by_spec[idx], TensorFromLeaves(l, s->dtype, what));
    FERRY_RETURN_IF_ERROR(check::CheckInputMatchesSpec(*s, by_spec[idx]));
  }
  for (size_t i = 0; i < specs.size(); ++i)
    if (!by_spec[i].defined()) return InvalidArgument("missing input '" + specs[i].name + "'");
  r.inputs = std::move(by_spec);
  if (auto outs = body.find("outputs"); outs != body.end()) {
    if (!outs->is_array()) return InvalidArgument("'outputs' must be a list of {name}");
    for (const json& o : *outs) {
      if (!o.is_object() || !o.contains("name") || !o["name"].is_string())
        return InvalidArgument("every element of 'outputs' needs a string 'name'");
      r.output_names.push_back(o["name"].get<std::string>());
    }
  }
  return r;
}

StatusOr<std::string> WriteInferResponse(const InferRequest& request,
                                         const std::vector<Tensor>& outputs,
                                         const std::vector<TensorSpec>& specs,
                                         const std::string& model_name, int64_t version) {
  if (outputs.size() != specs.size())
    return Internal("the model returned " + std::to_string(outputs.size()) + " outputs, its "
                    "signature has " + std::to_string(specs.size()));
  std::vector<size_t> which;
  if (request.output_names.empty()) {
    for (size_t i = 0; i < specs.size(); ++i) which.push_back(i);
  } else {
    for (const std::string& n : request.output_names) {
      const TensorSpec* s = FindSpec(specs, n);
      if (!s) return InvalidArgument("output '" + n + "': the model has no such output");
      which.push_back(s - specs.data());
    }
  }
  std::string out = "{\"model_name\":";
  AppendString(model_name, false, &out);
  out += ",\"model_version\":\"" + std::to_string(version) + "\"";
  if (request.has_id) {
    out += ",\"id\":";
    AppendString(request.id, false, &out);
  }
  out += ",\"outputs\":[";
  for (size_t k = 0; k < which.size(); ++k) {
    const Tensor& t = outputs[which[k]];
    if (k) out += ',';
    out += "{\"name\":";
    AppendString(specs[which[k]].name, false, &out);
    out += ",\"datatype\":\"" + KServeDataType(t.dtype()) + "\",\"shape\":[";
    for (int d = 0; d < t.rank(); ++d) {
      if (d) out += ',';
      AppendNumber(t.dim(d), &out);
    }
    out += "],\"data\":[";
    for (int64_t i = 0; i < t.NumElements(); ++i) {
      if (i) out += ',';
      AppendElement(t, i, false, &out);
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

void AppendTensorJson(const Tensor& t, bool b64, std::string* out) {
  AppendNested(t, 0, 0, b64, out);
}

std::string Base64Encode(const std::string& in) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

StatusOr<std::string> Base64Decode(const std::string& in) {
  // RFC 4648 section 4, and the URL-safe alphabet of section 5, which TF Serving accepts too.
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return InvalidArgument("invalid base64: data after '='");
    int v = value(c);
    if (v < 0) return InvalidArgument(std::string("invalid base64 character '") + c + "'");
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6 || pad > 2) return InvalidArgument("invalid base64: truncated");
  return out;
}

}  // namespace ferry::serve
