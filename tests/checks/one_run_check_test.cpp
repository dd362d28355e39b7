// check_one_run: the check `explain` draws, the same as kunit's and pt's.
#include "one_run_check.h"

#include <gtest/gtest.h>

#include "check_run.h"
#include "kernel_fixture.h"
#include "kernel_semantics.h"
#include "model_registry.h"

using namespace smmu;

namespace {

const harness::KernelRunner &k612() { return smmu::testing::kernel("6.12"); }

}  // namespace

TEST(OneRunCheck, AnSteUpdateGetsTheVerdictKunitGives) {
  harness::RunResult run = smmu::testing::run_case("6.12", "arm_smmu_v3_write_ste_test_s1_to_s2");
  models::Model model = models::resolve_model("cacheable-byte");
  checks::OneRunVerdict v = checks::check_one_run(run, k612(), model, "s1_to_s2", {});
  ASSERT_TRUE(v.entry.has_value());
  EXPECT_FALSE(v.walk.has_value());
  std::vector<checks::CheckRow> rows = checks::check_runs(
      {run}, {model}, checks::kernel_semantics(k612(), false), checker::EngineChoice::Explicit, {});
  EXPECT_EQ(v.outcome, rows.at(0).verdict.outcome);
  EXPECT_EQ(v.entry->kind, rows.at(0).verdict.kind);
  EXPECT_EQ(v.outcome, checker::Outcome::Violation);  // a byte-torn S1 -> S2 switch
}

TEST(OneRunCheck, AWalkRunIsCheckedByTheWalkerAndHeard) {
  harness::RunResult run = smmu::testing::run_case("6.12", "pt_split_block_4k");
  int heard = 0;
  checks::OneRunOptions options;
  options.heartbeat_for = [&](const std::string &what) {
    EXPECT_EQ(what, "split under coherent");
    ++heard;
    return checker::Heartbeat();
  };
  checks::OneRunVerdict v = checks::check_one_run(run, k612(), models::resolve_model("coherent"), "split", options);
  ASSERT_TRUE(v.walk.has_value());
  EXPECT_FALSE(v.entry.has_value());
  EXPECT_EQ(heard, 1);
  EXPECT_EQ(v.outcome, checker::Outcome::Violation);  // the 2M block's walk survives the split's TLBI
  EXPECT_EQ(v.walk->kind, checker::ViolationKind::Stale);
}

TEST(OneRunCheck, ADeadRunIsUnknownWithNothingJudged) {
  harness::RunResult run = smmu::testing::run_case("6.12", "pt_split_block_4k");
  run.status = harness::RunStatus::Bug;
  run.died = "killed by signal 11 at drivers/iommu/io-pgtable-arm.c:1";
  run.trace = {};
  checks::OneRunVerdict v = checks::check_one_run(run, k612(), models::resolve_model("coherent"), "split", {});
  EXPECT_EQ(v.outcome, checker::Outcome::Unknown);
  EXPECT_FALSE(v.walk.has_value());
  EXPECT_FALSE(v.entry.has_value());
}

TEST(OneRunCheck, ARunWithNeitherAnUpdateNorAWalkIsBadInput) {
  harness::RunResult run = smmu::testing::run_case("6.12", "arm_smmu_v3_write_ste_test_s1_to_s2");
  run.trace = {};
  EXPECT_THROW(checks::check_one_run(run, k612(), models::resolve_model("coherent"), "empty", {}),
               harness::UserError);
}
