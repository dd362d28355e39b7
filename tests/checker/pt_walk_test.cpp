// The page-table walker model against the real 6.12 io-pgtable-arm code:
// correct runs pass, the plain PTE store tears under +plain-tear32, and
// seeded bugs (a missing dma_wmb, a missing clean) are caught.
#include <gtest/gtest.h>

#include <sstream>

#include "fault_injection.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "pt_check.h"
#include "pt_slice.h"

using namespace smmu;
using checker::Outcome;
using checker::ViolationKind;
using checker::WalkOutcome;

namespace {

const checker::PtSemantics &semantics() {
  static checker::PtSemantics s = checker::pt_semantics(smmu::testing::kernel("6.12").slice());
  return s;
}

std::vector<std::string> iopt_scenarios() {
  std::vector<std::string> out;
  for (const auto &c : smmu::testing::kernel("6.12").scenarios())
    if (c.name.rfind("iopt_", 0) == 0) out.push_back(c.name);
  return out;
}

harness::Trace trace_of(const std::string &name) {
  harness::RunResult r = smmu::testing::run_case("6.12", name);
  EXPECT_EQ(r.status, harness::RunStatus::Pass) << name;
  return r.trace;
}

checker::PtVerdict check(const harness::Trace &t, const std::string &model) {
  return checker::check_pt_trace(t, models::resolve_model(model), semantics());
}

constexpr uint64_t kPagePa = 0x880123000ull;  // IOPT_PA_PAGE in scenarios_612_io_pgtable.c

// The read's bytes came from a table page's allocation before its zeroing reached the walker.
bool reads_fresh_memory(const harness::Trace &t, const checker::PtRead &r) {
  for (const auto &s : r.sources)
    if (s.trace_index >= 0 && t.events[s.trace_index].kind == harness::EventKind::Alloc &&
        s.what.rfind("fresh memory", 0) == 0)
      return true;
  return false;
}

}  // namespace

TEST(PtWalk, SliceExportsTheTreesDecoding) {
  ASSERT_TRUE(semantics().index);
  ASSERT_TRUE(semantics().decode);
  checker::WalkGeom g;
  g.start_level = 0;
  g.pgd_bits = 9;
  g.bits_per_level = 9;
  g.ias = g.oas = 48;
  EXPECT_EQ(semantics().index(g, 0x80001000ull, 1), 2u);
  EXPECT_EQ(semantics().index(g, 0x80001000ull, 3), 1u);
  uint64_t addr = 0, attrs = 0;
  EXPECT_EQ(semantics().decode(g, 0x80001234ull, 3, kPagePa | 0xf47, &addr, &attrs), 1);
  EXPECT_EQ(addr, kPagePa + 0x234);
  EXPECT_EQ(semantics().decode(g, 0x80001234ull, 2, 0x12345000ull | 3, &addr, &attrs), 0);
  EXPECT_EQ(addr, 0x12345000ull);
  EXPECT_EQ(semantics().decode(g, 0, 3, 0xA5A5A5A5A5A5A5A5ull, &addr, &attrs), -1);  // reserved at L3
  EXPECT_EQ(semantics().decode(g, 0, 1, 0, &addr, &attrs), -1);
}

TEST(PtWalk, ScenariosRecordTheirWalkContext) {
  harness::Trace t = trace_of("iopt_map_page_coherent");
  int contexts = 0;
  for (const auto &e : t.events)
    if (e.kind == harness::EventKind::WalkContext) {
      ++contexts;
      EXPECT_NE(e.walk.root, 0u);
      EXPECT_EQ(e.walk.start_level, 0);
      EXPECT_EQ(e.walk.bits_per_level, 9);
      EXPECT_EQ(e.walk.ias, 48);
      EXPECT_EQ(e.walk.stage, 1);
      EXPECT_TRUE(e.walk.coherent_walk);
    }
  EXPECT_EQ(contexts, 2);  // before map_pages, and the final stable state
}

TEST(PtWalk, EveryScenarioPassesUnderCoherentAndNc) {
  auto names = iopt_scenarios();
  ASSERT_GE(names.size(), 10u);
  for (const auto &n : names) {
    harness::Trace t = trace_of(n);
    for (const char *m : {"coherent", "nc"}) {
      checker::PtVerdict v = check(t, m);
      EXPECT_EQ(v.outcome, Outcome::Pass) << n << " under " << m << ": " << v.reason;
      EXPECT_GT(v.walks, 0u) << n;
    }
  }
}

// The walker refuses what the STE/CD checks refuse (checker/model_support.h)
// rather than taking doorbell=dsb as dmb.
TEST(PtWalk, DoorbellDsbIsUnknownNeverPass) {
  models::Model dsb = models::resolve_model("coherent");
  dsb.doorbell = models::Doorbell::Dsb;
  checker::PtVerdict v = checker::check_pt_trace(trace_of(iopt_scenarios().front()), dsb, semantics());
  EXPECT_EQ(v.outcome, Outcome::Unknown);
  EXPECT_NE(v.reason.find("doorbell=dsb"), std::string::npos) << v.reason;
}

TEST(PtWalk, NonCoherentWalkPassesUnderCacheable64) {
  // coherent_walk=false cleans every new table and every PTE store to PoC.
  for (const auto &n : iopt_scenarios()) {
    if (n.find("noncoherent") == std::string::npos) continue;
    checker::PtVerdict v = check(trace_of(n), "cacheable-64");
    EXPECT_EQ(v.outcome, Outcome::Pass) << n << ": " << v.reason;
  }
}

