#include "explicit_engine.h"

#include <cstdio>

namespace smmu::checker {

EpochAnswer ExplicitEngine::decide(const EpochQuery &q) {
  EpochAnswer a;
  const EpochSpace &s = *q.space;
  if (s.combinations() > bound_) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.3g observations in one epoch exceed the explicit bound %.3g",
                  s.combinations(), bound_);
    a.outcome = Outcome::Unknown;
    a.reason = buf;
    return a;
  }
  std::vector<size_t> choice(s.granules.size(), 0);
  for (;;) {
    Entry observed = assemble(s, choice);
    Entry m = semantics_.meaning(q.kind, observed);
    ++a.explored;
    meanings_.insert(m);
    if (m != q.meaning_start && m != q.meaning_end) {
      a.outcome = Outcome::Violation;
      a.choice = choice;
      return a;
    }
    // Odometer over the granules' candidate lists.
    size_t i = 0;
    for (; i < choice.size(); ++i) {
      if (++choice[i] < s.granules[i].candidates.size()) break;
      choice[i] = 0;
    }
    if (i == choice.size()) return a;
  }
}

}  // namespace smmu::checker
