#include "first_deciding_engine.h"

namespace smmu::checker {

FirstDecidingEngine::FirstDecidingEngine(std::vector<Engine *> chain)
    : chain_(std::move(chain)), decided_(chain_.size(), false), name_(chain_.front()->name()) {}

EpochAnswer FirstDecidingEngine::decide(const EpochQuery &q) {
  EpochAnswer declined;
  declined.outcome = Outcome::Unknown;
  for (size_t i = 0; i < chain_.size(); ++i) {
    EpochAnswer a = chain_[i]->decide(q);
    a.explored += declined.explored;
    if (a.outcome != Outcome::Unknown) {
      if (!decided_[i]) {
        decided_[i] = true;
        name_.clear();
        for (size_t k = 0; k < chain_.size(); ++k)
          if (decided_[k]) name_ += (name_.empty() ? "" : "/") + std::string(chain_[k]->name());
      }
      return a;
    }
    declined.explored = a.explored;
    declined.reason += (declined.reason.empty() ? "" : "; ") + a.reason;
  }
  return declined;
}

uint64_t FirstDecidingEngine::unique_outcomes() const {
  uint64_t n = 0;
  for (const Engine *e : chain_) n += e->unique_outcomes();
  return n;
}

}  // namespace smmu::checker
