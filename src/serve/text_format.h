// A small reader for protobuf's text format, enough for TF Serving's configuration files
// (ModelServerConfig for --model_config_file, BatchingParameters for
// --batching_parameters_file). It builds a schema-less tree; config.cc gives it meaning.
//
// Grammar (protobuf text format, the subset those files use):
//   message := field*
//   field   := NAME [':'] ( '{' message '}' | '<' message '>' | scalar | '[' scalar,* ']' )
//              [';'|',']
//   scalar  := number | identifier | "string" | 'string'
// '#' starts a comment to the end of the line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace ferry::serve {

struct TextField;

struct TextMessage {
  std::vector<TextField> fields;
  // Every field called `name`, in order (repeated fields appear several times).
  std::vector<const TextField*> All(const std::string& name) const;
  // The last field called `name` (protobuf's rule for a repeated singular field), or null.
  const TextField* Find(const std::string& name) const;
};

struct TextField {
  std::string name;
  int line = 0;
  bool is_message = false;
  std::string scalar;       // the token as written, strings unquoted and unescaped
  bool quoted = false;      // the scalar was a string literal
  std::shared_ptr<TextMessage> message;  // set when is_message

  StatusOr<int64_t> AsInt() const;
  StatusOr<std::string> AsString() const;
  StatusOr<bool> AsBool() const;
};

// Parses `text`; errors name `source` (a file name) and the line.
StatusOr<TextMessage> ParseTextFormat(const std::string& text, const std::string& source);

}  // namespace ferry::serve
