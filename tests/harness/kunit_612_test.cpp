// The tree's own arm-smmu-v3-test.c (Linux 6.12), unmodified, under the KUnit
// shim: every case passes, and the recorder sees the same syncs and hitless
// behaviour that the kernel's own expectations assert.
#include <gtest/gtest.h>

#include "kernel_fixture.h"

using namespace smmu::harness;
using smmu::testing::entry_set_line;
using smmu::testing::kernel;
using smmu::testing::run_case;
using smmu::testing::write_entry_barrier_line;

namespace {

struct KunitCase {
  const char *name;
  int updates;         // † cases run both directions
  int syncs_per_update;
  bool hitless;
};

// One line per case: expected syncs next to the case, as in the KUnit file.
const KunitCase kCases[] = {
    {"arm_smmu_v3_write_ste_test_bypass_to_abort", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_abort_to_bypass", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_cdtable_to_abort", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_abort_to_cdtable", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_cdtable_to_bypass", 1, 3, true},
    {"arm_smmu_v3_write_ste_test_bypass_to_cdtable", 1, 3, true},
    {"arm_smmu_v3_write_ste_test_cdtable_s1dss_change", 2, 1, true},
    {"arm_smmu_v3_write_ste_test_s1dssbypass_to_stebypass", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_stebypass_to_s1dssbypass", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_s2_to_abort", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_abort_to_s2", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_s2_to_bypass", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_bypass_to_s2", 1, 2, true},
    {"arm_smmu_v3_write_ste_test_s1_to_s2", 1, 3, true},
    {"arm_smmu_v3_write_ste_test_s2_to_s1", 1, 3, true},
    {"arm_smmu_v3_write_ste_test_non_hitless", 1, 3, false},
    {"arm_smmu_v3_write_cd_test_s1_clear", 2, 2, false},
    {"arm_smmu_v3_write_cd_test_s1_change_asid", 2, 1, true},
    {"arm_smmu_v3_write_ste_test_s1_to_s2_stall", 1, 3, true},
    {"arm_smmu_v3_write_ste_test_s2_to_s1_stall", 1, 3, true},
    {"arm_smmu_v3_write_cd_test_sva_clear", 2, 2, false},
    {"arm_smmu_v3_write_cd_test_sva_release", 2, 2, true},
};

// Replays the recorded stores: true if at some sync the entry's qword 0 was
// zero (the KUnit test's own definition of "not hitless").
bool invalid_entry_at_a_sync(const Trace &t) {
  std::vector<uint64_t> entry;
  int desc = -1;
  for (const Event &e : t.events) {
    if (e.kind == EventKind::UpdateBegin) {
      entry = e.before;
      desc = e.desc;
    } else if (e.kind == EventKind::Store && e.desc == desc && e.size == 8) {
      entry[e.offset / 8] = e.value;
    } else if (e.kind == EventKind::UpdateSync && entry[0] == 0) {
      return true;
    }
  }
  return false;
}

class Kunit612 : public ::testing::TestWithParam<KunitCase> {};

}  // namespace

TEST(Kunit612Suite, HasTheTwentyTwoCasesOfTheTree) {
  EXPECT_EQ(kernel("6.12").kunit_cases().size(), std::size(kCases));
  for (const auto &c : kernel("6.12").kunit_cases()) EXPECT_EQ(c.suite, "arm-smmu-v3-kunit-test");
}

TEST_P(Kunit612, PassesWithTheKernelsExpectedSyncsAndHitlessness) {
  const KunitCase &c = GetParam();
  RunResult r = run_case("6.12", c.name);
  EXPECT_EQ(r.status, RunStatus::Pass);
  EXPECT_TRUE(r.trace.kunit_failures.empty());
  EXPECT_EQ(r.trace.count(EventKind::UpdateBegin), static_cast<size_t>(c.updates));
  EXPECT_EQ(r.trace.count(EventKind::UpdateSync), static_cast<size_t>(c.updates * c.syncs_per_update));
  EXPECT_EQ(invalid_entry_at_a_sync(r.trace), !c.hitless);
}

TEST_P(Kunit612, EveryEntryStoreIsAWriteOnceFromEntrySetAfterTheDmaWmb) {
  RunResult r = run_case("6.12", GetParam().name);
  const int barrier = write_entry_barrier_line("6.12"), entry_set = entry_set_line("6.12");
  bool barrier_seen = false;
  size_t stores = 0;
  for (const Event &e : r.trace.events) {
    if (e.kind == EventKind::Barrier) {
      EXPECT_EQ(e.barrier, BarrierKind::DmaWmb);
      EXPECT_EQ(e.loc.file, "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c");
      EXPECT_EQ(e.loc.line, barrier);
      barrier_seen = true;
    }
    if (e.kind == EventKind::Store) {
      ++stores;
      EXPECT_TRUE(barrier_seen) << "store before the writer's dma_wmb()";
      EXPECT_EQ(e.store, StoreKind::Once);
      EXPECT_EQ(e.size, 8u);
      EXPECT_EQ(e.loc.line, entry_set);
    }
  }
  EXPECT_GT(stores, 0u);
}

TEST_P(Kunit612, FinalEntryEqualsTheTarget) {
  RunResult r = run_case("6.12", GetParam().name);
  std::vector<uint64_t> entry, target;
  for (const Event &e : r.trace.events) {
    if (e.kind == EventKind::UpdateBegin) {
      entry = e.before;
      target = e.after;
    } else if (e.kind == EventKind::Store) {
      entry[e.offset / 8] = e.value;
    } else if (e.kind == EventKind::UpdateEnd) {
      EXPECT_EQ(entry, target);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCases, Kunit612, ::testing::ValuesIn(kCases),
                         [](const auto &info) { return std::string(info.param.name).substr(20); });

TEST(Kunit612Cli, PrintsKtapAndTheTotals) {
  auto r = smmu::testing::run_cli({"kunit", "--debian", "6.12", "--quiet"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("# Subtest: arm-smmu-v3-kunit-test\n    1..22\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    ok 16 arm_smmu_v3_write_ste_test_non_hitless\n"), std::string::npos);
  EXPECT_NE(r.out.find("# Totals: pass:22 fail:0 skip:0 total:22"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kunit: 22 passed, 0 failed\n"), std::string::npos) << r.out;
}

TEST(Kunit612Cli, TraceShowsStoresBarriersAndSyncsWithKernelLines) {
  auto r = smmu::testing::run_cli(
      {"trace", "--debian", "6.12", "--quiet", "arm_smmu_v3_write_ste_test_bypass_to_abort"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("barrier dma_wmb (DMB OSHST)"), std::string::npos) << r.out;
  const std::string driver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:";
  EXPECT_NE(r.out.find(driver + std::to_string(write_entry_barrier_line("6.12"))), std::string::npos);
  EXPECT_NE(r.out.find("store WRITE_ONCE ste0.q0 = "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(driver + std::to_string(entry_set_line("6.12"))), std::string::npos);
  EXPECT_NE(r.out.find("sync (writer ops->sync)"), std::string::npos);
}
