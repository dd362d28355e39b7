// Decides an epoch without enumerating its product: fix the candidates of the
// granules holding the bits get_used reads (the determining granules, from
// used_dependence.h); the used mask is then fixed, the meaning of an
// observation is a per-granule function, and every other granule contributes
// independently. Exact; cost linear in the (granule, candidate) pairs times
// the determining combinations. docs/checker.md, "The decomposition engine".
#pragma once

#include <functional>
#include <map>

#include "engine.h"
#include "used_dependence.h"

namespace smmu::checker {

class DecomposeEngine : public Engine {
 public:
  using Dependence = std::function<UsedDependence(harness::DescKind)>;
  // Bounds: at most `max_units` determining granules and at most
  // `max_combinations` choices of their candidates; beyond, `unknown`.
  // `dependence` defaults to the derivation from the tree's IR.
  explicit DecomposeEngine(const EntrySemantics &semantics, Dependence dependence = {},
                           unsigned max_units = 2, double max_combinations = 4096);
  const char *name() const override { return "decompose"; }
  EpochAnswer decide(const EpochQuery &q) override;

 private:
  const UsedDependence &dependence(harness::DescKind kind);

  const EntrySemantics &semantics_;
  Dependence dependence_fn_;
  unsigned max_units_;
  double max_combinations_;
  std::map<harness::DescKind, UsedDependence> dependence_;
  // decide()'s working vectors, kept to spare an allocation per epoch.
  struct {
    std::vector<uint64_t> mask;
    std::vector<size_t> det, rest, choice, last;
  } scratch_;
};

}  // namespace smmu::checker
