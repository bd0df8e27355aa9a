#include "core/npy.h"

#include <bit>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/atomic_file.h"

namespace ferry {
namespace {

// The data section is copied byte for byte, which is only right on a little-endian host.
static_assert(std::endian::native == std::endian::little, "ferry's .npy I/O assumes little-endian");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// numpy >= 1.9 aligns the data to 64 bytes (format.py ARRAY_ALIGN); we do the same.
constexpr size_t kAlign = 64;

struct DescrEntry {
  const char* code;  // without the byte-order character
  DataType dtype;
};

// Type codes: kind character + item size (numpy's dtype.str without the order character).
constexpr DescrEntry kDescrs[] = {
    {"f2", DataType::kFloat16}, {"f4", DataType::kFloat32}, {"f8", DataType::kFloat64},
    {"i1", DataType::kInt8},    {"i2", DataType::kInt16},   {"i4", DataType::kInt32},
    {"i8", DataType::kInt64},   {"u1", DataType::kUInt8},   {"u2", DataType::kUInt16},
    {"u4", DataType::kUInt32},  {"u8", DataType::kUInt64},  {"b1", DataType::kBool},
};

// The header's values: the dict holds strings, booleans and tuples of ints.
struct HeaderValue {
  enum class Kind { kString, kBool, kTuple } kind = Kind::kString;
  std::string str;
  bool boolean = false;
  std::vector<int64_t> tuple;
};

// A parser for the Python dict literal numpy writes (format.py uses repr() of a dict and reads
// it back with ast.literal_eval). Only the forms numpy produces are accepted.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  // Parses "{key: value, ...}" into `out`; returns an error message or "".
  std::string ParseDict(std::vector<std::pair<std::string, HeaderValue>>* out) {
    SkipSpace();
    if (!Consume('{')) return "expected '{'";
    while (true) {
      SkipSpace();
      if (Consume('}')) break;
      std::string key;
      if (std::string e = ParseString(&key); !e.empty()) return e;
      SkipSpace();
      if (!Consume(':')) return "expected ':' after key '" + key + "'";
      SkipSpace();
      HeaderValue value;
      if (std::string e = ParseValue(&value); !e.empty()) return e + " (key '" + key + "')";
      out->emplace_back(std::move(key), std::move(value));
      SkipSpace();
      if (Consume(',')) continue;
      if (Consume('}')) break;
      return "expected ',' or '}' after value of '" + out->back().first + "'";
    }
    SkipSpace();
    if (pos_ != text_.size()) return "unexpected text after the dict";
    return "";
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool ConsumeWord(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  std::string ParseString(std::string* out) {
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      return "expected a quoted string";
    }
    char quote = text_[pos_++];
    size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) return "unterminated string";
    *out = std::string(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return "";
  }
  std::string ParseValue(HeaderValue* v) {
    if (pos_ >= text_.size()) return "missing value";
    char c = text_[pos_];
    if (c == '\'' || c == '"') {
      v->kind = HeaderValue::Kind::kString;
      return ParseString(&v->str);
    }
    if (ConsumeWord("True")) {
      v->kind = HeaderValue::Kind::kBool;
      v->boolean = true;
      return "";
    }
    if (ConsumeWord("False")) {
      v->kind = HeaderValue::Kind::kBool;
      v->boolean = false;
      return "";
    }
    if (c == '(') {
      ++pos_;
      v->kind = HeaderValue::Kind::kTuple;
      while (true) {
        SkipSpace();
        if (Consume(')')) return "";
        int64_t dim = 0;
        size_t start = pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
          if (dim > (INT64_MAX - 9) / 10) return "shape dimension too large";
          dim = dim * 10 + (text_[pos_++] - '0');
        }
        if (pos_ == start) return "expected a non-negative integer in the shape";
        Consume('L');  // Python 2 longs, as in files written by old numpy
        v->tuple.push_back(dim);
        SkipSpace();
        if (Consume(',')) continue;
        if (Consume(')')) return "";
        return "expected ',' or ')' in the shape";
      }
    }
    return "unsupported value";
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Maps a descr such as "<f4" to a dtype; the error text says why not.
StatusOr<DataType> DescrToDataType(const std::string& descr) {
  if (descr.size() >= 2) {
    char order = descr[0];
    std::string code = descr.substr(1);
    for (const DescrEntry& e : kDescrs) {
      if (code != e.code) continue;
      bool one_byte = SizeOf(e.dtype) == 1;
      // '|' means "byte order not applicable"; '=' is native, which we require to be little.
      if (order == '<' || order == '=' || (one_byte && order == '|')) return e.dtype;
      if (order == '>') {
        if (one_byte) return e.dtype;  // numpy may write '>u1'; one byte has no order
        return Unimplemented("big-endian dtype '" + descr + "' is not supported");
      }
    }
  }
  return Unimplemented("unsupported dtype '" + descr + "'");
}

uint32_t ReadLittle(const char* p, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string ShapeRepr(const Shape& shape) {
  // Python's tuple repr: "()", "(3,)", "(2, 3)".
  std::string s = "(";
  for (int i = 0; i < shape.rank(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.rank() == 1) s += ",";
  return s + ")";
}

Status WithSource(std::string_view source, const Status& s) {
  return Status(s.code(), std::string(source) + ": " + s.message());
}

StatusOr<Tensor> ParseImpl(std::string_view bytes) {
  if (bytes.size() < kMagicSize + 2) {
    return InvalidArgument("truncated: " + std::to_string(bytes.size()) +
                           " bytes, shorter than the .npy preamble");
  }
  if (std::memcmp(bytes.data(), kMagic, kMagicSize) != 0) {
    return InvalidArgument("bad magic: not a .npy file");
  }
  int major = static_cast<unsigned char>(bytes[6]);
  int minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0) {
    return Unimplemented("unsupported .npy version " + std::to_string(major) + "." +
                         std::to_string(minor));
  }
  // 1.0 stores the header length as uint16; 2.0 and 3.0 as uint32 (format.py).
  size_t len_bytes = major == 1 ? 2 : 4;
  size_t preamble = kMagicSize + 2 + len_bytes;
  if (bytes.size() < preamble) {
    return InvalidArgument("truncated: " + std::to_string(bytes.size()) +
                           " bytes, shorter than the .npy preamble");
  }
  size_t header_len = ReadLittle(bytes.data() + kMagicSize + 2, static_cast<int>(len_bytes));
  if (bytes.size() - preamble < header_len) {
    return InvalidArgument("truncated: header of " + std::to_string(header_len) +
                           " bytes but only " + std::to_string(bytes.size() - preamble) +
                           " follow the preamble");
  }
  std::string_view header = bytes.substr(preamble, header_len);
  std::vector<std::pair<std::string, HeaderValue>> dict;
  if (std::string e = HeaderParser(header).ParseDict(&dict); !e.empty()) {
    return InvalidArgument("bad header: " + e);
  }
  const HeaderValue* descr = nullptr;
  const HeaderValue* fortran = nullptr;
  const HeaderValue* shape = nullptr;
  for (const auto& [key, value] : dict) {
    if (key == "descr") {
      descr = &value;
    } else if (key == "fortran_order") {
      fortran = &value;
    } else if (key == "shape") {
      shape = &value;
    } else {
      return InvalidArgument("bad header: unexpected key '" + key + "'");
    }
  }
  if (!descr || descr->kind != HeaderValue::Kind::kString) {
    // A list here is a structured (record) dtype, which ferry's tensors cannot hold.
    return InvalidArgument("bad header: 'descr' missing or not a string");
  }
  if (!fortran || fortran->kind != HeaderValue::Kind::kBool) {
    return InvalidArgument("bad header: 'fortran_order' missing or not True/False");
  }
  if (!shape || shape->kind != HeaderValue::Kind::kTuple) {
    return InvalidArgument("bad header: 'shape' missing or not a tuple");
  }
  if (fortran->boolean) {
    return Unimplemented("fortran_order True is not supported; save a C-ordered array");
  }
  FERRY_ASSIGN_OR_RETURN(DataType dtype, DescrToDataType(descr->str));

  // Size checks before any allocation: a corrupt shape must not make us allocate gigabytes.
  size_t elem = SizeOf(dtype);
  Status valid = Shape::Validate(shape->tuple, elem, Tensor::kMaxBytes);
  if (!valid.ok()) {
    return InvalidArgument("bad shape " + ShapeRepr(Shape(shape->tuple)) + ": " + valid.message());
  }
  Shape dims(shape->tuple);
  size_t need = static_cast<size_t>(dims.NumElements()) * elem;
  size_t have = bytes.size() - preamble - header_len;
  if (have < need) {
    return InvalidArgument("data shorter than the shape needs: " + std::string(descr->str) + " " +
                           ShapeRepr(dims) + " needs " + std::to_string(need) +
                           " bytes, file has " + std::to_string(have));
  }
  if (have > need) {
    return InvalidArgument("data longer than the shape needs: " + std::to_string(have - need) +
                           " trailing bytes after " + std::to_string(need));
  }
  FERRY_ASSIGN_OR_RETURN(Tensor t, Tensor::Create(dtype, std::move(dims)));
  if (need > 0) std::memcpy(t.raw_data(), bytes.data() + preamble + header_len, need);
  if (dtype == DataType::kBool) {
    // numpy stores bool as one byte 0/1; normalise anything else so a C++ bool is valid.
    auto* p = static_cast<uint8_t*>(t.raw_data());
    for (size_t i = 0; i < need; ++i) p[i] = p[i] != 0;
  }
  return t;
}

}  // namespace

std::string NpyDescr(DataType dtype) {
  for (const DescrEntry& e : kDescrs) {
    if (e.dtype != dtype) continue;
    return std::string(SizeOf(dtype) == 1 ? "|" : "<") + e.code;
  }
  return "";
}

StatusOr<Tensor> ParseNpy(std::string_view bytes, std::string_view source) {
  StatusOr<Tensor> t = ParseImpl(bytes);
  if (!t.ok()) return WithSource(source, t.status());
  return t;
}

StatusOr<std::string> SerializeNpy(const Tensor& tensor) {
  std::string descr = NpyDescr(tensor.dtype());
  if (descr.empty()) {
    return Unimplemented(std::string("cannot write dtype ") + DataTypeName(tensor.dtype()) +
                         " to .npy: numpy has no code for it");
  }
  std::string dict = "{'descr': '" + descr +
                     "', 'fortran_order': False, 'shape': " + ShapeRepr(tensor.shape()) + ", }";
  // Pad with spaces and end with '\n' so that preamble + header is a multiple of kAlign;
  // version 2.0 only when the header outgrows 1.0's uint16 length (a rank in the thousands).
  auto padded_total = [&](size_t preamble) {
    return (preamble + dict.size() + 1 + kAlign - 1) / kAlign * kAlign;
  };
  int major = 1;
  size_t preamble = kMagicSize + 2 + 2;
  if (padded_total(preamble) - preamble > 65535) {
    major = 2;
    preamble = kMagicSize + 2 + 4;
  }
  size_t total = padded_total(preamble);
  size_t header_len = total - preamble;
  dict.append(header_len - dict.size() - 1, ' ');
  dict.push_back('\n');

  std::string out;
  out.reserve(total + tensor.NumBytes());
  out.append(kMagic, kMagicSize);
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  for (size_t i = 0; i < preamble - kMagicSize - 2; ++i) {
    out.push_back(static_cast<char>((header_len >> (8 * i)) & 0xff));
  }
  out += dict;
  if (tensor.NumBytes() > 0) {
    out.append(static_cast<const char*>(tensor.raw_data()), tensor.NumBytes());
  }
  return out;
}

StatusOr<Tensor> ReadNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open: " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return InvalidArgument(path + ": read error");
  return ParseNpy(bytes, path);
}

Status WriteNpy(const std::string& path, const Tensor& tensor) {
  StatusOr<std::string> bytes = SerializeNpy(tensor);
  if (!bytes.ok()) return WithSource(path, bytes.status());
  return WriteFileAtomically(path, *bytes);
}

}  // namespace ferry
