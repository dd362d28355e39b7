// A small JSON reader for smmu-check's own reports (merging shard reports):
// a document tree, with each value's source text kept so that a sub-object
// can be written back unchanged. No dependency.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace smmu::report {

struct JsonValue {
  enum class Type { Null, Bool, Number, String, Array, Object } type = Type::Null;
  bool boolean = false;
  double number = 0;
  std::string string;                                   // String; Number: its digits as written
  std::vector<JsonValue> items;                         // Array
  std::vector<std::pair<std::string, JsonValue>> members;  // Object, in document order
  size_t begin = 0, end = 0;                            // the value's text in the document

  // Object member by key; a Null value when absent (or this is not an object).
  const JsonValue &operator[](const std::string &key) const;
  bool has(const std::string &key) const;
  std::string str(const std::string &def = "") const { return type == Type::String ? string : def; }
  int64_t int64(int64_t def = 0) const;
  uint64_t uint64(uint64_t def = 0) const;
  double num(double def = 0) const { return type == Type::Number ? number : def; }
  bool boolean_or(bool def) const { return type == Type::Bool ? boolean : def; }
  // The value as written in `document` (the text it was parsed from).
  std::string raw(const std::string &document) const { return document.substr(begin, end - begin); }
};

// Throws harness::UserError "NAME: invalid JSON at line L, column C: expected ...".
JsonValue parse_json(const std::string &text, const std::string &name);

}  // namespace smmu::report
