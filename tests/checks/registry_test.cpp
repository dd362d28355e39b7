// The check registry without a kernel: the families in table order, what
// --only accepts, and the plan of a tree whose slice could not be built.
#include <gtest/gtest.h>

#include "registry.h"

namespace c = smmu::checks;

TEST(CheckRegistry, FamiliesAreRegisteredOnceInTableOrder) {
  std::vector<std::string> names;
  for (const c::Family *f : c::families()) names.push_back(f->name());
  // sweep twice: the STE/CD pairs, then the level-1 publications (sweep/l1).
  EXPECT_EQ(names, (std::vector<std::string>{"kunit", "sweep", "writer", "sweep", "prove", "graph", "pt", "lint"}));
  EXPECT_EQ(c::family_names(), (std::vector<std::string>{"kunit", "sweep", "writer", "prove", "graph", "pt", "lint"}));
}

TEST(CheckRegistry, WithoutASliceEveryKernelRowIsUnsupportedAndLintRuns) {
  c::KernelChecks k;
  k.no_slice = "the tree does not define arm_smmu_make_abort_ste";
  std::vector<std::string> skipped;
  std::vector<c::PlannedCheck> plan = c::plan_checks(k, skipped);
  ASSERT_FALSE(plan.empty());
  EXPECT_TRUE(skipped.empty());
  for (size_t i = 0; i + 1 < plan.size(); ++i) {
    EXPECT_EQ(plan[i].unsupported, "the slice could not be built: " + k.no_slice) << plan[i].check;
    EXPECT_EQ(plan[i].runs, nullptr) << plan[i].check;
  }
  const c::PlannedCheck &lint = plan.back();
  EXPECT_EQ(lint.check, "lint");
  EXPECT_TRUE(lint.unsupported.empty());
  EXPECT_TRUE(lint.model_independent());

  // An unsupported row is one `unsupported` item per model; a lint row that
  // could not be checked one `unknown` item, under "any".
  smmu::models::Model m;
  m.name = "coherent";
  std::vector<smmu::models::Model> models{m, m};
  models[1].name = "nc";
  auto items = c::run_check(k, plan[0], 0, models);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].verdict, "unsupported");
  EXPECT_EQ(items[1].model, "nc");
  auto lost = c::unknown_items(lint, plan.size() - 1, models, "the worker died");
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].model, "any");
  EXPECT_EQ(lost[0].verdict, "unknown");
  for (const auto &p : plan) EXPECT_NE(p.family, "prove") << "off without --prove";
}

// The prove family is planned only with --prove; off, its rows are the ones
// an --expect line may name without being a typo.
TEST(CheckRegistry, ProveRowsOnlyWithProve) {
  c::KernelChecks k;
  k.no_slice = "the tree does not define arm_smmu_make_abort_ste";
  EXPECT_EQ(c::disabled_rows(k), (std::vector<std::string>{"prove/ste", "prove/cd"}));
  k.prove = true;
  EXPECT_TRUE(c::disabled_rows(k).empty());
  std::vector<std::string> skipped;
  std::vector<std::string> prove;
  for (const auto &p : c::plan_checks(k, skipped))
    if (p.family == "prove") {
      prove.push_back(p.check);
      EXPECT_EQ(p.unsupported, "the slice could not be built: " + k.no_slice);
    }
  EXPECT_EQ(prove, (std::vector<std::string>{"prove/ste", "prove/cd"}));
}
