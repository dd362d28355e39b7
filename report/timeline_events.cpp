#include "timeline_events.h"

#include <set>

#include "trace_print.h"

namespace smmu::report {

using harness::Event;
using harness::EventKind;

std::string Timeline::Elision::text() const {
  std::string s = first == last ? "event " + std::to_string(first + 1)
                                : "events " + std::to_string(first + 1) + "\u2013" + std::to_string(last + 1);
  s += " not drawn (";
  std::string kinds;
  auto add = [&](int n, const char *one, const char *many) {
    if (n) kinds += (kinds.empty() ? "" : ", ") + std::to_string(n) + " " + (n == 1 ? one : many);
  };
  add(stores, "store", "stores");
  add(barriers, "barrier", "barriers");
  add(cmos, "CMO", "CMOs");
  add(commands, "command", "commands");
  add(other, "other", "others");
  return s + kinds + ")";
}

namespace timeline_detail {

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

std::string verdict_line(checker::Outcome o, checker::ViolationKind k, const std::string &reason) {
  return std::string(checker::to_string(o)) +
         (o == checker::Outcome::Violation ? std::string(" (") + checker::to_string(k) + ")" : "") + ": " + reason;
}

void mark_elisions(Timeline &tl, const harness::Trace &t, int first, int last) {
  std::set<int> drawn;
  for (const auto &e : tl.cpu) drawn.insert(e.index);
  Timeline::Elision *open = nullptr;
  for (int i = first; i <= last && i < static_cast<int>(t.events.size()); ++i) {
    const Event &e = t.events[i];
    if (drawn.count(i)) {
      open = nullptr;
      continue;
    }
    if (!glyph_of(e)) continue;  // bookkeeping events are never drawn: no gap
    if (!open) {
      tl.elided.push_back({i, i});
      open = &tl.elided.back();
    }
    open->last = i;
    switch (e.kind) {
      case EventKind::Store: ++open->stores; break;
      case EventKind::Barrier: ++open->barriers; break;
      case EventKind::Cmo: ++open->cmos; break;
      case EventKind::Command: ++open->commands; break;
      default: ++open->other;
    }
  }
}

}  // namespace timeline_detail
}  // namespace smmu::report
