// Which single (and paired) parameter changes of the make functions the
// writer makes safely (checker/change_conditions.h), on the real trees: 6.12's
// STE and CD writers under coherent are safe for every parameter alone; 7.3's
// STE writer is safe for each parameter of the S2 domain STE alone, but not
// for ats_enabled changed together with another one (its update-safe EATS
// step, the known finding of cases/expect-7.3.txt), each example replayed.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "kernel_fixture.h"
#include "model_registry.h"
#include "writer_prover_fixture.h"

using namespace smmu;
using checker::ProofOutcome;
using harness::DescKind;

namespace {

checker::ChangeConditions conditions(const harness::KernelRunner &k, DescKind kind, const std::string &model,
                                     bool pairs, const std::string &maker = "") {
  checker::ChangeConditions c =
      smmu::testing::writer_prover(k).conditions(kind, models::resolve_model(model), {}, pairs, maker);
  std::cout << "[conditions] " << k.tree().origin << " " << checker::entry_name(kind) << " " << model << ": "
            << c.rows.size() << " rows, " << c.safe_pairs << " safe pairs, " << c.queries << " queries, " << c.seconds
            << " s" << (c.unknown.empty() ? "" : "; " + c.unknown) << "\n";
  for (const auto &r : c.rows)
    std::cout << "  " << r.maker << " " << r.parameter << ": " << to_string(r.outcome) << " " << r.min_bytes << " "
              << r.seen << " " << r.reason << "\n";
  return c;
}

}  // namespace

TEST(ChangeConditions, Tree612CdParametersAreEachSafeUnderCoherent) {
  checker::ChangeConditions c = conditions(smmu::testing::kernel("6.12"), DescKind::Cd, "coherent", false);
  ASSERT_TRUE(c.unknown.empty()) << c.unknown;
  ASSERT_GE(c.rows.size(), 5u) << "ASID, TTB0, MAIR, TCR, stall, quirks";
  for (const auto &r : c.rows) EXPECT_EQ(r.outcome, ProofOutcome::Proved) << r.parameter << ": " << r.reason;
}

TEST(ChangeConditions, Tree73AtsChangedWithAnotherS2ParameterIsSeenMisordered) {
  TREE_OR_SKIP(root, "7.3");
  checker::ChangeConditions c = conditions(smmu::testing::kernel_at(root), DescKind::Ste, "coherent", true,
                                           "arm_smmu_make_s2_domain_ste");
  ASSERT_TRUE(c.unknown.empty()) << c.unknown;
  size_t singles = 0, with_ats = 0;
  for (const auto &r : c.rows) {
    const bool pair = r.parameter.find(" + ") != std::string::npos;
    if (!pair) {
      ++singles;
      EXPECT_EQ(r.outcome, ProofOutcome::Proved) << r.parameter << ": " << r.reason;
      continue;
    }
    // Every pair that is not safe together changes ATS; its example replays natively.
    EXPECT_NE(r.parameter.find("ats_enabled"), std::string::npos) << r.parameter;
    if (r.outcome == ProofOutcome::Unknown) continue;  // a solver timeout is allowed, never a pass
    EXPECT_EQ(r.outcome, ProofOutcome::Counterexample) << r.parameter;
    EXPECT_EQ(r.seen, "misordered") << r.parameter;
    with_ats += r.outcome == ProofOutcome::Counterexample;
  }
  EXPECT_GE(singles, 5u);
  EXPECT_GE(with_ats, 2u) << "VMID, VTCR, S2TTB with ATS";
  EXPECT_GE(c.safe_pairs, 1u);
}

// A make function the image does not have is refused, named.
TEST(ChangeConditions, UnknownMakerIsRefused) {
  checker::ChangeConditions c =
      conditions(smmu::testing::kernel("6.12"), DescKind::Cd, "coherent", false, "arm_smmu_make_s2_domain_ste");
  EXPECT_NE(c.unknown.find("no make function named arm_smmu_make_s2_domain_ste"), std::string::npos) << c.unknown;
}

// Under cacheable-byte with a clean at each sync, 6.12's CD: which
// parameters of arm_smmu_make_s1_cd tear when changed alone, and from how
// many changed bytes: the conditions that predict the sweep's CD pairs
// (docs/prove.md, "Exactly which changes tear").
TEST(ChangeConditions, Tree612CdUnderCacheableByteTearsFromTwoBytesOfTheAsid) {
  const auto &k = smmu::testing::kernel("6.12");
  checker::WriterProver &prover = smmu::testing::writer_prover(k);
  checker::ProofOptions options;
  options.clean_at_sync = true;
  checker::ChangeConditions c = prover.conditions(DescKind::Cd, models::resolve_model("cacheable-byte"), options);
  ASSERT_TRUE(c.unknown.empty()) << c.unknown;
  std::map<std::string, const checker::ChangeCondition *> by;
  for (const auto &r : c.rows) {
    by[r.parameter] = &r;
    std::cout << "  " << r.parameter << ": " << to_string(r.outcome) << " from " << r.min_bytes << " " << r.seen << "\n";
    if (r.outcome == ProofOutcome::Counterexample) EXPECT_EQ(r.seen, "torn") << r.parameter;
  }
  auto find = [&](const std::string &part) -> const checker::ChangeCondition * {
    for (const auto &[name, r] : by)
      if (name.find(part) != std::string::npos) return r;
    return nullptr;
  };
  const checker::ChangeCondition *asid = find("asid"), *stall = find("stall_enabled"), *ttb = find("s1_cfg.ttbr");
  ASSERT_TRUE(asid && stall && ttb);
  EXPECT_EQ(stall->outcome, ProofOutcome::Proved);
  EXPECT_EQ(asid->outcome, ProofOutcome::Counterexample);
  EXPECT_EQ(asid->min_bytes, 2) << "one changed byte of the ASID is written whole";
  EXPECT_EQ(ttb->outcome, ProofOutcome::Counterexample);
  EXPECT_EQ(ttb->min_bytes, 2);
}
