#include "trace.h"

#include <algorithm>

namespace smmu::harness {

std::optional<int> Trace::find_desc(uint64_t addr, uint64_t size) const {
  // Newest first: a range re-registered after a free shadows the old one.
  for (int i = static_cast<int>(descs.size()) - 1; i >= 0; --i) {
    const DescRange &d = descs[i];
    if (d.live && addr >= d.base && addr + size <= d.base + d.size) return i;
  }
  return std::nullopt;
}

size_t Trace::count(EventKind k) const {
  return std::count_if(events.begin(), events.end(), [k](const Event &e) { return e.kind == k; });
}

}  // namespace smmu::harness
