#include "bulk_write.h"

namespace smmu::lint {

using namespace clang;
using namespace clang::ast_matchers;

void BulkWriteCheck::register_matchers(MatchFinder &finder) {
  finder.addMatcher(
      callExpr(isExpansionInMainFile(),
               callee(functionDecl(hasAnyName("memset", "memcpy", "memmove", "__builtin_memset",
                                              "__builtin_memcpy", "__builtin_memmove"))))
          .bind("call"),
      this);
}

void BulkWriteCheck::run(const MatchFinder::MatchResult &result) {
  const auto *call = result.Nodes.getNodeAs<CallExpr>("call");
  if (call->getNumArgs() < 1) return;
  Provenance dst = context().memory().pointer(call->getArg(0));
  if (dst.memory != Memory::Live) return;
  // Name it as written: the shim maps memset to __builtin_memset.
  std::string name = call->getDirectCallee()->getName().str();
  for (const auto &m : context().memory().macro_chain(call->getCallee()->getExprLoc()))
    if (m == "memset" || m == "memcpy" || m == "memmove") name = m;
  Finding &f = report(call->getBeginLoc(), call->getSourceRange(),
                      name + "() over live " + dst.what +
                          " memory writes it with plain stores of no defined size or order; "
                          "build the descriptor elsewhere and publish each 64-bit word with "
                          "WRITE_ONCE() in an order the SMMU tolerates");
  context().explain(f, dst);
}

}  // namespace smmu::lint
