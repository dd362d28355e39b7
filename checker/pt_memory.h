// The page-table walker check's memory (pt_check.cpp): every store of an
// io-pgtable run split into the parts the SMMU may see, the descriptor ranges,
// the barriers, cleans and invalidations, as the walker model reads them.
// Internal to the checker.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "atc_scope.h"
#include "command.h"
#include "hex.h"
#include "model.h"
#include "pt_check.h"
#include "tlbi_scope.h"
#include "trace_print.h"

namespace smmu::checker::pt_detail {

using harness::Event;
using harness::EventKind;

// Stands for fresh memory's bytes in the run's own terms (whole values, torn
// checks) and for memory outside every range. Never decoded: a walk that reads
// fresh bytes takes each meaning they can have (fresh_values.h).
inline constexpr uint64_t kOldBytes = 0xA5A5A5A5A5A5A5A5ull;
inline constexpr int kNever = 1 << 30;
// CFGI_STE, CFGI_STE_RANGE (CFGI_ALL), CFGI_CD, CFGI_CD_ALL: the SMMU drops cached STEs/CDs.
inline bool is_cfgi(uint8_t op) { return op >= 0x03 && op <= 0x06; }
inline constexpr uint8_t kCmdSync = 0x46;
inline constexpr uint8_t kCmdAtcInv = 0x40;

inline uint64_t byte_mask(unsigned off, unsigned len) {
  return len >= 8 ? ~0ull : ((1ull << (8 * len)) - 1) << (8 * off);
}

// One single-copy-atomic piece of a store as the SMMU may see it.
struct Part {
  int pos = 0;          // trace event index
  uint64_t qaddr = 0;   // the 8-byte descriptor it lands in
  uint64_t mask = 0;    // bytes of the descriptor it writes
  uint64_t value = 0;   // positioned inside the descriptor
  int event = -1;       // the store (or alloc) event
  bool zeroing = false;
  bool torn = false;    // one of several parts of one store
};

struct Range {
  uint64_t base = 0, size = 0;
  bool fresh = false;            // allocated during the run: any bytes until its zeroing or stores
  std::vector<uint64_t> before;  // registered, not fresh: its content
  bool table = true;             // a page-table page (else the STE/CD holding the table pointer)
  int freed_at = kNever;         // the Free event; later reads see a reused page
  int event = -1;                // its Alloc or DescRegister event
  bool zeroed = false;           // fresh: the allocation zeroes it (a store at `event`)
};

// A command that drops cached entries once the CMD_SYNC after it completes.
struct Invalidation {
  int pos = 0;
  int done = kNever;  // the completing CMD_SYNC's event index
  TlbiScope scope;    // TLBIs; for a CFGI only pos/done matter
};

// A CMD_ATC_INV: drops the device's ATC entries it covers once the CMD_SYNC after it completes.
struct AtcInvalidation {
  int pos = 0;
  int done = kNever;
  AtcScope scope;
};

struct Memory {
  std::vector<Part> parts;                        // program order
  std::vector<int> part_pos;                      // parts[i].pos
  std::map<uint64_t, std::vector<int>> by_qword;  // descriptor -> part ids
  std::vector<Range> ranges;
  std::vector<int> order_pos, force_pos;          // ordering barriers; completions
  std::map<uint64_t, std::vector<int>> cleans;    // 64-byte line -> clean positions
  std::vector<int> ctx;                           // operation boundaries (WalkContext events)
  WalkGeom geom;
  std::vector<uint64_t> iovas;
  std::vector<Invalidation> tlbis, cfgis;  // program order
  std::vector<AtcInvalidation> atcs;

  const Range *range(uint64_t a) const {
    for (const auto &r : ranges)
      if (a >= r.base && a < r.base + r.size) return &r;
    return nullptr;
  }
  const Range *table_range(uint64_t a) const {
    const Range *r = range(a);
    return r && r->table ? r : nullptr;
  }
  uint64_t initial(uint64_t a) const {
    const Range *r = range(a);
    if (!r || r->fresh) return kOldBytes;
    size_t i = (a - r->base) / 8;
    return i < r->before.size() ? r->before[i] : kOldBytes;
  }
  // Parts with pos < p.
  size_t parts_before(int p) const {
    return std::lower_bound(part_pos.begin(), part_pos.end(), p) - part_pos.begin();
  }
  // Parts a part at `pos` is ordered after (those before the last ordering barrier).
  size_t ordered_prefix(int pos) const {
    auto it = std::lower_bound(order_pos.begin(), order_pos.end(), pos);
    return it == order_pos.begin() ? 0 : parts_before(*(it - 1));
  }
  // Parts complete (visible) at instant P.
  size_t forced_prefix(int P) const {
    auto it = std::lower_bound(force_pos.begin(), force_pos.end(), P);
    return it == force_pos.begin() ? 0 : parts_before(*(it - 1));
  }
  // The bytes of a descriptor no store (zeroing included) has written by instant P.
  uint64_t fresh_bytes(uint64_t a, int P) const {
    const Range *r = range(a);
    if (!r || !r->fresh) return 0;
    uint64_t m = ~0ull;
    auto it = by_qword.find(a);
    if (it != by_qword.end())
      for (int id : it->second)
        if (parts[id].pos < P) m &= ~parts[id].mask;
    return m;
  }
  // The CPU's value of a descriptor at instant P (program order).
  uint64_t cpu_value(uint64_t a, int P) const {
    uint64_t v = initial(a);
    auto it = by_qword.find(a);
    if (it != by_qword.end())
      for (int id : it->second)
        if (parts[id].pos < P) v = (v & ~parts[id].mask) | parts[id].value;
    return v;
  }
  // Every value the CPU held in a descriptor, whole stores applied (for "torn").
  std::set<uint64_t> whole_values(uint64_t a) const {
    std::set<uint64_t> out{initial(a)};
    uint64_t v = initial(a);
    auto it = by_qword.find(a);
    if (it == by_qword.end()) return out;
    for (size_t k = 0; k < it->second.size(); ++k) {
      const Part &p = parts[it->second[k]];
      v = (v & ~p.mask) | p.value;
      bool last_of_store = k + 1 == it->second.size() || parts[it->second[k + 1]].event != p.event;
      if (last_of_store) out.insert(v);
    }
    return out;
  }
  bool clean_between(uint64_t a, int from, int to) const {  // a clean at c, from <= c < to
    auto it = cleans.find(a & ~63ull);
    if (it == cleans.end()) return false;
    for (int c : it->second)
      if (c >= from && c < to) return true;
    return false;
  }
};


inline bool orders(harness::BarrierKind k) {
  using B = harness::BarrierKind;
  return k == B::DmaWmb || k == B::DmaMb || k == B::Wmb || k == B::Mb;
}
inline bool completes(harness::BarrierKind k) {
  using B = harness::BarrierKind;
  return k == B::Wmb || k == B::Mb;
}

// The run's memory under `m`: its parts, ranges and commands.
Memory build_memory(const harness::Trace &t, const models::Model &m);

}  // namespace smmu::checker::pt_detail
