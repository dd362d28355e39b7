#include "json_reader.h"

#include <cstdlib>

#include "kernel_tree.h"

namespace smmu::report {

namespace {

const JsonValue kNull;

class Parser {
 public:
  Parser(const std::string &text, const std::string &name) : s_(text), name_(name) {}

  JsonValue document() {
    JsonValue v = value(0);
    space();
    if (i_ != s_.size()) fail("expected the end of the document");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string &what) const {
    size_t line = 1, col = 1;
    for (size_t k = 0; k < i_ && k < s_.size(); ++k) {
      if (s_[k] == '\n') ++line, col = 1;
      else ++col;
    }
    throw harness::UserError(name_ + ": invalid JSON at line " + std::to_string(line) + ", column " +
                             std::to_string(col) + ": " + what);
  }

  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }

  bool literal(const char *word) {
    size_t n = std::char_traits<char>::length(word);
    if (s_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }

  JsonValue value(int depth) {
    if (depth > 200) fail("nesting deeper than 200");
    space();
    if (i_ >= s_.size()) fail("expected a value");
    size_t begin = i_;
    JsonValue v;
    char c = s_[i_];
    if (c == '{') {
      v.type = JsonValue::Type::Object;
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
      } else {
        for (;;) {
          space();
          if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name in quotes");
          std::string key = string();
          space();
          if (i_ >= s_.size() || s_[i_] != ':') fail("expected ':' after the member name");
          ++i_;
          v.members.emplace_back(std::move(key), value(depth + 1));
          space();
          if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
          if (i_ < s_.size() && s_[i_] == '}') { ++i_; break; }
          fail("expected ',' or '}' in an object");
        }
      }
    } else if (c == '[') {
      v.type = JsonValue::Type::Array;
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
      } else {
        for (;;) {
          v.items.push_back(value(depth + 1));
          space();
          if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
          if (i_ < s_.size() && s_[i_] == ']') { ++i_; break; }
          fail("expected ',' or ']' in an array");
        }
      }
    } else if (c == '"') {
      v.type = JsonValue::Type::String;
      v.string = string();
    } else if (literal("true")) {
      v.type = JsonValue::Type::Bool;
      v.boolean = true;
    } else if (literal("false")) {
      v.type = JsonValue::Type::Bool;
    } else if (literal("null")) {
      v.type = JsonValue::Type::Null;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = i_;
      if (s_[i_] == '-') ++i_;
      while (i_ < s_.size() && std::string("0123456789.eE+-").find(s_[i_]) != std::string::npos) ++i_;
      v.type = JsonValue::Type::Number;
      v.string = s_.substr(start, i_ - start);
      char *end = nullptr;
      v.number = std::strtod(v.string.c_str(), &end);
      if (end != v.string.c_str() + v.string.size()) {
        i_ = start;
        fail("expected a number");
      }
    } else {
      fail(std::string("expected a value, got '") + c + "'");
    }
    v.begin = begin;
    v.end = i_;
    return v;
  }

  static void utf8(std::string &out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("expected four hex digits after \\u");
    unsigned cp = 0;
    for (int k = 0; k < 4; ++k) {
      char h = s_[i_++];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= h - '0';
      else if (h >= 'a' && h <= 'f') cp |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F') cp |= h - 'A' + 10;
      else fail("expected four hex digits after \\u");
    }
    return cp;
  }

  std::string string() {
    ++i_;  // the opening quote
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail("expected the closing '\"' of a string");
      char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("expected no control character inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("expected an escape after '\\'");
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00 && s_.compare(i_, 2, "\\u") == 0) {
            i_ += 2;
            unsigned lo = hex4();
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          utf8(out, cp);
          break;
        }
        default: --i_; fail(std::string("expected an escape character, got '") + e + "'");
      }
    }
  }

  const std::string &s_;
  const std::string &name_;
  size_t i_ = 0;
};

}  // namespace

const JsonValue &JsonValue::operator[](const std::string &key) const {
  for (const auto &[k, v] : members)
    if (k == key) return v;
  return kNull;
}

bool JsonValue::has(const std::string &key) const {
  for (const auto &m : members)
    if (m.first == key) return true;
  return false;
}

int64_t JsonValue::int64(int64_t def) const {
  if (type != Type::Number) return def;
  return std::strtoll(string.c_str(), nullptr, 10);
}

uint64_t JsonValue::uint64(uint64_t def) const {
  if (type != Type::Number) return def;
  return string.empty() || string[0] == '-' ? 0 : std::strtoull(string.c_str(), nullptr, 10);
}

JsonValue parse_json(const std::string &text, const std::string &name) { return Parser(text, name).document(); }

}  // namespace smmu::report
