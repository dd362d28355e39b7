// The proof query of issue #11: over every (current, target) pair of a stated
// input set, can the tree's writer (run symbolically, checker/symbolic_writer.h)
// let an SMMU fetch see, under a model, an entry that means neither its
// epoch's start nor its end (or, after the last sync, not the target)? The
// meaning is e & get_used(e), get_used executed from the tree's IR. unsat is
// a proof for the whole set; sat gives a concrete pair, minimised.
#pragma once

#include <z3++.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "debug_names.h"
#include "model.h"
#include "symbolic_writer.h"

namespace smmu::checker {

enum class ProofOutcome { Proved, Counterexample, Unknown };
const char *to_string(ProofOutcome o);

// The sets a proof can be over, stated in every report.
enum class ProofInputSet {
  // The image of the tree's make functions (entry_image.h): every pair of
  // entries the driver's make functions can produce, with any parameters.
  MakeImage,
  // Every pair in which neither entry sets a bit its get_used does not use and
  // no WARN of the writer fires: the writer's own sanity check, which holds
  // the image (and more) without running the make functions.
  UsedBits,
};
extern const char *const kUsedBitsInputSet;  // what UsedBits means, in words

struct ProofOptions {
  unsigned query_timeout_ms = 60000;     // per solver query; a timeout is `unknown`
  unsigned minimize_timeout_ms = 10000;  // per minimisation query; a timeout keeps the best so far
  bool minimize = true;
  unsigned jobs = 0;  // threads checking the queries; 0: one per hardware thread
  // A weaker property, for 7.x's STE writer: the bits the ops' get_update_safe
  // declares safe for the pair (and both entries use) are left out of the
  // meaning, so only the rest must mean the span's start or end.
  bool relax_update_safe = false;
  ProofInputSet over = ProofInputSet::MakeImage;
  // The tree's debug information, to name the make functions' parameters (null: by offsets).
  const harness::DebugNames *names = nullptr;
  // Cacheable models: each sync op is taken to complete a clean of the whole
  // entry to PoC first (what a driver keeping descriptors in cacheable memory
  // would add). Without it only the initial entry is at PoC for sure, and a
  // fetch may see any value since: stale.
  bool clean_at_sync = false;
  // Narrows every observation and publication query by a condition over the
  // pair and the fetch (current, target, fetched qwords): to ask where a model
  // can fail, e.g. which bytes tear. The result answers that question only,
  // never proves the writer.
  std::function<z3::expr(const std::vector<z3::expr> &current, const std::vector<z3::expr> &target,
                         const std::vector<z3::expr> &fetch)>
      narrow;
  std::function<void(const std::string &)> progress;  // one line per query, if set
};

struct ProofCounterexample {
  Qwords current, target;
  std::string property;       // "observation", "publication", "stable state" or "final entry"
  int epoch = -1;             // on the pair's path: 0 is the span before the first sync
  Qwords observed;            // observation, publication: the entry the fetch sees
  Qwords meaning_observed, meaning_start, meaning_end;
  std::vector<ConcreteStep> path;  // what the writer does on the pair (symbolic steps evaluated)
  // Over the make functions' image: which one makes each entry, with which parameters.
  std::string current_made_by, target_made_by;
  int differing_qwords = 0, differing_bits = 0;
};

struct ProofResult {
  ProofOutcome outcome = ProofOutcome::Unknown;
  std::string reason;  // unknown: why; counterexample: which property fails where
  std::optional<ProofCounterexample> counterexample;
  size_t steps = 0, syncs = 0, stores = 0;  // the symbolic writer's conditional steps
  size_t spans = 0;                         // (boundary, next boundary) pairs queried
  bool clean_at_sync = false;               // the result assumes each sync cleaned the entry (cacheable)
  size_t queries = 0;                       // solver queries checked (minimisation included)
  size_t max_query_nodes = 0;               // largest query, in distinct term nodes
  std::string relaxed_by;  // relax_update_safe: the get_update_safe applied ("": the ops have none)
  std::string input_set;   // the set the result is over, in words
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // the process's CPU time meanwhile (every solver thread)
};

// Decides the query for one writer under one model. `used_function` is the
// ops' get_used (arm_smmu_get_ste_used / _cd_used), run from `module`;
// `entry_struct` the entry's type in the IR (arm_smmu_ste / arm_smmu_cd), whose
// make functions give the input set over ProofInputSet::MakeImage.
// Models whose observations the query does not encode (128-bit or ascending
// fetches, doorbell=dsb) are `unknown`, named.
ProofResult prove_writer(const IrModule &module, z3::context &ctx, const SymbolicWrite &write,
                         const std::string &used_function, const std::string &entry_struct,
                         const models::Model &model,
                         const ProofOptions &options = {});

// The proof's properties failing somewhere, as one formula over the writer's
// current and target entries (and fresh fetch symbols): sat together with an
// input set iff a proof over that set has a counterexample. nullopt, with
// `unknown` saying why, for a model the query does not encode or IR the
// executor does not model.
std::optional<z3::expr> any_violation(const IrModule &module, z3::context &ctx, const SymbolicWrite &write,
                                      const std::string &used_function, const models::Model &model,
                                      const ProofOptions &options, std::string &unknown);

}  // namespace smmu::checker
