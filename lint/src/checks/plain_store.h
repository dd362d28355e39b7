// smmu-descriptor-plain-store: `word = value` into live descriptor memory.
#pragma once

#include "check.h"

namespace smmu::lint {

class PlainStoreCheck : public Check {
 public:
  using Check::Check;
  void register_matchers(clang::ast_matchers::MatchFinder &finder) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;
};

}  // namespace smmu::lint