// The plain PTE store of map (__arm_lpae_init_pte) and unmap (__arm_lpae_clear_pte), split in 32-bit halves:
// the valid bit from one store, the upper address bits from another.
TEST(PtWalk, PlainPteStoreTearsUnderPlainTear32) {
  for (const char *n : {"iopt_map_page_coherent", "iopt_unmap_page_coherent"}) {
    checker::PtVerdict v = check(trace_of(n), "coherent+plain-tear32");
    ASSERT_EQ(v.outcome, Outcome::Violation) << n;
    EXPECT_EQ(v.kind, ViolationKind::Torn) << n;
    const WalkOutcome &o = v.witness.outcome;
    EXPECT_EQ(o.kind, WalkOutcome::Kind::Translate) << n;
    EXPECT_EQ(o.out, kPagePa & 0xffffffffull) << n << ": wrong output address expected";
    ASSERT_FALSE(v.witness.reads.empty());
    const checker::PtRead &leaf = v.witness.reads.back();
    EXPECT_TRUE(leaf.torn);
    EXPECT_EQ(leaf.level, 3);
    EXPECT_GE(leaf.sources.size(), 2u) << "bytes from two stores";
  }
}

TEST(PtWalk, MissingDmaWmbBeforeTablePointerIsCaught) {
  harness::Trace t = trace_of("iopt_map_page_coherent");
  ASSERT_TRUE(harness::inject(t, harness::Fault::DropDmaWmb, 1));
  checker::PtVerdict v = check(t, "coherent");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Misordered);
  // The walker followed the new pointer and read the fresh table's old bytes.
  ASSERT_GE(v.witness.reads.size(), 2u);
  EXPECT_TRUE(reads_fresh_memory(t, v.witness.reads.back()));
}

TEST(PtWalk, MissingCleanOfNewTableIsCaughtUnderCacheable) {
  // CMO 1 cleans the pgd at alloc; CMO 2 is the dma_map_single of the level-1 table.
  harness::Trace t = trace_of("iopt_map_page_noncoherent");
  ASSERT_TRUE(harness::inject(t, harness::Fault::DropCmo, 2));
  checker::PtVerdict v = check(t, "cacheable-64");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_TRUE(reads_fresh_memory(t, v.witness.reads.back()));
  // Under coherent the clean does not matter.
  EXPECT_EQ(check(t, "coherent").outcome, Outcome::Pass);
}

TEST(PtWalk, MissingCleanOfPteIsStaleUnderCacheable) {
  // CMO 3 is __arm_lpae_sync_pte of the level-0 table descriptor.
  harness::Trace t = trace_of("iopt_map_page_noncoherent");
  ASSERT_TRUE(harness::inject(t, harness::Fault::DropCmo, 3));
  checker::PtVerdict v = check(t, "cacheable-64");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Stale);
  EXPECT_TRUE(v.witness.publication);
}

TEST(PtWalk, CoherentWalkTablesUnderCacheableAreNotCleaned) {
  // coherent_walk=true issues no CMOs: a non-coherent walker sees old bytes.
  checker::PtVerdict v = check(trace_of("iopt_map_page_coherent"), "cacheable-64");
  EXPECT_EQ(v.outcome, Outcome::Violation);
  EXPECT_FALSE(v.notes.empty());
}

TEST(PtCli, VerdictTableAndWalkWitness) {
  // Under coherent the only rows that do not pass are the range-invalidated
  // block splits (a TTL=3 TLBI leaves the cached block: docs/walker.md).
  auto all = smmu::testing::run_cli({"pt", "--debian", "6.12", "--model", "coherent"});
  EXPECT_EQ(all.status, 1) << all.out;
  EXPECT_NE(all.out.find("iopt_split_block_noncoherent"), std::string::npos) << all.out;
  std::istringstream rows(all.out.substr(0, all.out.find("\n\n")));
  int splits = 0;
  for (std::string row; std::getline(rows, row);) {
    if (row.find(" coherent ") == std::string::npos || row.find(" pass ") != std::string::npos) continue;
    EXPECT_NE(row.find("split_block"), std::string::npos) << row;
    EXPECT_EQ(row.find("noril"), std::string::npos) << row;
    ++splits;
  }
  EXPECT_EQ(splits, 7) << all.out;  // 4K, 16K, 64K x coherent/non-coherent walk, and S2
  auto bad = smmu::testing::run_cli({"pt", "--debian", "6.12", "--model", "coherent+plain-tear32",
                                     "--scenario", "iopt_map_page_coherent"});
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("violation (torn)"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("drivers/iommu/io-pgtable-arm.c:" + std::to_string(smmu::testing::init_pte_line("6.12"))),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("output 0x80123000"), std::string::npos) << bad.out;
  auto seeded = smmu::testing::run_cli({"pt", "--debian", "6.12", "--model", "coherent", "--scenario",
                                        "iopt_map_page_coherent", "--inject", "drop-dma-wmb:1"});
  EXPECT_EQ(seeded.status, 1) << seeded.out;
  EXPECT_NE(seeded.out.find("(fresh memory, its zeroing not yet there: any bytes, chosen as a level-1 "),
            std::string::npos)
      << seeded.out;
}
