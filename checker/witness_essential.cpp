#include "witness_essential.h"

namespace smmu::checker {

namespace {

uint64_t mask_of(const ObservedPart &p) { return p.width >= 64 ? ~0ull : ((1ull << p.width) - 1) << p.shift; }

}  // namespace

void mark_essential_parts(Witness &w, harness::DescKind kind, const EntrySemantics &sem) {
  auto allowed = [&](const Entry &e) {
    Entry m = sem.meaning(kind, e);
    return m == w.meaning_start || m == w.meaning_end;
  };
  // The stable states the other parts may be read from: those the epoch allows
  // (after the last sync, only the target).
  std::vector<const Entry *> fills;
  for (const Entry *f : {&w.start, &w.end})
    if (allowed(*f)) fills.push_back(f);
  std::vector<bool> keep(w.parts.size());
  for (size_t i = 0; i < w.parts.size(); ++i) {
    const ObservedPart &p = w.parts[i];
    uint64_t m = mask_of(p), v = (p.value << p.shift) & m;
    keep[i] = (w.start[p.qword] & m) != v || (w.end[p.qword] & m) != v;
  }
  // The kept parts over a stable state's entry.
  auto violates = [&](const std::vector<bool> &set) {
    for (const Entry *f : fills) {
      Entry e = *f;
      for (size_t i = 0; i < w.parts.size(); ++i)
        if (set[i]) {
          const ObservedPart &p = w.parts[i];
          uint64_t m = mask_of(p);
          e[p.qword] = (e[p.qword] & ~m) | ((p.value << p.shift) & m);
        }
      if (allowed(e)) return false;
    }
    return true;
  };
  // Greedy: drop each part the violation does not need. Without a stable
  // state to fill from (or if the whole set does not violate), keep them all.
  if (!fills.empty() && violates(keep))
    for (size_t i = 0; i < w.parts.size(); ++i) {
      if (!keep[i]) continue;
      keep[i] = false;
      if (!violates(keep)) keep[i] = true;
    }
  for (size_t i = 0; i < w.parts.size(); ++i) w.parts[i].essential = keep[i];
}

}  // namespace smmu::checker
