// The answer of a check: pass, violation (with a replayable witness) or
// unknown (with the reason), plus the figures reports print.
#pragma once

#include <string>
#include <vector>

#include "entry_update.h"

namespace smmu::checker {

enum class Outcome { Pass, Violation, Unknown };
enum class ViolationKind { None, Torn, Misordered, Stale };

const char *to_string(Outcome o);
const char *to_string(ViolationKind k);

// One granule of the observed entry: which value and where it came from.
struct ObservedPart {
  unsigned qword = 0, shift = 0, width = 64;
  uint64_t value = 0;
  int trace_index = -1;  // the store that wrote it; -1: the entry before the update
  bool stale = false;
  // One of a smallest set of parts that makes the violation on its own, the
  // other parts read from either stable state (witness_essential.h).
  bool essential = true;
};

struct Witness {
  size_t update = 0;             // which arm_smmu_write_entry call in the trace
  size_t epoch = 0;              // epochs are counted from 0; epoch N starts at sync N
  Entry observed{};
  std::vector<ObservedPart> parts;
  Entry meaning_observed{}, meaning_start{}, meaning_end{};
  Entry start{}, end{};          // the CPU's entry at the epoch's start and end
};

struct Verdict {
  Outcome outcome = Outcome::Pass;
  ViolationKind kind = ViolationKind::None;
  std::string reason;            // one line; for unknown, why
  Witness witness;               // meaningful for violations
  std::string engine;            // "explicit" or "z3"
  uint64_t explored = 0;         // observations evaluated (explicit) or queries (z3)
  uint64_t unique = 0;           // distinct meanings seen (explicit)
  int updates = 0, syncs = 0;
  bool hitless = true;           // no sync saw qword 0 == 0, as KUnit defines it
  double seconds = 0;
  std::vector<std::string> notes;  // assumptions that applied (e.g. abstract syncs)
};

}  // namespace smmu::checker
