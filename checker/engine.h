// What an engine decides: for one epoch of one update, can some observation
// the model allows mean neither the epoch's start nor its end?
#pragma once

#include <memory>
#include <string>

#include "entry_semantics.h"
#include "observation_space.h"
#include "verdict.h"

namespace smmu::checker {

struct EpochQuery {
  harness::DescKind kind = harness::DescKind::Ste;
  const EpochSpace *space = nullptr;
  Entry meaning_start{}, meaning_end{};
};

struct EpochAnswer {
  Outcome outcome = Outcome::Pass;
  std::vector<size_t> choice;     // violation: candidate index per granule
  std::string reason;             // unknown: why
  uint64_t explored = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char *name() const = 0;
  virtual EpochAnswer decide(const EpochQuery &q) = 0;
  // Distinct meanings seen so far, when the engine enumerates them.
  virtual uint64_t unique_outcomes() const { return 0; }
};

}  // namespace smmu::checker
