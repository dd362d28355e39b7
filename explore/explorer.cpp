#include "explorer.h"

#include <algorithm>
#include <stdexcept>

#include "sequence.h"

namespace smmu::explore {

namespace {

uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

rc::Random random_at(uint64_t seed, uint64_t index) { return rc::Random(splitmix(seed ^ splitmix(index))); }

// Shrinks of an extended draft: remove steps (its config stays).
rc::Shrinkable<Draft> shrinkable_draft(Draft d) {
  return rc::shrinkable::shrinkRecur(std::move(d), [](const Draft &x) {
    return rc::seq::map(rc::shrink::removeChunks(x.choices),
                        [config = x.config](std::vector<Choice> v) { return Draft{config, std::move(v)}; });
  });
}

bool has(const SequenceVerdict &v, const std::string &signature) {
  return std::any_of(v.findings.begin(), v.findings.end(),
                     [&](const Finding &f) { return f.signature == signature; });
}


}  // namespace

ExploreTotals &ExploreTotals::operator+=(const ExploreTotals &o) {
  sequences += o.sequences;
  ops += o.ops;
  walks += o.walks;
  entry_updates += o.entry_updates;
  publications += o.publications;
  unknown_sequences += o.unknown_sequences;
  grew_coverage += o.grew_coverage;
  extended += o.extended;
  last_gain = std::max(last_gain, o.last_gain);
  paths += o.paths;
  seconds += o.seconds;
  return *this;
}

bool ExploreResult::new_findings() const {
  return std::any_of(findings.begin(), findings.end(), [](const ExploredFinding &f) { return !f.known; });
}

const harness::SequenceGeometry &Explorer::geometry(const kshim_explore_config &c) const {
  const std::string key = describe_config(c);
  auto it = geometry_.find(key);
  if (it != geometry_.end()) return it->second;
  auto g = checker.runner().geometry(c);
  if (!g) throw std::runtime_error("the tree's code could not set up a domain for " + key);
  return geometry_.emplace(key, *g).first->second;
}

Concrete Explorer::concrete(const Draft &d) const {
  const auto &g = geometry(d.config);
  return concretize(d, g.base, g.pgsizes, limits.allow_split);
}

Sequence Explorer::sequence_at(uint64_t seed, uint64_t index) const {
  return concrete(draft_generator(limits)(random_at(seed, index), 100).value()).sequence;
}

rc::Shrinkable<Draft> Explorer::draw(const rc::Gen<Draft> &gen, uint64_t seed, uint64_t index,
                                     const std::vector<Draft> &kept, bool *extended) const {
  *extended = false;
  rc::Shrinkable<Draft> fresh = gen(random_at(seed, index), 100);
  const uint64_t pick = splitmix(splitmix(seed ^ 0x57ee4) ^ index);
  if (kept.empty() || (pick & 1)) return fresh;
  const Draft &base = kept[(pick >> 1) % kept.size()];
  Draft d{base.config, {}};
  const size_t keep = 1 + (pick >> 32) % base.choices.size();
  d.choices.assign(base.choices.begin(), base.choices.begin() + static_cast<std::ptrdiff_t>(keep));
  for (const Choice &c : fresh.value().choices)
    if (d.choices.size() < static_cast<size_t>(2 * limits.max_ops)) d.choices.push_back(c);
  *extended = true;
  return shrinkable_draft(std::move(d));
}

ExploreResult Explorer::explore(const Schedule &schedule) const {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  const rc::Gen<Draft> gen = draft_generator(limits);
  ExploreResult r;
  r.schedule = schedule;
  std::map<std::string, size_t> by_signature;
  std::vector<Draft> kept;  // steering's corpus
  double last_progress = 0;

  // Sequences are run a batch at a time in one child process (a fork costs
  // more than a short sequence); with coverage read after each run (and
  // steering, whose next draw depends on it), one at a time.
  const uint64_t batch = new_coverage ? 1 : kBatch;
  struct Drawn {
    uint64_t index;
    rc::Shrinkable<Draft> drawn;
    bool extended;
    Concrete c;
  };
  std::vector<Drawn> ahead;  // drawn and run, not yet counted
  std::vector<SequenceVerdict> verdicts;
  for (uint64_t n = 0;; ++n) {
    if (schedule.max_sequences && n >= schedule.max_sequences) break;
    if (ahead.empty() && schedule.max_seconds > 0 && elapsed() >= schedule.max_seconds) break;
    if (ahead.empty()) {
      std::vector<Sequence> run;
      for (uint64_t k = n; k < n + batch && !(schedule.max_sequences && k >= schedule.max_sequences); ++k) {
        const uint64_t index = schedule.index_of(k);
        bool extended = false;
        rc::Shrinkable<Draft> drawn = draw(gen, schedule.seed, index, kept, &extended);
        Concrete c = concrete(drawn.value());
        run.push_back(c.sequence);
        ahead.push_back({index, std::move(drawn), extended, std::move(c)});
      }
      verdicts = checker.check_all(run);
      std::reverse(ahead.begin(), ahead.end());  // taken from the back, in order
      std::reverse(verdicts.begin(), verdicts.end());
    }
    const Drawn d = std::move(ahead.back());
    ahead.pop_back();
    const SequenceVerdict v = std::move(verdicts.back());
    verdicts.pop_back();
    const uint64_t index = d.index;
    const bool extended = d.extended;
    const rc::Shrinkable<Draft> &drawn = d.drawn;
    const Concrete &c = d.c;
    if (new_coverage && new_coverage()) {
      if (steer) kept.push_back(drawn.value());
      ++r.totals.grew_coverage;
      r.totals.last_gain = n + 1;
    }
    r.totals.extended += extended;
    ++r.totals.sequences;
    r.totals.ops += c.sequence.ops.size();
    r.totals.walks += v.walks;
    r.totals.entry_updates += v.entry_updates;
    r.totals.publications += v.publications;
    r.totals.paths += c.paths;
    if (!v.unknowns.empty()) {
      ++r.totals.unknown_sequences;
      if (r.unknowns.size() < 5) r.unknowns.push_back("sequence " + std::to_string(index) + ": " + v.unknowns[0]);
    }
    for (const Finding &f : v.findings) {
      if (auto it = by_signature.find(f.signature); it != by_signature.end()) {
        ExploredFinding &seen = r.findings[it->second];
        ++seen.sequences;
        if (!f.model.empty() && seen.models.find(f.model) == std::string::npos)
          seen.models += (seen.models.empty() ? "" : ",") + f.model;
        continue;
      }
      // A new root cause: shrink its sequence while the same signature stays.
      if (progress) progress("explore: sequence " + std::to_string(index) + ": " + f.signature + "; shrinking");
      ExploredFinding e;
      e.first_index = index;
      e.sequences = 1;
      e.models = f.model;
      rc::Shrinkable<Draft> current = drawn;
      Finding best = f;
      // The first smaller sequence with the same finding, in rapidcheck's
      // order. Candidates are run a batch at a time, as above, the batch
      // doubling while none has it (1, 2, 4, ...): an early candidate often
      // does, and the candidates after it are run for nothing.
      for (bool smaller = true; smaller && e.shrink_steps < max_shrink_checks;) {
        smaller = false;
        auto shrinks = current.shrinks();
        uint64_t want = 1;
        for (bool more = true; more && !smaller; want = std::min(2 * want, batch)) {
          std::vector<rc::Shrinkable<Draft>> candidates;
          std::vector<Sequence> run;
          while (candidates.size() < want && e.shrink_steps + candidates.size() < max_shrink_checks) {
            auto next = shrinks.next();
            if (!next) break;
            run.push_back(concrete(next->value()).sequence);
            candidates.push_back(std::move(*next));
          }
          more = candidates.size() == want;
          const std::vector<SequenceVerdict> cvs = checker.check_all(run);
          for (size_t i = 0; i < cvs.size() && !smaller; ++i) {
            ++e.shrink_steps;
            if (!has(cvs[i], f.signature)) continue;
            current = candidates[i];
            for (const Finding &cf : cvs[i].findings)
              if (cf.signature == f.signature) best = cf;
            smaller = true;
          }
        }
      }
      e.finding = best;
      e.shrunk = to_text(concrete(current.value()).sequence);
      if (new_coverage) new_coverage();  // what shrinking ran does not count for the next sequence
      for (const KnownFinding &k : known) {
        const auto colon = f.location.rfind(':');
        if (k.kind != f.kind || colon == std::string::npos || f.location.substr(0, colon) != k.file) continue;
        const std::string text = line_text ? line_text(k.file, std::stoi(f.location.substr(colon + 1))) : "";
        if (!text.empty() && text.find(k.line_text) != std::string::npos &&
            f.signature.find(k.detail) != std::string::npos)
          e.known = k.reason;
      }
      by_signature[f.signature] = r.findings.size();
      r.findings.push_back(std::move(e));
    }
    if (progress && elapsed() - last_progress >= 10) {
      last_progress = elapsed();
      progress("explore: " + std::to_string(r.totals.sequences) + " sequences, " +
               std::to_string(r.findings.size()) + " findings, " + std::to_string(int(elapsed())) + " s");
    }
  }
  r.totals.seconds = elapsed();
  return r;
}

}  // namespace smmu::explore
