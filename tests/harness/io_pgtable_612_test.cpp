// io-pgtable-arm (Linux 6.12): the tree's own selftest runs in user space and
// its plain PTE stores are recorded with their values and kernel lines.
#include <gtest/gtest.h>

#include "kernel_fixture.h"

using namespace smmu::harness;
using smmu::testing::kernel_line;
using smmu::testing::run_case;

namespace {
const char *kFile = "drivers/iommu/io-pgtable-arm.c";

// arm_lpae_install_table: cmpxchg64_relaxed of the table descriptor, and the
// dma_wmb() before it.
int install_line() { return kernel_line("6.12", kFile, "cmpxchg64_relaxed(ptep, curr, new)"); }
int install_barrier_line() {
  return smmu::testing::kernel_line_after("6.12", kFile,
                                          {"arm_lpae_install_table(arm_lpae_iopte *table", "dma_wmb();"});
}

bool log_has(const Trace &t, const std::string &text) {
  for (const auto &l : t.log)
    if (l.find(text) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(IoPgtable612, SelftestPassesEighteenOfEighteen) {
  RunResult r = run_case("6.12", "arm_lpae_do_selftests");
  EXPECT_EQ(r.status, RunStatus::Pass);
  EXPECT_TRUE(log_has(r.trace, "selftest: completed with 18 PASS 0 FAIL"));
}

TEST(IoPgtable612, PlainStoresAtClearAndInitPteAreRecordedWithValues) {
  RunResult r = run_case("6.12", "arm_lpae_do_selftests");
  const int clear_line = smmu::testing::clear_pte_line("6.12");
  const int init_line = smmu::testing::init_pte_line("6.12"), install_at = install_line();
  size_t clear = 0, init = 0, install = 0;
  for (const Event &e : r.trace.events) {
    if (e.kind != EventKind::Store || e.loc.file != kFile) continue;
    ASSERT_GE(e.desc, 0);
    EXPECT_EQ(r.trace.descs[e.desc].kind, DescKind::PgTable);
    if (e.loc.line == clear_line) {
      EXPECT_EQ(e.store, StoreKind::Plain);
      EXPECT_EQ(e.value, 0u);
      ++clear;
    } else if (e.loc.line == init_line) {
      EXPECT_EQ(e.store, StoreKind::Plain);
      EXPECT_NE(e.value & 1, 0u) << "a leaf PTE is valid";
      ++init;
    } else if (e.loc.line == install_at) {
      EXPECT_EQ(e.store, StoreKind::Rmw);
      EXPECT_EQ(e.value & 3, 3u) << "a table descriptor";
      ++install;
    }
  }
  EXPECT_GT(clear, 0u);
  EXPECT_GT(init, 0u);
  EXPECT_GT(install, 0u);
}

TEST(IoPgtable612, TablePointerIsPublishedAfterADmaWmb) {
  RunResult r = run_case("6.12", "arm_lpae_do_selftests");
  const int install_at = install_line(), barrier = install_barrier_line();
  const Event *previous = nullptr;
  size_t installs = 0;
  for (const Event &e : r.trace.events) {
    if (e.kind == EventKind::Store && e.loc.line == install_at) {
      ++installs;
      ASSERT_NE(previous, nullptr);
      EXPECT_EQ(previous->kind, EventKind::Barrier);
      EXPECT_EQ(previous->barrier, BarrierKind::DmaWmb);
      EXPECT_EQ(previous->loc.line, barrier);
    }
    previous = &e;
  }
  EXPECT_GT(installs, 0u);
}
