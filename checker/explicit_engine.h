// Enumerates every observation of an epoch and decodes each with the kernel's
// compiled get_used. Granule candidates are distinct values, so no two
// observations are the same entry.
#pragma once

#include <set>

#include "engine.h"

namespace smmu::checker {

class ExplicitEngine : public Engine {
 public:
  // Epochs with more observations than `bound` are left `unknown`.
  ExplicitEngine(const EntrySemantics &semantics, double bound = 1 << 22)
      : semantics_(semantics), bound_(bound) {}
  const char *name() const override { return "explicit"; }
  EpochAnswer decide(const EpochQuery &q) override;
  uint64_t unique_outcomes() const override { return meanings_.size(); }

 private:
  const EntrySemantics &semantics_;
  double bound_;
  std::set<Entry> meanings_;
};

}  // namespace smmu::checker
