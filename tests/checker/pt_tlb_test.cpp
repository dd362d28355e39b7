// The walker with TLB and walk caches against the real 6.12 code: the pt_*
// scenarios drive io-pgtable-arm through arm_smmu_map_pages/unmap_pages and
// iotlb_sync, so every TLBI and CMD_SYNC is the one the tree encodes.
#include <gtest/gtest.h>

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

std::vector<std::string> pt_scenarios() {
  std::vector<std::string> out;
  for (const auto &c : smmu::testing::kernel("6.12").scenarios())
    if (c.name.rfind("pt_", 0) == 0) out.push_back(c.name);
  return out;
}

harness::Trace trace_of(const std::string &name, harness::Fault fault = harness::Fault::DropSync, int k = 0) {
  harness::RunResult r = smmu::testing::run_case("6.12", name);
  EXPECT_EQ(r.status, harness::RunStatus::Pass) << name;
  if (k) EXPECT_TRUE(harness::inject(r.trace, fault, k)) << name << " " << harness::to_string(fault) << ":" << k;
  return r.trace;
}

checker::PtVerdict check(const harness::Trace &t, const std::string &model) {
  return checker::check_pt_trace(t, models::resolve_model(model), semantics());
}

// Splitting a block installs the table by cmpxchg and invalidates only the
// unmapped page: with range invalidation that TLBI carries TTL=3, which the
// architecture does not require to remove the cached level-2 block.
bool splits_with_ttl3(const std::string &name) {
  return name.find("split_block") != std::string::npos && name.find("noril") == std::string::npos;
}

}  // namespace

TEST(PtTlb, ScenariosCoverGranulesStagesAndCoherence) {
  std::vector<std::string> names = pt_scenarios();
  auto has = [&](const std::string &n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  for (const char *op : {"map_page", "map_block", "unmap_page", "unmap_table", "unmap_blocks", "block_over_table",
                         "split_block"})
    for (const char *v : {"4k", "4k_nc", "16k", "16k_nc", "64k", "64k_nc", "4k_noril"})
      EXPECT_TRUE(has(std::string("pt_") + op + "_" + v)) << op << " " << v;
  EXPECT_TRUE(has("pt_sw_sync_4k_nc"));
  EXPECT_TRUE(has("pt_s2_map_page"));
  EXPECT_TRUE(has("pt_cd_ttb0"));
  EXPECT_TRUE(has("pt_ste_s2ttb"));
}

TEST(PtTlb, GeometryComesFromTheTreesConfiguration) {
  struct Want {
    const char *scenario;
    int start_level, bits_per_level, pgd_bits, stage;
  };
  // 16K: 48-bit VA over 4 levels leaves 1 bit at level 0; 64K: 3 levels, 6 bits at level 1;
  // S2 with a 40-bit IPA: two level-0 tables concatenated into a level-1 PGD (10 bits).
  for (const Want &w : {Want{"pt_map_page_4k", 0, 9, 9, 1}, Want{"pt_map_page_16k", 0, 11, 1, 1},
                        Want{"pt_map_page_64k", 1, 13, 6, 1}, Want{"pt_s2_map_page", 1, 9, 10, 2}}) {
    harness::Trace t = trace_of(w.scenario);
    const harness::Event *ctx = nullptr;
    for (const auto &e : t.events)
      if (e.kind == harness::EventKind::WalkContext) ctx = &e;
    ASSERT_NE(ctx, nullptr) << w.scenario;
    EXPECT_EQ(ctx->walk.start_level, w.start_level) << w.scenario;
    EXPECT_EQ(ctx->walk.bits_per_level, w.bits_per_level) << w.scenario;
    EXPECT_EQ(ctx->walk.pgd_bits, w.pgd_bits) << w.scenario;
    EXPECT_EQ(ctx->walk.stage, w.stage) << w.scenario;
    EXPECT_TRUE(ctx->walk.tlbi_recorded) << w.scenario;
  }
}

// Every scenario passes under coherent and nc, with its TLBIs judged as the
// architecture defines them; the one exception is a real finding.
TEST(PtTlb, CorrectCodePassesUnderCoherentAndNc) {
  for (const std::string &name : pt_scenarios()) {
    harness::Trace t = trace_of(name);
    for (const char *model : {"coherent", "nc"}) {
      checker::PtVerdict v = check(t, model);
      EXPECT_TRUE(v.tlb) << name;
      if (splits_with_ttl3(name)) {
        EXPECT_EQ(v.outcome, Outcome::Violation) << name << " " << model;
        EXPECT_EQ(v.kind, ViolationKind::Stale) << name << " " << model;
        continue;
      }
      EXPECT_EQ(v.outcome, Outcome::Pass) << name << " " << model << ": " << v.reason;
      EXPECT_GT(v.walks, 0u) << name;
    }
  }
}

TEST(PtTlb, SplitLeavesTheBlockCachedBecauseOfTheTtlHint) {
  harness::Trace t = trace_of("pt_split_block_4k");
  checker::PtVerdict v = check(t, "coherent");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Stale);
  // The unmapped page still translates through the cached 2M block.
  EXPECT_EQ(v.witness.iova, 0x80005000ull);
  EXPECT_EQ(v.witness.outcome.kind, WalkOutcome::Kind::Translate);
  EXPECT_EQ(v.witness.outcome.level, 2);
  EXPECT_EQ(v.witness.allowed.at(0).kind, WalkOutcome::Kind::Fault);
  bool ttl_named = false;
  for (const auto &r : v.witness.reads)
    for (const auto &[pos, why] : r.not_invalidated_by) ttl_named |= why.find("TTL=3") != std::string::npos;
  EXPECT_TRUE(ttl_named) << "the witness names the TLBI whose TTL hint misses the block";
  // Without range invalidation the TLBI has no TTL: the same split passes.
  EXPECT_EQ(check(trace_of("pt_split_block_4k_noril"), "coherent").outcome, Outcome::Pass);
}

