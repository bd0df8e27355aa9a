// Options of the TF writers and readers, and the version facts they write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::tf {

// What ferry claims to be compatible with: TF 2.12's TF_GRAPH_DEF_VERSION
// (tensorflow/core/public/version.h; TF_GRAPH_DEF_VERSION_MIN_CONSUMER is 0, so TF writes
// only `producer`).
inline constexpr int kGraphDefProducer = 1394;
inline constexpr char kTensorFlowVersion[] = "2.12.0";
inline constexpr char kFerryVersion[] = "0.1.0";

// protobuf refuses to serialize or parse a message over INT_MAX bytes.
inline constexpr uint64_t kProtobufMessageLimit = 2147483647;  // 2 GiB - 1

struct WriteOptions {
  // Replace an existing non-empty target folder (atomically as far as rename(2) allows).
  bool force = false;
  // Largest GraphDef / SavedModel message written (tests lower it to reach the error).
  uint64_t max_proto_bytes = kProtobufMessageLimit;
};

struct LoadOptions {
  // Frozen GraphDef only: output tensors ("node" or "node:k"); empty = every op node whose
  // outputs nobody consumes.
  std::vector<std::string> outputs;
};

}  // namespace ferry::tf
