#include "tf/tfjs.h"

#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "tf/file_util.h"
#include "tf/graph_def.h"
#include "tf/proto_convert.h"
#include "tf/types.h"

namespace ferry::tf {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// TF.js dtype names (tfjs-core DataType) and the TF codes they stand for in model.json.
struct TfjsType {
  const char* name;
  DataType dtype;
  tfproto::DataType tf;
};
constexpr TfjsType kTfjsTypes[] = {
    {"float32", DataType::kFloat32, tfproto::DT_FLOAT},
    {"int32", DataType::kInt32, tfproto::DT_INT32},
    {"bool", DataType::kBool, tfproto::DT_BOOL},
    {"string", DataType::kString, tfproto::DT_STRING},
};

const TfjsType* TfjsTypeOf(DataType t) {
  for (const TfjsType& x : kTfjsTypes)
    if (x.dtype == t) return &x;
  return nullptr;
}

// The TF.js type a constant of type t is stored as, or kUndefined if none.
DataType TfjsStorageType(DataType t) {
  switch (t) {
    case DataType::kFloat32:
    case DataType::kFloat64:
    case DataType::kFloat16:
    case DataType::kBFloat16: return DataType::kFloat32;
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kUInt8:
    case DataType::kUInt16:
    case DataType::kUInt32:
    case DataType::kUInt64: return DataType::kInt32;
    case DataType::kBool: return DataType::kBool;
    case DataType::kString: return DataType::kString;
    default: return DataType::kUndefined;
  }
}

// Converts a constant to its TF.js storage type; integers must fit int32.
StatusOr<Tensor> ToTfjsTensor(const Tensor& t, DataType to, const std::string& name) {
  if (t.dtype() == to) return t;
  Tensor out(to, t.shape());
  const int64_t n = t.NumElements();
  if (to == DataType::kFloat32) {
    for (int64_t i = 0; i < n; ++i) out.data<float>()[i] = static_cast<float>(t.GetAsDouble(i));
    return out;
  }
  // to == kInt32. uint64 values above int64's range read back negative: check them apart.
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = t.GetAsInt64(i);
    bool big_unsigned =
        t.dtype() == DataType::kUInt64 && t.data<uint64_t>()[i] > static_cast<uint64_t>(INT32_MAX);
    if (big_unsigned || v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max()) {
      std::string shown = t.dtype() == DataType::kUInt64 ? std::to_string(t.data<uint64_t>()[i])
                                                         : std::to_string(v);
      return OutOfRange("Const '" + name + "': " + DataTypeName(t.dtype()) + " value " + shown +
                        " at index " + std::to_string(i) +
                        " does not fit int32, the widest integer TF.js has");
    }
    out.data<int32_t>()[i] = static_cast<int32_t>(v);
  }
  return out;
}

// Bytes AppendWeightBytes writes for t.
size_t WeightBytes(const Tensor& t) {
  if (t.dtype() != DataType::kString) return t.NumBytes();
  size_t n = 0;
  for (const std::string& s : t.strings()) n += 4 + s.size();
  return n;
}

void AppendWeightBytes(const Tensor& t, std::string* buf) {
  if (t.dtype() == DataType::kString) {
    for (const std::string& s : t.strings()) {
      uint32_t len = static_cast<uint32_t>(s.size());
      buf->append(reinterpret_cast<const char*>(&len), 4);
      buf->append(s);
    }
  } else {
    buf->append(static_cast<const char*>(t.raw_data()), t.NumBytes());
  }
}

std::string ShardName(size_t i, size_t n) {
  return "group1-shard" + std::to_string(i + 1) + "of" + std::to_string(n) + ".bin";
}

StatusOr<json> ProtoToJson(const google::protobuf::Message& m) {
  std::string s;
  auto st = google::protobuf::util::MessageToJsonString(m, &s);
  if (!st.ok()) return Internal("cannot print " + m.GetTypeName() + " as JSON: " + st.ToString());
  return json::parse(s);
}

}  // namespace

