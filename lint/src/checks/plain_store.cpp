#include "plain_store.h"

namespace smmu::lint {

using namespace clang;
using namespace clang::ast_matchers;

void PlainStoreCheck::register_matchers(MatchFinder &finder) {
  finder.addMatcher(binaryOperator(hasOperatorName("="), isExpansionInMainFile()).bind("store"),
                    this);
}

void PlainStoreCheck::run(const MatchFinder::MatchResult &result) {
  const auto *store = result.Nodes.getNodeAs<BinaryOperator>("store");
  auto live = context().live_word(store->getLHS(), store->getOperatorLoc());
  if (!live) return;
  Finding &f = report(store->getOperatorLoc(), store->getSourceRange(),
                      "plain store to live " + live->what +
                          " memory is not single-copy atomic: the compiler may split or merge "
                          "it while the SMMU fetches the descriptor; use WRITE_ONCE()");
  std::string lhs = context().text(store->getLHS()->getSourceRange());
  std::string rhs = context().text(store->getRHS()->getSourceRange());
  // WRITE_ONCE is a statement: only a store spelled in the file whose value is unused
  // can become one.
  if (!store->getOperatorLoc().isMacroID() && !lhs.empty() && !rhs.empty() &&
      context().is_statement(store))
    context().fixit(f, store->getSourceRange(), "WRITE_ONCE(" + lhs + ", " + rhs + ")");
  context().explain(f, *live);
}

}  // namespace smmu::lint
