// A value in hexadecimal as every report prints it: "0x1f", or zero-padded to
// `digits` ("0x000000000000001f" with 16).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace smmu {

inline std::string hex(uint64_t v, int digits = 0) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace smmu
