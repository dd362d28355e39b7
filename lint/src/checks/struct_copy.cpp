#include "struct_copy.h"

namespace smmu::lint {

using namespace clang;
using namespace clang::ast_matchers;

void StructCopyCheck::register_matchers(MatchFinder &finder) {
  finder.addMatcher(binaryOperator(hasOperatorName("="), isExpansionInMainFile()).bind("copy"),
                    this);
}

void StructCopyCheck::run(const MatchFinder::MatchResult &result) {
  const auto *copy = result.Nodes.getNodeAs<BinaryOperator>("copy");
  std::string type = context().memory().descriptor_struct(copy->getLHS()->getType());
  if (type.empty() || copy->getLHS()->getType().isVolatileQualified()) return;
  Provenance dst = context().memory().object(copy->getLHS());
  if (dst.memory != Memory::Live) return;
  Finding &f = report(copy->getOperatorLoc(), copy->getSourceRange(),
                      "struct copy onto live " + dst.what + " memory (struct " + type +
                          ") writes it with plain stores of no defined size or order; publish "
                          "each 64-bit word with WRITE_ONCE() in an order the SMMU tolerates");
  context().explain(f, dst);
}

}  // namespace smmu::lint
