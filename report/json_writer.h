// A minimal streaming JSON writer: enough for reports, no dependency.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace smmu::report {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream &out) : out_(out) {}
  JsonWriter &begin_object();
  JsonWriter &end_object();
  JsonWriter &begin_array();
  JsonWriter &end_array();
  JsonWriter &key(const std::string &k);
  JsonWriter &value(const std::string &s);
  JsonWriter &value(const char *s) { return value(std::string(s)); }
  JsonWriter &value(int64_t n);
  JsonWriter &value(uint64_t n);
  JsonWriter &value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter &value(double d);
  JsonWriter &value(bool b);
  JsonWriter &hex(uint64_t n);  // "0x..." string: 64-bit values exceed JSON's safe integers
  JsonWriter &null();
  JsonWriter &raw(const std::string &json);  // an already written JSON value, as is

 private:
  void separate();
  void write_string(const std::string &s);
  std::ostream &out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace smmu::report
