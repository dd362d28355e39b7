// The default engine: each epoch goes to a chain of engines in order and the
// first that decides it (pass or violation) answers. Every engine is exact
// where it decides, so the chain is too; it is unknown only where every engine
// declines, with each one's reason.
#pragma once

#include <string>
#include <vector>

#include "engine.h"

namespace smmu::checker {

class FirstDecidingEngine : public Engine {
 public:
  explicit FirstDecidingEngine(std::vector<Engine *> chain);
  // The engines that have decided an epoch so far, joined by '/': which ones
  // a verdict needed.
  const char *name() const override { return name_.c_str(); }
  EpochAnswer decide(const EpochQuery &q) override;
  uint64_t unique_outcomes() const override;

 private:
  std::vector<Engine *> chain_;
  std::vector<bool> decided_;
  std::string name_;
};

}  // namespace smmu::checker
