// The timeline of a page-table verdict: the run's events, the descriptors the
// violating walk read, and the entries those reads left in the SMMU's caches
// (and the device's ATC) with the invalidations that removed them or, as the
// checker found, did not.
#include <algorithm>
#include <map>
#include <set>

#include "hex.h"
#include "timeline_events.h"
#include "trace_print.h"

namespace smmu::report {

using harness::Event;
using harness::EventKind;
using namespace timeline_detail;

namespace {

std::string entry_name(const checker::PtRead &r) {
  switch (r.cached) {
    case checker::PtCached::Config: return "table pointer (configuration cache)";
    case checker::PtCached::Table: return "L" + std::to_string(r.level) + " table descriptor (walk cache)";
    case checker::PtCached::Leaf: return "L" + std::to_string(r.level) + " leaf (TLB)";
    case checker::PtCached::None: break;
  }
  return "";
}

std::string removal(const harness::Trace &t, int by) {
  return harness::describe(t, t.events[by]) + " and the CMD_SYNC after it";
}

// The cache lane: one entry per read that cached something, as the witness has it.
void cache_lane(Timeline &tl, const harness::Trace &t, const checker::PtVerdict &v, int use, size_t first_read) {
  const checker::PtWitness &w = v.witness;
  if (v.outcome != checker::Outcome::Violation) return;
  if (!v.tlb) {
    tl.cache_note = "the run issues no TLBI: TLB and walk caches are not modelled";
    return;
  }
  auto alive_at_use = [&](int from, int until) { return use >= 0 && from <= use && (until < 0 || use < until); };
  for (size_t i = 0; i < w.reads.size(); ++i) {
    const checker::PtRead &r = w.reads[i];
    if (r.cached == checker::PtCached::None) continue;
    Timeline::CacheEntry e;
    e.name = entry_name(r);
    e.read = static_cast<int>(first_read + i);
    e.from = r.instant;
    e.until = r.expired_by >= 0 ? r.expires : -1;
    e.removed_by = r.expired_by;
    if (r.expired_by >= 0) e.removed_how = removal(t, r.expired_by);
    for (const auto &[pos, why] : r.not_invalidated_by) e.misses.push_back({pos, why});
    // The configuration cache is not what carries a walk across a boundary.
    e.marked = r.cached != checker::PtCached::Config && !w.atc && alive_at_use(e.from, e.until);
    tl.cache.push_back(e);
  }
  if (w.atc) {
    const checker::PtAtc &a = *w.atc;
    Timeline::CacheEntry e;
    e.name = "device ATC, SID " + hex(a.sid);
    e.read = static_cast<int>(first_read + w.reads.size() - 1);
    e.from = a.fill >= (1 << 30) ? tl.reads[e.read].instant : a.fill;
    e.until = a.expired_by >= 0 ? a.expires : -1;
    e.removed_by = a.expired_by;
    if (a.expired_by >= 0) e.removed_how = removal(t, a.expired_by);
    for (const auto &[pos, why] : a.not_invalidated_by) e.misses.push_back({pos, why});
    e.marked = alive_at_use(e.from, e.until);
    tl.cache.push_back(e);
  }
}

}  // namespace

Timeline timeline_of_walk(const harness::Trace &t, const checker::PtVerdict &v, const std::string &title) {
  Timeline tl;
  tl.title = title;
  tl.verdict = verdict_line(v.outcome, v.kind, v.reason);
  int last = -1;
  for (size_t i = 0; i < t.events.size(); ++i)
    if (t.events[i].kind == EventKind::WalkContext) last = static_cast<int>(i);
  const checker::PtWitness &w = v.witness;
  // Units: the descriptors the walk read, named by their table.
  std::map<uint64_t, int> unit_of;
  for (const checker::PtRead &r : w.reads) {
    if (unit_of.count(r.address)) continue;
    std::string table = "?";
    for (const auto &d : t.descs)
      if (r.address >= d.base && r.address < d.base + d.size) table = d.name;
    std::string name = r.level < 0 ? table + ".q" + std::to_string(r.index)
                                   : "L" + std::to_string(r.level) + " " + table + "[" + std::to_string(r.index) + "]";
    unit_of[r.address] = static_cast<int>(tl.units.size());
    tl.units.push_back({name, r.address, {}});
  }
  // Which commands matter to the reads (the invalidations that ended or missed them).
  std::set<int> cited;
  auto cite = [&](int expired_by, const std::vector<std::pair<int, std::string>> &missed) {
    if (expired_by >= 0) cited.insert(expired_by);
    for (const auto &m : missed) cited.insert(m.first);
  };
  for (const checker::PtRead &r : w.reads) cite(r.expired_by, r.not_invalidated_by);
  if (w.atc) cite(w.atc->expired_by, w.atc->not_invalidated_by);
  size_t commands = 0;
  for (int i = 0; i <= last; ++i) commands += t.events[i].kind == EventKind::Command;
  for (int i = 0; i <= last; ++i) {
    const Event &e = t.events[i];
    bool touches = false;
    for (auto &u : tl.units) {
      if (e.kind == EventKind::Store && e.addr >= u.addr && e.addr < u.addr + 8) {
        if (u.values.empty()) u.values.push_back({-1, e.old_value});
        u.values.push_back({i, apply(u.values.back().second, e, u.addr)});
        touches = true;
      }
      if ((e.kind == EventKind::Alloc || e.kind == EventKind::DescRegister) && u.addr >= e.addr &&
          u.addr < e.addr + e.size) {
        uint64_t before = (u.addr - e.addr) / 8 < e.before.size() ? e.before[(u.addr - e.addr) / 8] : 0;
        if (e.kind == EventKind::Alloc) {
          // The runtime's fill of fresh memory: what the CPU had there. The walker may see
          // any value before the zeroing (its reads show the one the checker chose).
          u.values.push_back({-1, 0xA5A5A5A5A5A5A5A5ull});
          if (e.zeroed) u.values.push_back({i, 0});
        } else {
          u.values.push_back({-1, before});
        }
        touches = true;
      }
    }
    // A long run (hundreds of TLBIs) keeps what the walk depends on.
    bool keep = e.kind != EventKind::Command || commands <= 40 || cited.count(i) ||
                (e.kind == EventKind::Command && (e.cmd[0] & 0xff) == 0x46 && i > 0 && cited.count(i - 1));
    if (glyph_of(e) && (touches || e.kind != EventKind::Store) && keep) tl.cpu.push_back(cpu_event(t, i));
  }
  mark_elisions(tl, t, 0, last);
  for (const checker::PtRead &r : w.reads)
    for (const auto &[pos, why] : r.not_invalidated_by)
      tl.details.push_back((r.level < 0 ? std::string("table pointer") : "level " + std::to_string(r.level)) +
                           " entry not removed by event " + std::to_string(pos + 1) + ", " + why);
  bool any_marked = false;
  for (const checker::PtRead &r : w.reads) any_marked |= r.torn || r.stale;
  const bool violation = v.outcome == checker::Outcome::Violation;
  // A result served from the caches after a boundary: the use, at that boundary.
  // (Not when the walk was still reading after that boundary: its later reads
  // already show what it used.)
  int use = -1, last_read = -1;
  for (const checker::PtRead &r : w.reads) last_read = std::max(last_read, r.instant);
  if (w.cached_through > w.first_op && !w.reads.empty()) {
    size_t k = 0;
    for (int i = 0; i <= last; ++i)
      if (t.events[i].kind == EventKind::WalkContext && k++ == w.cached_through && i + 1 > last_read) {
        Timeline::Read r;
        r.instant = use = i + 1;
        r.unit = unit_of[w.reads.back().address];
        r.value = w.reads.back().value;
        r.label = std::string(w.atc ? "the device's ATC" : "the cached walk") + ", used after operation " +
                  std::to_string(w.cached_through);
        r.marked = violation;
        r.use = true;
        tl.reads.push_back(r);
      }
  }
  const size_t first_read = tl.reads.size();
  for (const checker::PtRead &r : w.reads) {
    Timeline::Read rd;
    rd.instant = r.instant;
    rd.unit = unit_of[r.address];
    rd.value = r.value;
    rd.label = r.level < 0 ? "table pointer" : "level " + std::to_string(r.level);
    for (const auto &s : r.sources) rd.sources.push_back(s.trace_index);
    rd.marked = violation && (!any_marked || r.torn || r.stale);
    tl.reads.push_back(rd);
  }
  cache_lane(tl, t, v, use, first_read);
  return tl;
}

}  // namespace smmu::report
