#include "serve/json_parse.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace ferry::serve {
namespace {

using json = nlohmann::json;

class Reader {
 public:
  Reader(std::string_view s, int max_depth) : s_(s), max_depth_(max_depth) {}

  StatusOr<json> Document() {
    json v;
    FERRY_RETURN_IF_ERROR(Value(&v, 0));
    SkipSpace();
    if (i_ != s_.size()) return Error("unexpected text after the JSON value");
    return v;
  }

 private:
  Status Error(const std::string& what) const {
    return InvalidArgument("JSON Parse error at byte " + std::to_string(i_) + ": " + what);
  }

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
  }

  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  Status Value(json* out, int depth) {
    SkipSpace();
    if (i_ >= s_.size()) return Error("unexpected end of input");
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      if (depth >= max_depth_)
        return Error("nested deeper than " + std::to_string(max_depth_) + " levels");
      return c == '{' ? Object(out, depth + 1) : Array(out, depth + 1);
    }
    if (c == '"') {
      std::string str;
      FERRY_RETURN_IF_ERROR(String(&str));
      *out = std::move(str);
      return Status::Ok();
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    if (Literal("true")) {
      *out = true;
      return Status::Ok();
    }
    if (Literal("false")) {
      *out = false;
      return Status::Ok();
    }
    if (Literal("null")) {
      *out = nullptr;
      return Status::Ok();
    }
    return Error(std::string("unexpected character '") + c + "'");
  }

  Status Array(json* out, int depth) {
    ++i_;  // [
    json::array_t items;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      *out = std::move(items);
      return Status::Ok();
    }
    while (true) {
      items.emplace_back();
      FERRY_RETURN_IF_ERROR(Value(&items.back(), depth));
      SkipSpace();
      if (i_ >= s_.size()) return Error("unterminated array");
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == ']') {
        ++i_;
        *out = std::move(items);
        return Status::Ok();
      }
      return Error("expected ',' or ']' in an array");
    }
  }

  Status Object(json* out, int depth) {
    ++i_;  // {
    *out = json::object();
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return Status::Ok();
    }
    while (true) {
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != '"') return Error("expected a string key in an object");
      std::string key;
      FERRY_RETURN_IF_ERROR(String(&key));
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != ':') return Error("expected ':' after an object key");
      ++i_;
      json v;
      FERRY_RETURN_IF_ERROR(Value(&v, depth));
      (*out)[std::move(key)] = std::move(v);  // a repeated key: the last one wins
      SkipSpace();
      if (i_ >= s_.size()) return Error("unterminated object");
      if (s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (s_[i_] == '}') {
        ++i_;
        return Status::Ok();
      }
      return Error("expected ',' or '}' in an object");
    }
  }

  // RFC 8259 section 6: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  Status Number(json* out) {
    const size_t start = i_;
    auto digits = [&] {
      const size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ - d;
    };
    if (s_[i_] == '-') ++i_;
    const size_t int_start = i_;
    const size_t n = digits();
    if (n == 0) return Error("a number needs digits");
    if (n > 1 && s_[int_start] == '0') return Error("a number may not start with 0");
    bool integral = true;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      integral = false;
      if (digits() == 0) return Error("a number needs digits after '.'");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      integral = false;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (digits() == 0) return Error("a number needs digits in its exponent");
    }
    const char* b = s_.data() + start;
    const char* e = s_.data() + i_;
    if (integral) {
      if (*b == '-') {
        int64_t v = 0;
        if (std::from_chars(b, e, v).ec == std::errc()) {
          *out = v;
          return Status::Ok();
        }
      } else {
        uint64_t v = 0;
        if (std::from_chars(b, e, v).ec == std::errc()) {
          *out = v;  // as nlohmann stores non-negative integers
          return Status::Ok();
        }
      }
    }
    double d = 0;
    auto r = std::from_chars(b, e, d);
    if (r.ptr != e) return Error("bad number");
    if (r.ec == std::errc::result_out_of_range) return Error("number out of range");
    *out = d;
    return Status::Ok();
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool Hex4(uint32_t* v) {
    if (i_ + 4 > s_.size()) return false;
    *v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      *v <<= 4;
      if (c >= '0' && c <= '9') *v |= c - '0';
      else if (c >= 'a' && c <= 'f') *v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') *v |= c - 'A' + 10;
      else return false;
    }
    return true;
  }

  // Length of the valid UTF-8 sequence at s_[i_] (RFC 3629), or 0.
  size_t Utf8Length() const {
    const auto u = [&](size_t k) { return static_cast<uint8_t>(s_[i_ + k]); };
    const uint8_t c = u(0);
    size_t n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (n == 0 || i_ + n > s_.size()) return 0;
    for (size_t k = 1; k < n; ++k)
      if ((u(k) & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && u(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && u(1) >= 0xA0) return 0;  // surrogates
    if (c == 0xF0 && u(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && u(1) >= 0x90) return 0;  // above U+10FFFF
    return n;
  }

  Status String(std::string* out) {
    ++i_;  // "
    while (true) {
      // Copy the plain run in one go.
      size_t run = i_;
      while (run < s_.size() && s_[run] != '"' && s_[run] != '\\' &&
             static_cast<uint8_t>(s_[run]) >= 0x20 && static_cast<uint8_t>(s_[run]) < 0x80)
        ++run;
      out->append(s_.data() + i_, run - i_);
      i_ = run;
      if (i_ >= s_.size()) return Error("unterminated string");
      const uint8_t c = static_cast<uint8_t>(s_[i_]);
      if (c == '"') {
        ++i_;
        return Status::Ok();
      }
      if (c < 0x20) return Error("control character in a string");
      if (c >= 0x80) {
        const size_t n = Utf8Length();
        if (n == 0) return Error("invalid UTF-8 in a string");
        out->append(s_.data() + i_, n);
        i_ += n;
        continue;
      }
      // A backslash escape (RFC 8259 section 7).
      if (++i_ >= s_.size()) return Error("unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"': *out += '"'; break;
        case '\\': *out += '\\'; break;
        case '/': *out += '/'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return Error("bad \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate needs its low half
            uint32_t lo = 0;
            if (!Literal("\\u") || !Hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF)
              return Error("unpaired surrogate in a \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error("unpaired surrogate in a \\u escape");
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Error(std::string("bad escape '\\") + e + "'");
      }
    }
  }

  std::string_view s_;
  const int max_depth_;
  size_t i_ = 0;
};

}  // namespace

StatusOr<json> ParseJson(std::string_view text, int max_depth) {
  return Reader(text, max_depth).Document();
}

}  // namespace ferry::serve
