#include "onnx/skeleton.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace ferry::onnx {

Status FileModelSource::ReadAt(uint64_t offset, uint64_t n, void* dst) const {
  const uint64_t size = file_->size();
  if (offset > size || n > size - offset)
    return InvalidArgument(file_->label() + ": read of " + std::to_string(n) + " bytes at " +
                           std::to_string(offset) + " runs past the end (" +
                           std::to_string(size) + " bytes)");
  return file_->ReadAt(offset, n, dst);
}

Status BytesModelSource::ReadAt(uint64_t offset, uint64_t n, void* dst) const {
  if (offset > bytes_.size() || n > bytes_.size() - offset)
    return InvalidArgument("read of " + std::to_string(n) + " bytes at " + std::to_string(offset) +
                           " runs past the end (" + std::to_string(bytes_.size()) + " bytes)");
  if (n) std::memcpy(dst, bytes_.data() + offset, n);
  return Status::Ok();
}

namespace {

constexpr int kModelGraphField = 7;        // ModelProto.graph
constexpr int kGraphInitializerField = 5;  // GraphProto.initializer
constexpr int kTensorRawDataField = 9;     // TensorProto.raw_data
constexpr int kLengthDelimited = 2;
constexpr int kMaxGroupDepth = 100;  // protobuf's default recursion limit

// Sequential reads through a small window (the bytes between payloads are read, the payloads
// only skipped), plus copies of byte ranges already passed.
class Reader {
 public:
  explicit Reader(const ModelSource& source) : source_(source), size_(source.size()) {}

  uint64_t pos() const { return pos_; }
  uint64_t size() const { return size_; }

  Status Varint(uint64_t* v, int max_bytes) {
    uint64_t result = 0;
    for (int i = 0; i < max_bytes; ++i) {
      uint8_t b = 0;
      FERRY_RETURN_IF_ERROR(Byte(&b));
      result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) {
        *v = result;
        return Status::Ok();
      }
    }
    return Error("varint longer than " + std::to_string(max_bytes) + " bytes");
  }

  // Moves past n bytes that must end by `end`.
  Status Skip(uint64_t n, uint64_t end) {
    if (n > end - pos_) return Error("a field runs past the end of its message");
    pos_ += n;
    return Status::Ok();
  }

  // Appends bytes [from, to) (already validated to lie in the source).
  Status AppendRange(uint64_t from, uint64_t to, std::string* out) {
    while (from < to) {
      if (from >= win_start_ && from < win_start_ + win_.size()) {
        const uint64_t n = std::min<uint64_t>(to, win_start_ + win_.size()) - from;
        out->append(win_.data() + (from - win_start_), n);
        from += n;
      } else if (to - from >= kWindow) {
        const size_t old = out->size();
        out->resize(old + (to - from));
        FERRY_RETURN_IF_ERROR(source_.ReadAt(from, to - from, out->data() + old));
        from = to;
      } else {
        FERRY_RETURN_IF_ERROR(Fill(from));
      }
    }
    return Status::Ok();
  }

  Status Error(const std::string& what) const {
    return InvalidArgument(what + " at byte " + std::to_string(pos_) + " of " +
                           std::to_string(size_));
  }

 private:
  static constexpr uint64_t kWindow = 64 << 10;

  Status Byte(uint8_t* b) {
    if (pos_ >= size_) return Error("truncated: the data ends inside a field");
    if (pos_ < win_start_ || pos_ >= win_start_ + win_.size()) FERRY_RETURN_IF_ERROR(Fill(pos_));
    *b = static_cast<uint8_t>(win_[pos_ - win_start_]);
    ++pos_;
    return Status::Ok();
  }

  Status Fill(uint64_t at) {
    win_.resize(static_cast<size_t>(std::min<uint64_t>(kWindow, size_ - at)));
    win_start_ = at;
    return source_.ReadAt(at, win_.size(), win_.data());
  }

  const ModelSource& source_;
  const uint64_t size_;
  uint64_t pos_ = 0;
  std::string win_;
  uint64_t win_start_ = 0;
};

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

class Scanner {
 public:
  Scanner(const ModelSource& source, uint64_t min_detached, ModelSkeleton* out)
      : r_(source), min_detached_(min_detached), out_(out) {}

  Status Run() { return Body(r_.size(), /*level=*/0, -1, &out_->bytes); }

 private:
  enum Level { kModel = 0, kGraph = 1, kTensor = 2 };

