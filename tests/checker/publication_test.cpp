// Level-1 descriptors that publish a new level-2 table (real 6.12 code via the
// strtab_l2_install and cd_write_2lvl scenario drivers).
#include <gtest/gtest.h>

#include "kernel_fixture.h"
#include "model_registry.h"
#include "publication.h"

using namespace smmu;
using checker::Outcome;

namespace {

std::vector<checker::PointerLayout> layouts() {
  const auto &k = smmu::testing::kernel("6.12");
  auto *std_mask = k.slice().template function<const uint64_t>("kshim_l1std_l2ptr_mask");
  auto *cd_mask = k.slice().template function<const uint64_t>("kshim_l1cd_l2ptr_mask");
  EXPECT_NE(std_mask, nullptr);
  EXPECT_NE(cd_mask, nullptr);
  return {{harness::DescKind::L1Std, *std_mask}, {harness::DescKind::L1Cd, *cd_mask}};
}

// Lines of arm-smmu-v3.c, found by content: the level-1 descriptor stores
// (WRITE_ONCE of the L2 pointer) and the first store of an abort STE.
int l1_store_line(const char *writer) {
  return smmu::testing::kernel_line_after("6.12", smmu::testing::kDriverFile, {writer, "WRITE_ONCE(dst->l2ptr"});
}
int abort_ste_store_line() {
  return smmu::testing::kernel_line_after("6.12", smmu::testing::kDriverFile,
                                          {"void arm_smmu_make_abort_ste(", "target->data[0] = "});
}

// The fix a reviewer would ask for: a dma_wmb() just before each pointer store.
void barrier_before_pointers(harness::Trace &t, const std::vector<checker::Publication> &pubs) {
  for (auto it = pubs.rbegin(); it != pubs.rend(); ++it) {
    harness::Event b;
    b.kind = harness::EventKind::Barrier;
    b.barrier = harness::BarrierKind::DmaWmb;
    t.events.insert(t.events.begin() + it->pointer_event, b);
  }
}

}  // namespace

TEST(Publication, L2StreamTableIsPublishedWithoutABarrierAfterItsAbortStes) {
  harness::Trace t = smmu::testing::run_case("6.12", "strtab_l2_install").trace;
  auto pubs = checker::check_publications(t, models::resolve_model("coherent"), layouts());
  ASSERT_EQ(pubs.size(), 1u);
  const auto &p = pubs[0];
  EXPECT_EQ(p.outcome, Outcome::Violation);
  EXPECT_EQ(p.kind, checker::ViolationKind::Misordered);
  EXPECT_EQ(p.table_stores, 256u) << "arm_smmu_init_initial_stes writes every STE of the table";
  const auto &ptr = t.events[p.pointer_event];
  EXPECT_EQ(ptr.loc.file, smmu::testing::kDriverFile);
  EXPECT_EQ(ptr.loc.line, l1_store_line("static void arm_smmu_write_strtab_l1_desc("));
  EXPECT_EQ(t.events[p.unordered_event].loc.line, abort_ste_store_line());  // the first abort STE store
  EXPECT_EQ(t.events[p.unordered_event].store, harness::StoreKind::Plain);

  barrier_before_pointers(t, pubs);
  for (const auto &q : checker::check_publications(t, models::resolve_model("coherent"), layouts()))
    EXPECT_EQ(q.outcome, Outcome::Pass) << q.reason;
}

TEST(Publication, UnderCacheableOnlyACleanPublishes) {
  harness::Trace t = smmu::testing::run_case("6.12", "strtab_l2_install").trace;
  auto pubs = checker::check_publications(t, models::resolve_model("cacheable-64"), layouts());
  ASSERT_EQ(pubs.size(), 1u);
  barrier_before_pointers(t, pubs);
  auto again = checker::check_publications(t, models::resolve_model("cacheable-64"), layouts());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].outcome, Outcome::Violation) << "a barrier does not write a line back";
  EXPECT_EQ(again[0].kind, checker::ViolationKind::Stale);
}

TEST(Publication, L2CdTablesArePublishedRightAfterTheirAllocation) {
  harness::Trace t = smmu::testing::run_case("6.12", "cd_write_2lvl").trace;
  auto pubs = checker::check_publications(t, models::resolve_model("coherent"), layouts());
  ASSERT_EQ(pubs.size(), 2u);
  for (const auto &p : pubs) {
    EXPECT_EQ(p.outcome, Outcome::Violation);
    EXPECT_EQ(t.events[p.pointer_event].loc.line, l1_store_line("static void arm_smmu_write_cd_l1_desc("));
    EXPECT_EQ(t.events[p.unordered_event].kind, harness::EventKind::Alloc);
    // Before its zeroing the table is fresh memory: any value, none assumed.
    EXPECT_TRUE(p.seen_fresh);
    EXPECT_NE(p.reason.find("fresh memory"), std::string::npos) << p.reason;
  }
}
