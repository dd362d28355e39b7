// What the parser fuzz targets count as a finding, and the one way both
// parsers may refuse an input: an error located as "FILE:LINE:COL: expected ...".
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace smmu::fuzz {

// A finding: the target's name, what is wrong, then abort (libFuzzer keeps the input).
[[noreturn]] inline void finding(const char *target, const char *what, const std::string &detail) {
  std::fprintf(stderr, "%s: %s: %s\n", target, what, detail.c_str());
  std::abort();
}

// m is "FILE:LINE:COL: expected ..." for this file.
inline bool located(const std::string &m, const std::string &file) {
  if (m.rfind(file + ":", 0) != 0) return false;
  size_t i = file.size() + 1;
  for (int field = 0; field < 2; ++field) {
    size_t digits = 0;
    while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i, ++digits;
    if (!digits || i >= m.size() || m[i] != ':') return false;
    ++i;
  }
  return m.compare(i, 10, " expected ") == 0;
}

}  // namespace smmu::fuzz
