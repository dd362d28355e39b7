// Which single-parameter changes the tree's writer makes safely: for every
// make function of the image (entry_image.h) and every parameter it reads,
// whether a pair of its entries that differ only in that parameter can let a
// fetch the model allows see a wrong entry (writer_proof.h's properties). If
// so, the fewest bytes of the parameter that must differ (fewer is proved
// safe) and a minimal example: e.g. under cacheable-byte with cleans, which
// fields tear and from how many changed bytes on. With `pairs`, also every
// pair of parameters each safe alone: a row when they are not safe together
// (7.3's ATS changed with another field).
#pragma once

#include <z3++.h>

#include <string>
#include <vector>

#include "writer_proof.h"

namespace smmu::checker {

struct ChangeCondition {
  std::string maker, parameter;  // the make function, and where the parameter is read ("A + B": a pair)
  int bytes = 0;                 // the parameters' width, in bytes (each rounded up)
  ProofOutcome outcome = ProofOutcome::Unknown;  // Proved: changing only it is safe
  int min_bytes = 0;             // Counterexample: fewest differing bytes a fetch can see wrong
  std::string reason;            // Unknown: why; Counterexample: the bound's status if not proved minimal
  Qwords current, target;        // Counterexample: a pair with min_bytes differing bytes
  uint64_t from = 0, to = 0;     // and the (first) parameter's values in it
  std::string seen;              // Counterexample: the violation's kind in the native replay
};

struct ChangeConditions {
  std::vector<ChangeCondition> rows;
  std::string unknown;  // non-empty: nothing was asked, and why
  size_t safe_pairs = 0;  // pairs asked (each parameter safe alone) that are safe together
  size_t queries = 0;
  double seconds = 0;
};

ChangeConditions change_conditions(const IrModule &module, z3::context &ctx, const SymbolicWrite &write,
                                   const std::string &used_function, const std::string &entry_struct,
                                   const models::Model &model, const ProofOptions &options, bool pairs = false,
                                   const std::string &only_maker = "");

}  // namespace smmu::checker
