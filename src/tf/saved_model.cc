#include "tf/saved_model.h"

#include <filesystem>

#include "tf/file_util.h"

namespace ferry::tf {

namespace fs = std::filesystem;

Status WriteSavedModel(const ir::Graph& g, const std::string& dir, const WriteOptions& options) {
  // The weights stay in the IR until they are streamed into saved_model.pb: neither a
  // GraphDef copy of the constants nor a serialized string of the file is built.
  ExportOptions eo;
  eo.defer_const_data = true;
  auto exported = ExportGraphDef(g, eo);
  if (!exported.ok()) return exported.status().WithContext(dir);
  auto sig = MakeSignature(*exported);
  if (!sig.ok()) return sig.status().WithContext(dir);

  // SavedModel{schema version, meta_graphs: [MetaGraphDef{meta info, signature, graph_def}]},
  // written as the two messages without the GraphDef, each followed by the length-delimited
  // field holding the next (fields may come in any order on the wire).
  tfproto::SavedModel sm;
  sm.set_saved_model_schema_version(1);
  tfproto::MetaGraphDef mg;
  auto* info = mg.mutable_meta_info_def();
  info->add_tags(kServeTag);
  info->set_tensorflow_version(kTensorFlowVersion);
  info->set_meta_graph_version(std::string("ferry ") + kFerryVersion);
  (*mg.mutable_signature_def())[kServingSignature] = std::move(sig).value();
  constexpr int kGraphDefField = tfproto::MetaGraphDef::kGraphDefFieldNumber;
  constexpr int kMetaGraphsField = tfproto::SavedModel::kMetaGraphsFieldNumber;
  const uint64_t graph_bytes = GraphDefBodySize(*exported);
  const uint64_t meta_bytes = mg.ByteSizeLong() + LengthDelimitedSize(kGraphDefField, graph_bytes);
  const uint64_t total = sm.ByteSizeLong() + LengthDelimitedSize(kMetaGraphsField, meta_bytes);
  FERRY_RETURN_IF_ERROR(
      CheckMessageBytes(total, dir + ": saved_model.pb", options.max_proto_bytes));
  return WriteDirAtomically(dir, options.force, [&](const std::string& tmp) -> Status {
    FERRY_RETURN_IF_ERROR(WriteStreamedFile(
        (fs::path(tmp) / "saved_model.pb").string(), total,
        [&](StreamedFile* file) {
          google::protobuf::io::CodedOutputStream* out = file->out();
          sm.SerializeWithCachedSizes(out);
          WriteLengthDelimitedHeader(out, kMetaGraphsField, meta_bytes);
          mg.SerializeWithCachedSizes(out);
          WriteLengthDelimitedHeader(out, kGraphDefField, graph_bytes);
          WriteGraphDefBody(*exported, file);
        }));
    std::error_code ec;
    fs::create_directory(fs::path(tmp) / "variables", ec);
    if (ec) return InvalidArgument("cannot create '" + tmp + "/variables': " + ec.message());
    return Status::Ok();
  });
}

StatusOr<std::shared_ptr<ir::Graph>> ReadSavedModel(const std::string& dir) {
  const std::string file = (fs::path(dir) / "saved_model.pb").string();
  FERRY_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(file));
  tfproto::SavedModel sm;
  FERRY_RETURN_IF_ERROR(ParseProto(bytes, &sm, file));
  if (sm.meta_graphs_size() == 0) return InvalidArgument(file + ": SavedModel has no meta graph");

  const tfproto::MetaGraphDef* mg = nullptr;
  std::string all_tags;
  for (const auto& m : sm.meta_graphs()) {
    all_tags += " [";
    for (const auto& t : m.meta_info_def().tags()) {
      all_tags += (all_tags.back() == '[' ? "" : ",") + t;
      if (t == kServeTag && !mg) mg = &m;
    }
    all_tags += "]";
  }
  if (!mg && sm.meta_graphs_size() == 1) mg = &sm.meta_graphs(0);
  if (!mg)
    return InvalidArgument(file + ": no meta graph is tagged \"serve\" (tags:" + all_tags + ")");

  if (mg->graph_def().node_size() == 0) return InvalidArgument(file + ": GraphDef has no nodes");
  ImportOptions io;
  io.source = file;
  const auto& sigs = mg->signature_def();
  const tfproto::SignatureDef* sig = nullptr;
  auto it = sigs.find(kServingSignature);
  if (it != sigs.end())
    sig = &it->second;
  else if (sigs.size() == 1)
    sig = &sigs.begin()->second;
  else if (sigs.size() > 1) {
    std::string keys;
    for (const auto& [k, v] : sigs) keys += " '" + k + "'";
    return InvalidArgument(file + ": no \"serving_default\" signature (signatures:" + keys + ")");
  }
  if (sig) {
    Status s = SignatureToImport(*sig, &io);
    if (!s.ok()) return s.WithContext(file);
  }
  return ImportGraphDef(mg->graph_def(), io);
}

StatusOr<std::shared_ptr<ir::Graph>> LoadTfModel(const std::string& path,
                                                 const LoadOptions& options) {
  std::error_code ec;
  const fs::path p(path);
  if (!fs::exists(p, ec)) return NotFound("'" + path + "' does not exist");
  if (fs::is_directory(p, ec)) {
    if (fs::exists(p / "saved_model.pb", ec)) return ReadSavedModel(path);
    if (fs::exists(p / "model.json", ec)) return ReadTfjs(path);
    if (fs::exists(p / "saved_model.pbtxt", ec))
      return Unimplemented("'" + path +
                           "': text SavedModels (saved_model.pbtxt) are not supported");
    return NotFound("'" + path + "' holds neither saved_model.pb nor model.json");
  }
  if (p.extension() == ".json") return ReadTfjs(path);
  if (p.filename() == "saved_model.pb") {
    std::string parent = p.parent_path().string();
    return ReadSavedModel(parent.empty() ? "." : parent);
  }
  return ReadFrozenGraph(path, options);
}

}  // namespace ferry::tf
