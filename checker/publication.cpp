#include "publication.h"

namespace smmu::checker {
namespace {

using harness::BarrierKind;
using harness::Event;
using harness::EventKind;

// Barriers that order earlier stores before later ones for an outer-shareable
// observer such as the SMMU; smp_* barriers only reach the inner domain.
bool orders_for_device(const Event &e) {
  if (e.kind == EventKind::Barrier)
    return e.barrier == BarrierKind::DmaWmb || e.barrier == BarrierKind::DmaMb ||
           e.barrier == BarrierKind::Wmb || e.barrier == BarrierKind::Mb;
  // A completed CMD_SYNC: every earlier store was visible to the SMMU (doorbell=dmb).
  return e.kind == EventKind::Command && (e.cmd[0] & 0xff) == 0x46;
}

bool cleans(const Event &e, uint64_t addr) {
  return e.kind == EventKind::Cmo && e.cmo != harness::CmoKind::Inval && addr >= e.addr &&
         addr < e.addr + e.size;
}

// Is the memory effect at trace index `from` (a store at addr) visible to the
// SMMU by the time of the store at index `to`?
bool visible_before(const harness::Trace &t, size_t from, size_t to, uint64_t addr, bool cacheable) {
  for (size_t i = from + 1; i < to; ++i)
    if (cacheable ? cleans(t.events[i], addr) : orders_for_device(t.events[i])) return true;
  return false;
}

}  // namespace

std::vector<Publication> check_publications(const harness::Trace &t, const models::Model &model,
                                            const std::vector<PointerLayout> &layouts) {
  const bool cacheable = model.coherency == models::Coherency::Cacheable;
  std::vector<Publication> out;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &p = t.events[i];
    if (p.kind != EventKind::Store || p.desc < 0) continue;
    const harness::DescRange &pd = t.descs[p.desc];
    uint64_t mask = 0;
    for (const auto &l : layouts)
      if (l.kind == pd.kind) mask = l.address_mask;
    uint64_t target = p.value & mask;
    if (!mask || !target || target == (p.old_value & mask)) continue;
    // The table the new pointer reaches: the newest registered range starting there.
    int table = -1;
    for (int d = 0; d < static_cast<int>(t.descs.size()); ++d)
      if (d != p.desc && t.descs[d].base == target) table = d;
    if (table < 0) continue;
    const harness::DescRange &td = t.descs[table];
    Publication pub;
    pub.pointer_event = static_cast<int>(i);
    pub.pointer = pd.name;
    pub.table = td.name;
    // From the table's allocation (or registration) on, in program order.
    size_t born = 0;
    for (size_t j = 0; j < i; ++j) {
      const Event &e = t.events[j];
      if ((e.kind == EventKind::Alloc || e.kind == EventKind::DescRegister) && e.desc == table) born = j;
    }
    auto fail = [&](size_t j, uint64_t seen, uint64_t intended, const std::string &what) {
      if (pub.outcome == Outcome::Violation) return;
      pub.outcome = Outcome::Violation;
      pub.kind = cacheable ? ViolationKind::Stale : ViolationKind::Misordered;
      pub.unordered_event = static_cast<int>(j);
      pub.seen_value = seen;
      pub.intended_value = intended;
      pub.reason = "the SMMU can follow " + pd.name + " to " + td.name + " and read " + what +
                   (cacheable ? ": no clean of it completed before the pointer was written"
                              : ": no barrier orders it before the pointer store");
    };
    for (size_t j = born + 1; j < i; ++j) {
      const Event &s = t.events[j];
      if (s.kind != EventKind::Store || s.desc != table) continue;
      ++pub.table_stores;
      if (!visible_before(t, j, i, s.addr, cacheable))
        fail(j, s.old_value, s.value, td.name + "[" + std::to_string(s.offset / 8) + "] before its store");
    }
    // The allocation's zeroing is a store too (the allocator's own barriers are not in the trace).
    // Before it, the SMMU may read any bytes (MODEL.md §4.4): no particular value is assumed.
    const Event &b = t.events[born];
    if (b.kind == EventKind::Alloc && !visible_before(t, born, i, td.base, cacheable)) {
      fail(born, 0, 0,
           b.zeroed ? "fresh memory (any bytes: the allocator's zeroing is not yet visible)"
                    : "fresh memory (any bytes: never written)");
      if (pub.unordered_event == static_cast<int>(born)) pub.seen_fresh = true;
    }
    out.push_back(pub);
  }
  return out;
}

}  // namespace smmu::checker