Status WriteTfjs(const ir::Graph& g, const std::string& dir, const WriteOptions& options,
                 std::vector<std::string>* notes) {
  // Numeric Const data stays in the IR tensors (shared, not copied) until it is written into
  // the shards: no GraphDef copy of the weights and no in-memory weights buffer.
  ExportOptions eo;
  eo.defer_const_data = true;
  auto exported = ExportGraphDef(g, eo);
  if (!exported.ok()) return exported.status().WithContext(dir);
  auto sig = MakeSignature(*exported);
  if (!sig.ok()) return sig.status().WithContext(dir);

  // TF.js 4.22 has no bfloat16: tfjs-converter's parseDtypeParam reads DT_BFLOAT16 as null,
  // so a bfloat16 Placeholder or Cast fails or reads garbage there. Constants are narrowed to
  // float32 below; any other bfloat16 dtype attribute is refused.
  for (const tfproto::NodeDef& nd : exported->graph_def.node()) {
    if (nd.op() == "Const") continue;
    for (const auto& [name, value] : nd.attr())
      if (value.value_case() == tfproto::AttrValue::kType &&
          value.type() == tfproto::DT_BFLOAT16)
        return Unimplemented(dir + ": " + nd.op() + " '" + nd.name() + "': attribute '" + name +
                             "' is bfloat16, which TF.js 4.22 has no dtype for (tfjs-converter "
                             "reads DT_BFLOAT16 as null)");
  }

  // Every Const's data goes to the weights (in node order), leaving dtype and shape in the node.
  std::vector<Tensor> weights;
  size_t weight_bytes = 0;
  json specs = json::array();
  std::map<std::pair<DataType, DataType>, std::vector<std::string>> converted;
  size_t next_deferred = 0;
  auto& nodes = *exported->graph_def.mutable_node();
  for (int i = 0; i < nodes.size(); ++i) {
    tfproto::NodeDef& nd = nodes[i];
    if (nd.op() != "Const") continue;
    Tensor value;
    if (next_deferred < exported->deferred.size() && exported->deferred[next_deferred].node == i) {
      DeferredConst& d = exported->deferred[next_deferred++];
      *(*nd.mutable_attr())["value"].mutable_tensor() = d.header;
      value = std::move(d.data);
    } else {
      auto read = TensorFromProto((*nd.mutable_attr())["value"].tensor(), "Const '" + nd.name() + "'");
      if (!read.ok()) return read.status().WithContext(dir);
      value = std::move(read).value();
    }
    const Tensor* t = &value;
    tfproto::TensorProto* tp = (*nd.mutable_attr())["value"].mutable_tensor();
    DataType to = TfjsStorageType(t->dtype());
    if (to == DataType::kUndefined)
      return Unimplemented(dir + ": Const '" + nd.name() + "' of type " + DataTypeName(t->dtype()) +
                           " has no TF.js type");
    auto stored = ToTfjsTensor(*t, to, nd.name());
    if (!stored.ok()) return stored.status().WithContext(dir);
    if (to != t->dtype()) converted[{t->dtype(), to}].push_back(nd.name());
    const TfjsType* jt = TfjsTypeOf(to);
    tp->clear_tensor_content();
    tp->clear_string_val();
    tp->set_dtype(jt->tf);
    (*nd.mutable_attr())["dtype"].set_type(jt->tf);
    specs.push_back({{"name", nd.name()}, {"shape", stored->shape().dims()}, {"dtype", jt->name}});
    weight_bytes += WeightBytes(*stored);
    weights.push_back(std::move(stored).value());
  }
  if (notes) {
    for (const auto& [types, names] : converted) {
      std::string list;
      for (size_t i = 0; i < names.size() && i < 5; ++i) list += (i ? ", " : "") + names[i];
      if (names.size() > 5) list += ", ...";
      notes->push_back(std::to_string(names.size()) + " " + DataTypeName(types.first) +
                       " constant(s) stored as " + DataTypeName(types.second) + " (TF.js has no " +
                       DataTypeName(types.first) + "): " + list);
    }
  }

  const size_t num_shards =
      std::max<size_t>(1, (weight_bytes + kTfjsShardBytes - 1) / kTfjsShardBytes);
  json paths = json::array();
  for (size_t i = 0; i < num_shards; ++i) paths.push_back(ShardName(i, num_shards));

  std::string text;
  try {
    FERRY_ASSIGN_OR_RETURN(json topology, ProtoToJson(exported->graph_def));
    FERRY_ASSIGN_OR_RETURN(json signature, ProtoToJson(*sig));
    json model = {{"format", "graph-model"},
                  {"generatedBy", std::string("ferry ") + kFerryVersion},
                  {"convertedBy", std::string("ferry ") + kFerryVersion},
                  {"modelTopology", std::move(topology)},
                  {"weightsManifest", json::array({{{"paths", paths}, {"weights", specs}}})},
                  {"signature", std::move(signature)}};
    text = model.dump();  // throws on names that are not UTF-8
  } catch (const std::exception& e) {
    return Internal(dir + ": building model.json: " + e.what());
  }

  return WriteDirAtomically(dir, options.force, [&](const std::string& tmp) -> Status {
    FERRY_RETURN_IF_ERROR(WriteFile((fs::path(tmp) / "model.json").string(), text));
    // The weights' bytes back to back, cut into shards of kTfjsShardBytes.
    std::ofstream shard;
    size_t shard_index = 0, in_shard = 0;
    auto open_shard = [&]() -> Status {
      if (shard.is_open()) {
        shard.close();
        if (!shard) return InvalidArgument(tmp + ": writing a weights shard failed");
      }
      const std::string path = (fs::path(tmp) / ShardName(shard_index++, num_shards)).string();
      shard.open(path, std::ios::binary | std::ios::trunc);
      if (!shard) return InvalidArgument(path + ": cannot create the file");
      in_shard = 0;
      return Status::Ok();
    };
    auto put = [&](const char* p, size_t n) -> Status {
      while (n > 0) {
        if (in_shard == kTfjsShardBytes) FERRY_RETURN_IF_ERROR(open_shard());
        const size_t k = std::min(n, kTfjsShardBytes - in_shard);
        shard.write(p, static_cast<std::streamsize>(k));
        p += k;
        n -= k;
        in_shard += k;
      }
      return Status::Ok();
    };
    FERRY_RETURN_IF_ERROR(open_shard());
    for (const Tensor& t : weights) {
      if (t.dtype() == DataType::kString) {
        std::string bytes;
        AppendWeightBytes(t, &bytes);
        FERRY_RETURN_IF_ERROR(put(bytes.data(), bytes.size()));
      } else {
        FERRY_RETURN_IF_ERROR(put(static_cast<const char*>(t.raw_data()), t.NumBytes()));
      }
    }
    while (shard_index < num_shards) FERRY_RETURN_IF_ERROR(open_shard());
    shard.close();
    if (!shard) return InvalidArgument(tmp + ": writing a weights shard failed");
    return Status::Ok();
  });
}