  // Appends the skeleton of the message body from the current position to `end`. level:
  // 0 ModelProto, 1 its GraphProto, 2 one of that graph's initializers (number `init`).
  Status Body(uint64_t end, int level, int init, std::string* out) {
    std::optional<DetachedPayload> raw;  // the last raw_data of this initializer, if detached
    while (r_.pos() < end) {
      const uint64_t tag_start = r_.pos();
      uint64_t tag = 0;
      FERRY_RETURN_IF_ERROR(r_.Varint(&tag, 5));
      if (tag > 0xffffffffu || (tag >> 3) == 0) return r_.Error("invalid field tag");
      const uint64_t tag_end = r_.pos();
      const int field = static_cast<int>(tag >> 3);
      const int wire = static_cast<int>(tag & 7);
      if (r_.pos() > end) return r_.Error("a field runs past the end of its message");
      if (wire == kLengthDelimited) {
        uint64_t len = 0;
        FERRY_RETURN_IF_ERROR(r_.Varint(&len, 10));
        if (r_.pos() > end || len > end - r_.pos())
          return r_.Error("truncated or corrupt: a field runs past the end of its message");
        const bool descend = (level == kModel && field == kModelGraphField) ||
                             (level == kGraph && field == kGraphInitializerField);
        if (descend) {
          std::string body;
          const int child_init = level == kGraph ? next_init_++ : -1;
          FERRY_RETURN_IF_ERROR(Body(r_.pos() + len, level + 1, child_init, &body));
          FERRY_RETURN_IF_ERROR(r_.AppendRange(tag_start, tag_end, out));
          AppendVarint(body.size(), out);
          out->append(body);
          continue;
        }
        if (level == kTensor && field == kTensorRawDataField) {
          // The last raw_data of a message is the one protobuf keeps.
          if (len >= min_detached_) {
            raw = DetachedPayload{r_.pos(), len};
            FERRY_RETURN_IF_ERROR(r_.Skip(len, end));
            FERRY_RETURN_IF_ERROR(r_.AppendRange(tag_start, tag_end, out));
            AppendVarint(0, out);
            continue;
          }
          raw.reset();
        }
        FERRY_RETURN_IF_ERROR(r_.Skip(len, end));
      } else {
        FERRY_RETURN_IF_ERROR(SkipValue(field, wire, end, 0));
      }
      FERRY_RETURN_IF_ERROR(r_.AppendRange(tag_start, r_.pos(), out));
    }
    if (level == kTensor && raw) out_->detached[init] = *raw;
    return Status::Ok();
  }

  // Moves past the value of a field other than a length-delimited one.
  Status SkipValue(int field, int wire, uint64_t end, int depth) {
    switch (wire) {
      case 0: {
        uint64_t v = 0;
        FERRY_RETURN_IF_ERROR(r_.Varint(&v, 10));
        if (r_.pos() > end) return r_.Error("a field runs past the end of its message");
        return Status::Ok();
      }
      case 1:
        return r_.Skip(8, end);
      case 5:
        return r_.Skip(4, end);
      case kLengthDelimited: {
        uint64_t len = 0;
        FERRY_RETURN_IF_ERROR(r_.Varint(&len, 10));
        if (r_.pos() > end) return r_.Error("a field runs past the end of its message");
        return r_.Skip(len, end);
      }
      case 3: {  // a group: fields up to the matching end-group tag
        if (depth >= kMaxGroupDepth) return r_.Error("groups nested too deeply");
        while (true) {
          if (r_.pos() >= end) return r_.Error("truncated or corrupt: a group has no end");
          uint64_t tag = 0;
          FERRY_RETURN_IF_ERROR(r_.Varint(&tag, 5));
          if (tag > 0xffffffffu || (tag >> 3) == 0) return r_.Error("invalid field tag");
          if ((tag & 7) == 4) {
            if (static_cast<int>(tag >> 3) != field) return r_.Error("mismatched end-group tag");
            if (r_.pos() > end) return r_.Error("a field runs past the end of its message");
            return Status::Ok();
          }
          FERRY_RETURN_IF_ERROR(
              SkipValue(static_cast<int>(tag >> 3), static_cast<int>(tag & 7), end, depth + 1));
        }
      }
      case 4:
        return r_.Error("unexpected end-group tag");
      default:
        return r_.Error("invalid wire type " + std::to_string(wire));
    }
  }

  Reader r_;
  const uint64_t min_detached_;
  ModelSkeleton* out_;
  int next_init_ = 0;
};

}  // namespace

StatusOr<ModelSkeleton> ScanModelSkeleton(const ModelSource& source, uint64_t min_detached) {
  ModelSkeleton skeleton;
  FERRY_RETURN_IF_ERROR(Scanner(source, min_detached, &skeleton).Run());
  return skeleton;
}

}  // namespace ferry::onnx
