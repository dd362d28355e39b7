// Why it is exact. Let D be the determining granules and R the others. For a
// fixed choice d of D's candidates, used(e) = U is the same for every
// observation e extending d (used depends on determining bits only), so the
// meaning e & U, and its comparison with the start meaning S and the end
// meaning E, split granule by granule: e means S iff every granule agrees with
// S under U, likewise E. A violation is an e that disagrees with S somewhere
// and with E somewhere. With d's own granules disagreeing with both, every
// extension violates; disagreeing with S only, a violation exists iff some
// candidate of R disagrees with E (and symmetrically); agreeing with both, iff
// some candidate disagrees with both, or candidates of two different granules
// disagree with S and with E respectively (one granule takes one candidate).
// Every d is tried, so a pass covers every observation.
#include "decompose_engine.h"

#include <cstdio>

namespace smmu::checker {
namespace {

uint64_t granule_mask(const Granule &g) {
  return (g.width >= 64 ? ~0ull : ((1ull << g.width) - 1)) << g.shift;
}

}  // namespace

DecomposeEngine::DecomposeEngine(const EntrySemantics &semantics, Dependence dependence,
                                 unsigned max_units, double max_combinations)
    : semantics_(semantics), dependence_fn_(std::move(dependence)), max_units_(max_units),
      max_combinations_(max_combinations) {}

const UsedDependence &DecomposeEngine::dependence(harness::DescKind kind) {
  auto it = dependence_.find(kind);
  if (it == dependence_.end())
    it = dependence_.emplace(kind, dependence_fn_ ? dependence_fn_(kind) : used_dependence(semantics_, kind)).first;
  return it->second;
}

EpochAnswer DecomposeEngine::decide(const EpochQuery &q) {
  EpochAnswer a;
  auto unknown = [&](const std::string &why) {
    a.outcome = Outcome::Unknown;
    a.reason = "decompose: " + why;
    return a;
  };
  const EpochSpace &s = *q.space;
  const size_t n = s.granules.size();

  // The per-granule argument needs granules that partition every qword.
  std::vector<uint64_t> &mask = scratch_.mask;
  mask.assign(n, 0);
  Entry covered{};
  for (size_t i = 0; i < n; ++i) {
    const Granule &g = s.granules[i];
    if (g.qword >= kEntryQwords || g.width == 0 || g.width > 64 || g.shift + g.width > 64 ||
        g.candidates.empty())
      return unknown("a granule of an unsupported shape");
    mask[i] = granule_mask(g);
    if (covered[g.qword] & mask[i]) return unknown("overlapping granules");
    covered[g.qword] |= mask[i];
  }
  for (uint64_t c : covered)
    if (c != ~0ull) return unknown("the granules do not cover the entry");

  const UsedDependence &dep = dependence(q.kind);
  if (!dep.error.empty()) return unknown("which bits get_used reads is not known: " + dep.error);
  std::vector<size_t> &det = scratch_.det, &rest = scratch_.rest;
  det.clear();
  rest.clear();
  double combinations = 1;
  for (size_t i = 0; i < n; ++i) {
    if (dep.bits[s.granules[i].qword] & mask[i]) {
      det.push_back(i);
      combinations *= static_cast<double>(s.granules[i].candidates.size());
    } else {
      rest.push_back(i);
    }
  }
  if (det.size() > max_units_ || combinations > max_combinations_) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "get_used reads %zu granules with %.3g candidate combinations, beyond the bound "
                  "(%u granules, %.0f combinations)",
                  det.size(), combinations, max_units_, max_combinations_);
    return unknown(buf);
  }

  // The part of granule i's candidate c in the meaning, and whether it agrees
  // with the start (S) and end (E) meanings under `used`.
  auto differs = [&](size_t i, size_t c, const Entry &used, bool &from_s, bool &from_e) {
    const Granule &g = s.granules[i];
    uint64_t part = (g.candidates[c].value << g.shift) & mask[i] & used[g.qword];
    from_s = part != (q.meaning_start[g.qword] & mask[i]);
    from_e = part != (q.meaning_end[g.qword] & mask[i]);
  };

  std::vector<size_t> &choice = scratch_.choice, &last = scratch_.last;
  choice.assign(n, 0);
  for (;;) {
    ++a.explored;
    Entry used = semantics_.used(q.kind, assemble(s, choice));
    // The dependence came from the IR; the compiled function must agree that
    // the other granules do not matter here, or the argument does not hold.
    last = choice;
    for (size_t i : rest) last[i] = s.granules[i].candidates.size() - 1;
    if (semantics_.used(q.kind, assemble(s, last)) != used)
      return unknown("the compiled get_used depends on bits its IR was found not to read");

    bool d_s = false, d_e = false;
    for (size_t i : det) {
      bool fs, fe;
      differs(i, choice[i], used, fs, fe);
      d_s |= fs;
      d_e |= fe;
    }
    // Per remaining granule, one candidate that differs from S, one from E.
    const size_t none = SIZE_MAX;
    size_t s_gran = none, s_cand = 0, s_gran2 = none, s_cand2 = 0;  // two distinct granules
    size_t e_gran = none, e_cand = 0, e_gran2 = none, e_cand2 = 0;
    bool found = d_s && d_e;
    for (size_t k = 0; k < rest.size() && !found; ++k) {
      size_t i = rest[k];
      bool has_s = false, has_e = false;
      for (size_t c = 0; c < s.granules[i].candidates.size(); ++c) {
        bool fs, fe;
        differs(i, c, used, fs, fe);
        if (fs && fe) {
          choice[i] = c;
          found = true;
          break;
        }
        if (fs && !has_s) {
          has_s = true;
          if (s_gran == none) s_gran = i, s_cand = c;
          else if (s_gran2 == none) s_gran2 = i, s_cand2 = c;
        }
        if (fe && !has_e) {
          has_e = true;
          if (e_gran == none) e_gran = i, e_cand = c;
          else if (e_gran2 == none) e_gran2 = i, e_cand2 = c;
        }
      }
    }
    if (!found) {
      if (d_s && e_gran != none) {
        choice[e_gran] = e_cand;
        found = true;
      } else if (d_e && s_gran != none) {
        choice[s_gran] = s_cand;
        found = true;
      } else if (!d_s && !d_e && s_gran != none && e_gran != none) {
        // Two different granules: one differs from S, the other from E.
        if (s_gran != e_gran) {
          choice[s_gran] = s_cand, choice[e_gran] = e_cand, found = true;
        } else if (e_gran2 != none) {
          choice[s_gran] = s_cand, choice[e_gran2] = e_cand2, found = true;
        } else if (s_gran2 != none) {
          choice[s_gran2] = s_cand2, choice[e_gran] = e_cand, found = true;
        }
      }
    }
    if (found) {
      a.outcome = Outcome::Violation;
      a.choice = choice;
      return a;
    }
    // Next choice of the determining granules' candidates.
    size_t k = 0;
    for (; k < det.size(); ++k) {
      if (++choice[det[k]] < s.granules[det[k]].candidates.size()) break;
      choice[det[k]] = 0;
    }
    if (k == det.size()) return a;
  }
}

}  // namespace smmu::checker
