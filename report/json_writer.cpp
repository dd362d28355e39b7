#include "json_writer.h"

#include <cstdio>

namespace smmu::report {

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ << ",";
    first_.back() = false;
  }
}

JsonWriter &JsonWriter::begin_object() {
  separate();
  out_ << "{";
  first_.push_back(true);
  return *this;
}

JsonWriter &JsonWriter::end_object() {
  first_.pop_back();
  out_ << "}";
  return *this;
}

JsonWriter &JsonWriter::begin_array() {
  separate();
  out_ << "[";
  first_.push_back(true);
  return *this;
}

JsonWriter &JsonWriter::end_array() {
  first_.pop_back();
  out_ << "]";
  return *this;
}

JsonWriter &JsonWriter::key(const std::string &k) {
  separate();
  write_string(k);
  out_ << ":";
  after_key_ = true;
  return *this;
}

JsonWriter &JsonWriter::value(const std::string &s) {
  separate();
  write_string(s);
  return *this;
}

void JsonWriter::write_string(const std::string &s) {
  out_ << '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out_ << "\\\""; break;
      case '\\': out_ << "\\\\"; break;
      case '\n': out_ << "\\n"; break;
      case '\t': out_ << "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out_ << buf;
        } else {
          out_ << c;
        }
    }
  }
  out_ << '"';
}

JsonWriter &JsonWriter::value(int64_t n) {
  separate();
  out_ << n;
  return *this;
}

JsonWriter &JsonWriter::value(uint64_t n) {
  separate();
  out_ << n;
  return *this;
}

JsonWriter &JsonWriter::value(double d) {
  separate();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", d);
  out_ << buf;
  return *this;
}

JsonWriter &JsonWriter::value(bool b) {
  separate();
  out_ << (b ? "true" : "false");
  return *this;
}

JsonWriter &JsonWriter::hex(uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(n));
  return value(std::string(buf));
}

JsonWriter &JsonWriter::null() {
  separate();
  out_ << "null";
  return *this;
}

JsonWriter &JsonWriter::raw(const std::string &json) {
  separate();
  out_ << json;
  return *this;
}

}  // namespace smmu::report