namespace {

// Reads one manifest group's weights into the Const nodes they name.
Status LoadWeightGroup(const json& group, const fs::path& base, const std::string& file,
                       tfproto::GraphDef* gd,
                       const std::unordered_map<std::string, int>& const_index,
                       std::vector<bool>* filled) {
  if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array() ||
      !group.contains("weights") || !group["weights"].is_array())
    return InvalidArgument(file + ": weightsManifest entry needs arrays 'paths' and 'weights'");
  std::string buf;
  for (const json& p : group["paths"]) {
    if (!p.is_string()) return InvalidArgument(file + ": weightsManifest path is not a string");
    const std::string rel = p.get<std::string>();
    if (!IsSafeRelativePath(rel))
      return InvalidArgument(file + ": weightsManifest path '" + rel +
                             "' is refused (absolute or leaving the model folder)");
    auto bytes = ReadFileToString((base / rel).string());
    if (!bytes.ok()) return bytes.status().WithContext(file + ": weight shard");
    buf += *bytes;
  }
  size_t offset = 0;
  for (const json& w : group["weights"]) {
    if (!w.is_object() || !w.contains("name") || !w["name"].is_string() || !w.contains("dtype") ||
        !w["dtype"].is_string() || !w.contains("shape") || !w["shape"].is_array())
      return InvalidArgument(file + ": weight entry needs 'name', 'shape' and 'dtype'");
    const std::string name = w["name"].get<std::string>();
    const std::string dtype_name = w["dtype"].get<std::string>();
    const std::string what = file + ": weight '" + name + "'";
    if (w.contains("quantization"))
      return Unimplemented(what + ": quantized weights are not supported");
    const TfjsType* jt = nullptr;
    for (const TfjsType& x : kTfjsTypes)
      if (dtype_name == x.name) jt = &x;
    if (!jt) return Unimplemented(what + ": dtype '" + dtype_name + "' is not supported");
    std::vector<int64_t> dims;
    for (const json& d : w["shape"]) {
      if (!d.is_number_integer()) return InvalidArgument(what + ": shape holds a non-integer");
      dims.push_back(d.get<int64_t>());
    }
    auto created = Tensor::Create(jt->dtype, Shape(dims));
    if (!created.ok()) return created.status().WithContext(what);
    Tensor t = std::move(created).value();
    auto need = [&](size_t n) -> Status {
      if (buf.size() - offset < n)
        return InvalidArgument(what + " needs " + std::to_string(n) + " bytes at offset " +
                               std::to_string(offset) + ", the shards hold " +
                               std::to_string(buf.size()) + " (missing or short shard?)");
      return Status::Ok();
    };
    if (jt->dtype == DataType::kString) {
      for (int64_t i = 0; i < t.NumElements(); ++i) {
        FERRY_RETURN_IF_ERROR(need(4));
        uint32_t len;
        std::memcpy(&len, buf.data() + offset, 4);
        offset += 4;
        FERRY_RETURN_IF_ERROR(need(len));
        t.strings()[i] = buf.substr(offset, len);
        offset += len;
      }
    } else {
      FERRY_RETURN_IF_ERROR(need(t.NumBytes()));
      std::memcpy(t.raw_data(), buf.data() + offset, t.NumBytes());
      offset += t.NumBytes();
    }
    auto it = const_index.find(name);
    if (it == const_index.end()) continue;  // TF.js ignores weights no node uses
    tfproto::NodeDef* nd = gd->mutable_node(it->second);
    FERRY_RETURN_IF_ERROR(TensorToProto(t, (*nd->mutable_attr())["value"].mutable_tensor()));
    (*nd->mutable_attr())["dtype"].set_type(jt->tf);
    (*filled)[it->second] = true;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::shared_ptr<ir::Graph>> ReadTfjs(const std::string& path) {
  std::error_code ec;
  fs::path file = fs::is_directory(path, ec) ? fs::path(path) / "model.json" : fs::path(path);
  const std::string fname = file.string();
  FERRY_ASSIGN_OR_RETURN(std::string text, ReadFileToString(fname));
  try {
    json model = json::parse(text);
    if (!model.is_object()) return InvalidArgument(fname + ": not a JSON object");
    if (model.contains("format") && model["format"] != "graph-model")
      return Unimplemented(fname + ": format '" + model["format"].dump() +
                           "' is not a TF.js graph model (\"graph-model\")");
    if (!model.contains("modelTopology") || !model["modelTopology"].is_object())
      return InvalidArgument(fname + ": no 'modelTopology' object");

    google::protobuf::util::JsonParseOptions jo;
    jo.ignore_unknown_fields = true;  // tfjs-converter writes 'library' and friends
    tfproto::GraphDef gd;
    auto st = google::protobuf::util::JsonStringToMessage(model["modelTopology"].dump(), &gd, jo);
    if (!st.ok())
      return InvalidArgument(fname +
                             ": modelTopology is not a GraphDef: " + std::string(st.message()));

    std::unordered_map<std::string, int> const_index;
    for (int i = 0; i < gd.node_size(); ++i)
      if (gd.node(i).op() == "Const") const_index[gd.node(i).name()] = i;
    std::vector<bool> filled(gd.node_size(), false);
    if (model.contains("weightsManifest")) {
      if (!model["weightsManifest"].is_array())
        return InvalidArgument(fname + ": 'weightsManifest' is not an array");
      for (const json& group : model["weightsManifest"])
        FERRY_RETURN_IF_ERROR(
            LoadWeightGroup(group, file.parent_path(), fname, &gd, const_index, &filled));
    }
    for (const auto& [name, i] : const_index)
      if (!filled[i])
        return InvalidArgument(fname + ": Const '" + name +
                               "' has no weight in "
                               "the weightsManifest");

    ImportOptions io;
    io.source = fname;
    if (model.contains("signature") && model["signature"].is_object() &&
        (model["signature"].contains("inputs") || model["signature"].contains("outputs"))) {
      tfproto::SignatureDef sig;
      auto ss = google::protobuf::util::JsonStringToMessage(model["signature"].dump(), &sig, jo);
      if (!ss.ok())
        return InvalidArgument(fname +
                               ": signature is not a SignatureDef: " + std::string(ss.message()));
      Status s = SignatureToImport(sig, &io);
      if (!s.ok()) return s.WithContext(fname);
    }
    return ImportGraphDef(gd, io);
  } catch (const json::exception& e) {
    return InvalidArgument(fname + ": bad JSON: " + e.what());
  } catch (const std::exception& e) {
    return InvalidArgument(fname + ": " + e.what());
  }
}

}  // namespace ferry::tf
