// The tree's own arm-smmu-v3-test.c of Linux 7.3 (and 7.2, the same file),
// unmodified, under the KUnit shim: the 25 cases pass with the kernel's own
// verdicts, and the recorder sees the syncs and hitlessness they assert.
// Skipped when no such tree is available (see optional_tree()).
#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

#include "kernel_fixture.h"

using namespace smmu::harness;
using smmu::testing::kernel_at;
using smmu::testing::optional_tree;
using smmu::testing::run_case_at;

namespace {

const char *kDriver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";

struct KunitCase {
  const char *name;
  int updates;  // cases that write both directions have 2
  int syncs_per_update;
  bool hitless;
};

// One line per case, as the KUnit file asserts them (NUM_EXPECTED_SYNCS).
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
    // New in 7.x: EATS and MEV are update-safe, one extra sync clears them.
    {"arm_smmu_v3_write_ste_test_nested_s1dssbypass_to_s1bypass", 1, 3, true},
    {"arm_smmu_v3_write_ste_test_nested_s1bypass_to_s1dssbypass", 1, 2, true},
    {"arm_smmu_v3_write_cd_test_sva_clear", 2, 2, false},
    {"arm_smmu_v3_write_cd_test_sva_release", 2, 2, true},
    // The invalidation arrays (merge, unref, purge): no STE or CD is written.
    {"arm_smmu_v3_invs_test", 0, 0, true},
};

const char *const kSeries[] = {"7.3", "7.2"};

// The text of a line of the tree's file: kernel locations are found by content.
std::string line_of(const std::filesystem::path &root, const std::string &file, int line) {
  std::ifstream in(root / file);
  std::string s;
  for (int n = 1; std::getline(in, s); ++n)
    if (n == line) return s;
  return "";
}

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

class Kunit73 : public ::testing::TestWithParam<std::tuple<const char *, KunitCase>> {};

std::string param_name(const ::testing::TestParamInfo<Kunit73::ParamType> &info) {
  std::string s = std::get<0>(info.param);
  for (char &c : s)
    if (c == '.') c = '_';
  std::string n = std::get<1>(info.param).name;
  return "linux_" + s + "_" + n.substr(std::string("arm_smmu_v3_").size());
}

}  // namespace

class Kunit73Suite : public ::testing::TestWithParam<const char *> {};

TEST_P(Kunit73Suite, HasTheTwentyFiveCasesOfTheTree) {
  TREE_OR_SKIP(root, GetParam());
  const auto &k = kernel_at(root);
  EXPECT_EQ(k.tree().major, 7);
  ASSERT_EQ(k.kunit_cases().size(), std::size(kCases));
  for (size_t i = 0; i < std::size(kCases); ++i) {
    EXPECT_EQ(k.kunit_cases()[i].suite, "arm-smmu-v3-kunit-test");
    EXPECT_EQ(k.kunit_cases()[i].name, kCases[i].name);
  }
  // Every check family runs on 7.x but the block split, which v6.14 removed.
  EXPECT_EQ(k.build().unsupported.size(), 1u);
  EXPECT_TRUE(k.build().unsupported.count("split"));
}

INSTANTIATE_TEST_SUITE_P(Trees, Kunit73Suite, ::testing::ValuesIn(kSeries));

TEST_P(Kunit73, PassesWithTheKernelsExpectedSyncsAndHitlessness) {
  const auto &[series, c] = GetParam();
  TREE_OR_SKIP(root, series);
  RunResult r = run_case_at(root, c.name);
  EXPECT_EQ(r.status, RunStatus::Pass);
  for (const auto &f : r.trace.kunit_failures) ADD_FAILURE() << f;
  EXPECT_EQ(r.trace.count(EventKind::UpdateBegin), static_cast<size_t>(c.updates));
  EXPECT_EQ(r.trace.count(EventKind::UpdateSync), static_cast<size_t>(c.updates * c.syncs_per_update));
  EXPECT_EQ(invalid_entry_at_a_sync(r.trace), !c.hitless);
  EXPECT_EQ(r.trace.count(EventKind::Warn), 0u);
}

// arm_smmu_write_entry: a dma_wmb(), then each qword with WRITE_ONCE in entry_set.
TEST_P(Kunit73, EveryEntryStoreIsAWriteOnceAfterTheWritersDmaWmb) {
  const auto &[series, c] = GetParam();
  TREE_OR_SKIP(root, series);
  RunResult r = run_case_at(root, c.name);
  bool barrier_seen = false;
  size_t stores = 0;
  for (const Event &e : r.trace.events) {
    if (e.kind == EventKind::Barrier) {
      EXPECT_EQ(e.barrier, BarrierKind::DmaWmb);
      EXPECT_EQ(e.loc.file, kDriver);
      EXPECT_NE(line_of(root, kDriver, e.loc.line).find("dma_wmb()"), std::string::npos);
      barrier_seen = true;
    }
    if (e.kind == EventKind::Store) {
      ++stores;
      EXPECT_TRUE(barrier_seen) << "store before the writer's dma_wmb()";
      EXPECT_EQ(e.store, StoreKind::Once);
      EXPECT_EQ(e.size, 8u);
      EXPECT_NE(line_of(root, kDriver, e.loc.line).find("WRITE_ONCE(entry["), std::string::npos)
          << line_of(root, kDriver, e.loc.line);
    }
  }
  EXPECT_EQ(stores > 0, c.updates > 0);
}

TEST_P(Kunit73, FinalEntryEqualsTheTarget) {
  const auto &[series, c] = GetParam();
  TREE_OR_SKIP(root, series);
  RunResult r = run_case_at(root, c.name);
  std::vector<uint64_t> entry, target;
  int ends = 0;
  for (const Event &e : r.trace.events) {
    if (e.kind == EventKind::UpdateBegin) {
      entry = e.before;
      target = e.after;
    } else if (e.kind == EventKind::Store) {
      entry[e.offset / 8] = e.value;
    } else if (e.kind == EventKind::UpdateEnd) {
      EXPECT_EQ(entry, target);
      ++ends;
    }
  }
  EXPECT_EQ(ends, c.updates);
}

INSTANTIATE_TEST_SUITE_P(Cases, Kunit73,
                         ::testing::Combine(::testing::ValuesIn(kSeries), ::testing::ValuesIn(kCases)),
                         param_name);
