// lint's requests and results as JSON: how lint hands kernel files to the
// Clang tool process (smmu-clang) and reads back what its checks found.
#pragma once

#include <llvm/Support/JSON.h>

#include <vector>

#include "lint.h"

namespace smmu::lint {

// What the Clang tool lints: the files' parse requests and the checks' filter.
struct LintJob {
  std::vector<harness::SliceRequest> requests;
  std::string checks;  // a CheckFilter's spec
};

llvm::json::Value to_json(const LintJob &job);
bool fromJSON(const llvm::json::Value &v, LintJob &job, llvm::json::Path p);
llvm::json::Value to_json(const LintResult &r);
bool fromJSON(const llvm::json::Value &v, LintResult &r, llvm::json::Path p);
llvm::json::Value to_json(const std::vector<CheckInfo> &checks);
bool fromJSON(const llvm::json::Value &v, CheckInfo &c, llvm::json::Path p);

}  // namespace smmu::lint
