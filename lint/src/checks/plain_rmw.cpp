#include "plain_rmw.h"

namespace smmu::lint {

using namespace clang;
using namespace clang::ast_matchers;

namespace {

// An operand that needs parentheses on the right of a binary operator.
bool needs_parens(const Expr *e) {
  e = e->IgnoreImpCasts();
  return isa<BinaryOperator>(e) || isa<AbstractConditionalOperator>(e);
}

}  // namespace

void PlainRmwCheck::register_matchers(MatchFinder &finder) {
  finder.addMatcher(
      binaryOperator(isAssignmentOperator(), unless(hasOperatorName("=")), isExpansionInMainFile())
          .bind("rmw"),
      this);
}

void PlainRmwCheck::run(const MatchFinder::MatchResult &result) {
  const auto *rmw = result.Nodes.getNodeAs<CompoundAssignOperator>("rmw");
  if (!rmw) return;
  auto live = context().live_word(rmw->getLHS(), rmw->getOperatorLoc());
  if (!live) return;
  std::string op = rmw->getOpcodeStr().str();
  Finding &f = report(rmw->getOperatorLoc(), rmw->getSourceRange(),
                      "plain read-modify-write ('" + op + "') of live " + live->what +
                          " memory is not single-copy atomic: the compiler may split or merge "
                          "the store while the SMMU fetches the descriptor; use WRITE_ONCE()");
  std::string lhs = context().text(rmw->getLHS()->getSourceRange());
  std::string rhs = context().text(rmw->getRHS()->getSourceRange());
  // `lhs` appears twice in the replacement: not when evaluating it has side effects.
  if (!rmw->getOperatorLoc().isMacroID() && !lhs.empty() && !rhs.empty() &&
      context().is_statement(rmw) && !rmw->getLHS()->HasSideEffects(context().ast())) {
    std::string binop =
        BinaryOperator::getOpcodeStr(BinaryOperator::getOpForCompoundAssignment(rmw->getOpcode()))
            .str();
    if (needs_parens(rmw->getRHS())) rhs = "(" + rhs + ")";
    context().fixit(f, rmw->getSourceRange(),
                    "WRITE_ONCE(" + lhs + ", " + lhs + " " + binop + " " + rhs + ")");
  }
  context().explain(f, *live);
}

}  // namespace smmu::lint
