// The exploration loop: generate a sequence per index of the seed space,
// check it, and shrink the first sequence of each new finding to a minimal
// one. State (what was found), scheduling (which indices, how long) and
// checking (SequenceChecker) are kept apart; the loop itself is explore().
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "generator.h"
#include "sequence_check.h"

namespace smmu::explore {

// Which indices of the seed space this run takes, and for how long.
struct Schedule {
  uint64_t seed = 1;
  uint64_t shard = 0, shards = 1;    // indices i with i % shards == shard
  uint64_t max_sequences = 200;      // 0: no limit (then max_seconds must be set)
  double max_seconds = 0;            // 0: no limit
  // The index-th sequence of the seed space, for this schedule's n-th step.
  uint64_t index_of(uint64_t n) const { return n * shards + shard; }
};

// A finding documented as known for a tree: its signature's kind and file,
// the text of the kernel line it points at (so a point release that moves
// the line keeps it known), text its signature contains, and the reason.
struct KnownFinding {
  std::string kind, file, line_text, detail, reason;
};

struct ExploredFinding {
  Finding finding;           // as found by the shrunk sequence
  uint64_t sequences = 0;    // how many checked sequences had it
  uint64_t first_index = 0;  // the seed-space index of the first
  uint64_t shrink_steps = 0;
  std::string shrunk;        // the shrunk sequence, in the text form --replay reads
  std::string models;        // every model it was found under, comma-separated
  std::optional<std::string> known;  // the documented reason, if it is a known finding
};

struct ExploreTotals {
  uint64_t sequences = 0, ops = 0, walks = 0, unknown_sequences = 0;
  // STE/CD updates and pointer publications judged, summed over the models.
  uint64_t entry_updates = 0, publications = 0;
  // With new_coverage set: sequences whose run executed new kernel code, and
  // the 1-based count of sequences checked when that last happened (how long
  // generation took to saturate the coverage). Steering: sequences drawn as
  // the prefix of one that grew coverage followed by fresh steps.
  uint64_t grew_coverage = 0, last_gain = 0, extended = 0;
  PathCounts paths;
  double seconds = 0;
  ExploreTotals &operator+=(const ExploreTotals &o);
};

struct ExploreResult {
  Schedule schedule;
  ExploreTotals totals;
  std::vector<ExploredFinding> findings;  // in the order they were found
  std::vector<std::string> unknowns;      // the first few reasons
  bool new_findings() const;
};

struct Explorer {
  Explorer(const SequenceChecker &c, GeneratorLimits l) : checker(c), limits(std::move(l)) {}
  const SequenceChecker &checker;
  GeneratorLimits limits;
  std::vector<KnownFinding> known;
  // The text of a kernel file:line, for matching known findings; may be empty.
  std::function<std::string(const std::string &file, int line)> line_text;
  std::function<void(const std::string &)> progress;  // one line now and then; may be empty
  uint64_t max_shrink_checks = 400;
  // Sequences (and shrink candidates) run in one child process at a time, without coverage.
  static constexpr uint64_t kBatch = 32;
  // When set, it says after each run whether the runs since its previous
  // call executed kernel lines or branch sides no earlier run had
  // (CoverageGain): totals count such sequences.
  std::function<bool()> new_coverage;
  // Coverage steering (explore --steer, needs new_coverage): sequences that
  // executed new code are kept, and half of the later ones extend a kept
  // sequence's prefix with fresh steps, so states that took several steps to
  // reach are explored further. Deterministic per seed and shard; each shard
  // steers on its own.
  bool steer = false;

  ExploreResult explore(const Schedule &schedule) const;
  // The index-th sequence of the seed space, before shrinking.
  Sequence sequence_at(uint64_t seed, uint64_t index) const;
  Concrete concrete(const Draft &d) const;

 private:
  mutable std::map<std::string, harness::SequenceGeometry> geometry_;
  // The index-th draw: fresh, or (steering) an extension of a kept draft.
  rc::Shrinkable<Draft> draw(const rc::Gen<Draft> &gen, uint64_t seed, uint64_t index,
                             const std::vector<Draft> &kept, bool *extended) const;
  const harness::SequenceGeometry &geometry(const kshim_explore_config &c) const;
};

}  // namespace smmu::explore
