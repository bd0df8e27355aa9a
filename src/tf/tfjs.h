// TF.js graph model: model.json + binary weight shards (tfjs-converter's output format).
//
// model.json holds {format: "graph-model", generatedBy, convertedBy, modelTopology: the
// GraphDef in protobuf-JSON form (camelCase keys, enum names, int64 and bytes as strings,
// base64 for bytes), weightsManifest: [{paths, weights: [{name, shape, dtype}]}], signature:
// the SignatureDef in protobuf-JSON}. Const nodes keep their dtype and shape in model.json;
// their bytes move to the shards (raw little-endian, concatenated in manifest order, split
// every 4 MiB; strings as a uint32 little-endian byte length then the bytes, per element).
// TF.js knows only float32, int32, bool and string: other constants are converted on write,
// each kind reported in `notes` (int64/uint32/uint64 -> int32 must fit, else an error).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"
#include "tf/options.h"

namespace ferry::tf {

// Shard size of tfjs-converter (--weight_shard_size_bytes default).
inline constexpr size_t kTfjsShardBytes = size_t{4} << 20;

// Writes dir/model.json and dir/group1-shard{i}of{n}.bin atomically (see WriteDirAtomically).
Status WriteTfjs(const ir::Graph& g, const std::string& dir, const WriteOptions& options,
                 std::vector<std::string>* notes = nullptr);

// Reads a TF.js graph model from its folder or its model.json. Shard paths in the manifest
// must be relative and stay inside the model's folder.
StatusOr<std::shared_ptr<ir::Graph>> ReadTfjs(const std::string& path);

}  // namespace ferry::tf
