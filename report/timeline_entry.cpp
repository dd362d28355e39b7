// The timeline of an STE/CD verdict: the update's events, its qwords, one
// SMMU read per part of the witness, the essential parts marked.
#include <algorithm>
#include <map>
#include <set>

#include "entry_update.h"
#include "timeline_events.h"

namespace smmu::report {

using harness::Event;
using harness::EventKind;
using namespace timeline_detail;

Timeline timeline_of_entry(const harness::Trace &t, const checker::Verdict &v, const std::string &title) {
  Timeline tl;
  tl.title = title;
  tl.verdict = verdict_line(v.outcome, v.kind, v.reason);
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
  const bool violation = v.outcome == checker::Outcome::Violation;
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
    // Only the parts the violation needs are its reads; the others could be either state's.
    r.marked = violation && p.essential;
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
  mark_elisions(tl, t, begin, end);
  return tl;
}

}  // namespace smmu::report
