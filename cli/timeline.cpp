// Builds the Timeline of timeline.h from a trace and a verdict.
#include "timeline.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "entry_update.h"
#include "trace_print.h"

namespace smmu::cli {

using harness::Event;
using harness::EventKind;

namespace {

char glyph_of(const Event &e) {
  switch (e.kind) {
    case EventKind::Store: return 's';
    case EventKind::Barrier: return 'b';
    case EventKind::Cmo: return 'c';
    case EventKind::Command: return 'q';
    case EventKind::Alloc: return 'a';
    case EventKind::Free: return 'f';
    case EventKind::UpdateSync:
    case EventKind::WalkContext: return '|';
    default: return 0;
  }
}

Timeline::CpuEvent cpu_event(const harness::Trace &t, int i) {
  const Event &e = t.events[i];
  return {i, glyph_of(e), harness::describe(t, e),
          e.loc.line > 0 ? e.loc.file + ":" + std::to_string(e.loc.line) : std::string()};
}

uint64_t apply(uint64_t old, const Event &e, uint64_t unit) {
  unsigned off = static_cast<unsigned>(e.addr - unit);
  uint64_t mask = e.size >= 8 ? ~0ull : ((1ull << (8 * e.size)) - 1) << (8 * off);
  return (old & ~mask) | ((e.value << (8 * off)) & mask);
}

}  // namespace

Timeline timeline_of_entry(const harness::Trace &t, const checker::Verdict &v, const std::string &title) {
  Timeline tl;
  tl.title = title;
  tl.verdict = std::string(checker::to_string(v.outcome)) +
               (v.outcome == checker::Outcome::Violation ? std::string(" (") + checker::to_string(v.kind) + ")" : "") +
               ": " + v.reason;
  std::vector<checker::EntryUpdate> updates = checker::extract_entry_updates(t);
  const checker::Witness &w = v.witness;
  if (updates.empty() || w.update >= updates.size()) return tl;
  // The update's events: from its UpdateBegin to its UpdateEnd.
  int begin = -1, end = static_cast<int>(t.events.size()) - 1;
  size_t seen = 0;
  for (size_t i = 0; i < t.events.size(); ++i) {
    if (t.events[i].kind == EventKind::UpdateBegin && seen++ == w.update) begin = static_cast<int>(i);
    if (begin >= 0 && t.events[i].kind == EventKind::UpdateEnd) {
      end = static_cast<int>(i);
      break;
    }
  }
  if (begin < 0) return tl;
  const uint64_t entry = t.events[begin].addr;
  const checker::EntryUpdate &u = updates[w.update];
  for (int q = 0; q < checker::kEntryQwords; ++q) {
    Timeline::Unit unit{u.descriptor + ".q" + std::to_string(q), entry + 8 * q, {{-1, u.initial[q]}}};
    tl.units.push_back(unit);
  }
  for (int i = begin; i <= end; ++i) {
    const Event &e = t.events[i];
    if (glyph_of(e)) tl.cpu.push_back(cpu_event(t, i));
    if (e.kind != EventKind::Store || e.addr < entry || e.addr >= entry + 64) continue;
    Timeline::Unit &unit = tl.units[(e.addr - entry) / 8];
    unit.values.push_back({i, apply(unit.values.back().second, e, unit.addr)});
  }
  // The fetch falls in epoch w.epoch: between the sync that starts it and the one that ends it.
  int instant = end;
  if (w.epoch < u.epochs.size() && u.epochs[w.epoch].sync_trace_index >= 0)
    instant = u.epochs[w.epoch].sync_trace_index;
  for (const checker::ObservedPart &p : w.parts) {
    auto bits = [&](uint64_t q) { return p.width == 64 ? q : (q >> p.shift) & ((1ull << p.width) - 1); };
    if (p.trace_index < 0 && bits(w.start[p.qword]) == p.value && bits(w.end[p.qword]) == p.value) continue;
    Timeline::Read r;
    r.instant = std::max(instant, p.trace_index + 1);
    r.unit = static_cast<int>(p.qword);
    r.value = p.value;
    r.label = "q" + std::to_string(p.qword) +
              (p.width < 64 ? " bits " + std::to_string(p.shift + p.width - 1) + ":" + std::to_string(p.shift) : "");
    r.sources = {p.trace_index};
    r.marked = v.outcome == checker::Outcome::Violation;
    tl.reads.push_back(r);
  }
  // Only the qwords the update or the fetch touches.
  std::set<int> keep;
  for (const auto &r : tl.reads) keep.insert(r.unit);
  for (size_t q = 0; q < tl.units.size(); ++q)
    if (tl.units[q].values.size() > 1) keep.insert(static_cast<int>(q));
  std::vector<Timeline::Unit> units;
  std::map<int, int> renumber;
  for (int q : keep) {
    renumber[q] = static_cast<int>(units.size());
    units.push_back(tl.units[q]);
  }
  for (auto &r : tl.reads) r.unit = renumber[r.unit];
  tl.units = std::move(units);
  return tl;
}

Timeline timeline_of_walk(const harness::Trace &t, const checker::PtVerdict &v, const std::string &title) {
  Timeline tl;
  tl.title = title;
  tl.verdict = std::string(checker::to_string(v.outcome)) +
               (v.outcome == checker::Outcome::Violation ? std::string(" (") + checker::to_string(v.kind) + ")" : "") +
               ": " + v.reason;
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
  for (const checker::PtRead &r : w.reads) {
    if (r.expired_by >= 0) cited.insert(r.expired_by);
    for (const auto &[pos, why] : r.not_invalidated_by) cited.insert(pos);
  }
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
  for (const checker::PtRead &r : w.reads)
    for (const auto &[pos, why] : r.not_invalidated_by)
      tl.details.push_back((r.level < 0 ? std::string("table pointer") : "level " + std::to_string(r.level)) +
                           " entry not removed by event " + std::to_string(pos + 1) + ", " + why);
  bool any_marked = false;
  for (const checker::PtRead &r : w.reads) any_marked |= r.torn || r.stale;
  // A result served from the caches after a boundary: the use, at that boundary.
  if (w.cached_through > w.first_op && !w.reads.empty()) {
    size_t k = 0;
    for (int i = 0; i <= last; ++i)
      if (t.events[i].kind == EventKind::WalkContext && k++ == w.cached_through) {
        Timeline::Read use;
        use.instant = i + 1;
        use.unit = unit_of[w.reads.back().address];
        use.value = w.reads.back().value;
        use.label = "the cached walk, used after operation " + std::to_string(w.cached_through);
        use.marked = v.outcome == checker::Outcome::Violation;
        tl.reads.push_back(use);
      }
  }
  for (const checker::PtRead &r : w.reads) {
    Timeline::Read rd;
    rd.instant = r.instant;
    rd.unit = unit_of[r.address];
    rd.value = r.value;
    rd.label = r.level < 0 ? "table pointer" : "level " + std::to_string(r.level);
    for (const auto &s : r.sources) rd.sources.push_back(s.trace_index);
    rd.marked = v.outcome == checker::Outcome::Violation && (!any_marked || r.torn || r.stale);
    tl.reads.push_back(rd);
  }
  return tl;
}

}  // namespace smmu::cli
