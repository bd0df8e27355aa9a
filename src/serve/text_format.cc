#include "serve/text_format.h"

#include <cctype>
#include <charconv>

namespace ferry::serve {

std::vector<const TextField*> TextMessage::All(const std::string& name) const {
  std::vector<const TextField*> out;
  for (const TextField& f : fields)
    if (f.name == name) out.push_back(&f);
  return out;
}

const TextField* TextMessage::Find(const std::string& name) const {
  const TextField* found = nullptr;
  for (const TextField& f : fields)
    if (f.name == name) found = &f;
  return found;
}

StatusOr<int64_t> TextField::AsInt() const {
  if (is_message || quoted)
    return InvalidArgument("line " + std::to_string(line) + ": field '" + name +
                           "' should be an integer");
  int64_t v = 0;
  const char* b = scalar.data();
  const char* e = b + scalar.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e)
    return InvalidArgument("line " + std::to_string(line) + ": field '" + name + "': '" + scalar +
                           "' is not an integer");
  return v;
}

StatusOr<std::string> TextField::AsString() const {
  if (is_message)
    return InvalidArgument("line " + std::to_string(line) + ": field '" + name +
                           "' should be a string, not a message");
  return scalar;
}

StatusOr<bool> TextField::AsBool() const {
  if (!is_message && !quoted) {
    if (scalar == "true" || scalar == "True" || scalar == "t" || scalar == "1") return true;
    if (scalar == "false" || scalar == "False" || scalar == "f" || scalar == "0") return false;
  }
  return InvalidArgument("line " + std::to_string(line) + ": field '" + name +
                         "' should be true or false");
}

namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::string& source) : s_(text), source_(source) {}

  StatusOr<TextMessage> ParseTop() {
    TextMessage m;
    FERRY_RETURN_IF_ERROR(ParseFields(&m, '\0', 0));
    return m;
  }

 private:
  Status Error(const std::string& what) const {
    return InvalidArgument(source_ + ":" + std::to_string(line_) + ": " + what);
  }

  void SkipSpace() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') {
        ++line_;
        ++i_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
  }

  static bool IsIdentChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
           c == '+' || c == '/';
  }

  // Fields until `close` (or the end of the input for the top level).
  Status ParseFields(TextMessage* m, char close, int depth) {
    if (depth > 64) return Error("messages nested too deeply");
    while (true) {
      SkipSpace();
      if (i_ >= s_.size()) {
        if (close != '\0') return Error(std::string("missing '") + close + "'");
        return Status::Ok();
      }
      if (s_[i_] == close) {
        ++i_;
        return Status::Ok();
      }
      TextField f;
      f.line = line_;
      size_t start = i_;
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) ||
                                s_[i_] == '_'))
        ++i_;
      if (i_ == start) return Error(std::string("expected a field name, found '") + s_[i_] + "'");
      f.name = s_.substr(start, i_ - start);
      SkipSpace();
      bool colon = false;
      if (i_ < s_.size() && s_[i_] == ':') {
        colon = true;
        ++i_;
        SkipSpace();
      }
      if (i_ >= s_.size()) return Error("field '" + f.name + "' has no value");
      char c = s_[i_];
      if (c == '{' || c == '<') {
        ++i_;
        f.is_message = true;
        f.message = std::make_shared<TextMessage>();
        FERRY_RETURN_IF_ERROR(ParseFields(f.message.get(), c == '{' ? '}' : '>', depth + 1));
        m->fields.push_back(std::move(f));
      } else if (c == '[') {
        // A list of scalars: one field per element, as if repeated.
        if (!colon) return Error("field '" + f.name + "': expected ':' before '['");
        ++i_;
        while (true) {
          SkipSpace();
          if (i_ < s_.size() && s_[i_] == ']') {
            ++i_;
            break;
          }
          TextField e;
          e.name = f.name;
          e.line = line_;
          FERRY_RETURN_IF_ERROR(ParseScalar(&e));
          m->fields.push_back(std::move(e));
          SkipSpace();
          if (i_ < s_.size() && s_[i_] == ',') ++i_;
        }
      } else {
        if (!colon) return Error("field '" + f.name + "': expected ':' or '{'");
        FERRY_RETURN_IF_ERROR(ParseScalar(&f));
        m->fields.push_back(std::move(f));
      }
      SkipSpace();
      if (i_ < s_.size() && (s_[i_] == ';' || s_[i_] == ',')) ++i_;
    }
  }

  Status ParseScalar(TextField* f) {
    if (i_ >= s_.size()) return Error("field '" + f->name + "' has no value");
    char q = s_[i_];
    if (q == '"' || q == '\'') {
      f->quoted = true;
      ++i_;
      // Adjacent literals concatenate ("a" "b"), as in protobuf.
      while (true) {
        while (i_ < s_.size() && s_[i_] != q) {
          char c = s_[i_++];
          if (c == '\n') return Error("unterminated string");
          if (c == '\\' && i_ < s_.size()) {
            char e = s_[i_++];
            switch (e) {
              case 'n': c = '\n'; break;
              case 't': c = '\t'; break;
              case 'r': c = '\r'; break;
              default: c = e;  // \\ \" \'
            }
          }
          f->scalar += c;
        }
        if (i_ >= s_.size()) return Error("unterminated string");
        ++i_;
        size_t save = i_;
        int save_line = line_;
        SkipSpace();
        if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
          q = s_[i_++];
          continue;
        }
        i_ = save;
        line_ = save_line;
        return Status::Ok();
      }
    }
    size_t start = i_;
    while (i_ < s_.size() && IsIdentChar(s_[i_])) ++i_;
    if (i_ == start) return Error("field '" + f->name + "': expected a value");
    f->scalar = s_.substr(start, i_ - start);
    return Status::Ok();
  }

  const std::string& s_;
  const std::string& source_;
  size_t i_ = 0;
  int line_ = 1;
};

}  // namespace

StatusOr<TextMessage> ParseTextFormat(const std::string& text, const std::string& source) {
  return Parser(text, source).ParseTop();
}

}  // namespace ferry::serve
