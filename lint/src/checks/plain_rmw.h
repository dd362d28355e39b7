// smmu-descriptor-plain-rmw: `word |= value` (any compound assignment) on live
// descriptor memory: a plain load and a plain store.
#pragma once

#include "check.h"

namespace smmu::lint {

class PlainRmwCheck : public Check {
 public:
  using Check::Check;
  void register_matchers(clang::ast_matchers::MatchFinder &finder) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;
};

}  // namespace smmu::lint