TEST(PtTlb, MissingTlbiAfterUnmapLeavesAStaleTranslation) {
  for (const char *name : {"pt_unmap_page_4k", "pt_unmap_page_64k", "pt_unmap_blocks_4k", "pt_unmap_blocks_16k"}) {
    checker::PtVerdict v = check(trace_of(name, harness::Fault::DropTlbi, 1), "coherent");
    ASSERT_EQ(v.outcome, Outcome::Violation) << name;
    EXPECT_EQ(v.kind, ViolationKind::Stale) << name;
    EXPECT_EQ(v.witness.outcome.kind, WalkOutcome::Kind::Translate) << name;
    EXPECT_GT(v.witness.cached_through, v.witness.first_op) << name;
  }
}

// A leaf-only TLBI keeps cached table descriptors: when the table is freed,
// the walk cache still points into it.
TEST(PtTlb, LeafOnlyWalkFlushLetsTheWalkerReadAFreedTable) {
  for (const char *name : {"pt_unmap_table_4k", "pt_unmap_table_16k", "pt_block_over_table_4k"}) {
    harness::Trace ok = trace_of(name);
    ASSERT_EQ(check(ok, "coherent").outcome, Outcome::Pass) << name;
    checker::PtVerdict v = check(trace_of(name, harness::Fault::LeafTlbi, 1), "coherent");
    ASSERT_EQ(v.outcome, Outcome::Violation) << name;
    EXPECT_EQ(v.kind, ViolationKind::Stale) << name;
    EXPECT_EQ(v.witness.outcome.kind, WalkOutcome::Kind::Wild) << name;
    EXPECT_GE(v.witness.outcome.freed_at, 0) << name << ": " << v.reason;
  }
}

TEST(PtTlb, TablePointerSwitchNeedsTheAsidAndVmidInvalidation) {
  for (const char *name : {"pt_cd_ttb0", "pt_ste_s2ttb"}) {
    harness::Trace t = trace_of(name);
    ASSERT_EQ(check(t, "coherent").outcome, Outcome::Pass) << name;
    checker::PtVerdict v = check(trace_of(name, harness::Fault::DropTlbi, 1), "coherent");
    ASSERT_EQ(v.outcome, Outcome::Violation) << name;
    EXPECT_EQ(v.kind, ViolationKind::Stale) << name;
    ASSERT_FALSE(v.witness.reads.empty());
    EXPECT_EQ(v.witness.reads.front().level, -1) << name << ": the walk starts at the STE/CD";
    EXPECT_EQ(v.witness.outcome.out, 0x880000000ull) << name << ": domain A's page";
    EXPECT_EQ(v.witness.allowed.at(0).out, 0x880200000ull) << name << ": domain B's page";
  }
}

TEST(PtTlb, MissingDmaWmbBeforeTheTablePointerIsMisordered) {
  checker::PtVerdict v = check(trace_of("pt_map_page_16k", harness::Fault::DropDmaWmb, 1), "coherent");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Misordered);
}

TEST(PtTlb, PlainPteStoreTearsUnderPlainTear32) {
  for (const char *name : {"pt_map_page_4k", "pt_map_page_64k", "pt_s2_map_page"}) {
    checker::PtVerdict v = check(trace_of(name), "coherent+plain-tear32");
    ASSERT_EQ(v.outcome, Outcome::Violation) << name;
    EXPECT_EQ(v.kind, ViolationKind::Torn) << name;
  }
}

TEST(PtTlb, NonCoherentWalkIsCleanUnderCacheable64AndCaughtWithoutItsClean) {
  for (const char *name : {"pt_map_page_4k_nc", "pt_unmap_table_4k_nc", "pt_sw_sync_4k_nc"})
    EXPECT_EQ(check(trace_of(name), "cacheable-64").outcome, Outcome::Pass) << name;
  // The SW_SYNC path: the first clean after the other CPU's cmpxchg is this
  // CPU's clean of that table descriptor; without it the pointer never reaches PoC.
  harness::Trace t = trace_of("pt_sw_sync_4k_nc");
  int k = 0, foreign = -1;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const auto &e = t.events[i];
    if (e.kind == harness::EventKind::Store && e.loc.file.find("foreign") != std::string::npos) foreign = static_cast<int>(i);
    if (e.kind != harness::EventKind::Cmo) continue;
    ++k;
    if (foreign >= 0) break;
  }
  ASSERT_GE(foreign, 0);
  checker::PtVerdict v = check(trace_of("pt_sw_sync_4k_nc", harness::Fault::DropCmo, k), "cacheable-64");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Stale);
}
