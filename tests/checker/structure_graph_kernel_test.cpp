// The structure graph on the real code (checker/structure_graph.h): the
// level-1 publications of 6.12 (strtab_l2_install, cd_write_2lvl); the real
// STE -> CD table -> CD -> page table installs of 6.12 and 7.3
// (ste_transitions_*); a seeded bug only the new edges catch; and 6.1, whose
// glue exports the same edges.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "check_run.h"
#include "fault_injection.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "structure_graph.h"
#include "structure_graph_support.h"

using namespace smmu;
using checker::Outcome;
using harness::DescKind;
using harness::EventKind;
using smmu::testing::all_edges;
using smmu::testing::graph_of;
using smmu::testing::level1;

namespace {

// ---- level-1 descriptors on the real 6.12 code (as the publication check judged them) ----

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
    b.kind = EventKind::Barrier;
    b.barrier = harness::BarrierKind::DmaWmb;
    t.events.insert(t.events.begin() + it->pointer_event, b);
  }
}

std::vector<checker::Publication> check_l1(const harness::Trace &t, const std::string &model) {
  const auto all = all_edges();
  return checker::check_structure_graph(t, models::resolve_model(model), level1(), &all);
}

TEST(StructureGraphLevel1, L2StreamTableIsPublishedWithoutABarrierAfterItsAbortStes) {
  harness::Trace t = smmu::testing::run_case("6.12", "strtab_l2_install").trace;
  auto pubs = check_l1(t, "coherent");
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
  for (const auto &q : check_l1(t, "coherent")) EXPECT_EQ(q.outcome, Outcome::Pass) << q.reason;
}

TEST(StructureGraphLevel1, UnderCacheableOnlyACleanPublishes) {
  harness::Trace t = smmu::testing::run_case("6.12", "strtab_l2_install").trace;
  auto pubs = check_l1(t, "cacheable-64");
  ASSERT_EQ(pubs.size(), 1u);
  barrier_before_pointers(t, pubs);
  auto again = check_l1(t, "cacheable-64");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].outcome, Outcome::Violation) << "a barrier does not write a line back";
  EXPECT_EQ(again[0].kind, checker::ViolationKind::Stale);
}

TEST(StructureGraphLevel1, L2CdTablesArePublishedRightAfterTheirAllocation) {
  harness::Trace t = smmu::testing::run_case("6.12", "cd_write_2lvl").trace;
  auto pubs = check_l1(t, "coherent");
  ASSERT_EQ(pubs.size(), 2u);
  for (const auto &p : pubs) {
    EXPECT_EQ(p.outcome, Outcome::Violation);
    EXPECT_EQ(t.events[p.pointer_event].loc.line, l1_store_line("static void arm_smmu_write_cd_l1_desc("));
    EXPECT_EQ(t.events[p.unordered_event].kind, EventKind::Alloc);
    // Before its zeroing the table is fresh memory: any value, none assumed.
    EXPECT_TRUE(p.seen_fresh);
    EXPECT_NE(p.reason.find("fresh memory"), std::string::npos) << p.reason;
  }
}

// ---- STE -> CD table -> CD -> page tables, installed by the real driver ----

struct Counted {
  std::map<std::string, int> by_edge;
  int not_pass = 0;
  std::string first_reason;
};

Counted judge(const harness::Trace &t, const checker::StructureGraph &g, const std::string &model) {
  Counted c;
  for (const auto &p : checker::check_structure_graph(t, models::resolve_model(model),
                                                      checker::non_level1_edges(g).edges, &g.edges,
                                                      g.pgtable_software_bits)) {
    ++c.by_edge[p.edge];
    if (p.outcome != Outcome::Pass && !c.not_pass++) c.first_reason = p.reason;
  }
  return c;
}

// The S1 attach of ste_transitions_*: arm_smmu_alloc_cd_ptr (announced CD
// memory), arm_smmu_write_cd_entry of arm_smmu_make_s1_cd's CD, then
// arm_smmu_make_cdtable_ste + arm_smmu_install_ste_for_dev for two SIDs, then
// an S2 domain's STE. Every pointer is ordered by the CD writer's CMD_SYNC and
// the dma_wmb() arm_smmu_write_entry starts with.
void expect_attach_passes(const harness::KernelRunner &k, const std::string &label) {
  const checker::StructureGraph g = checks::structure_graph(k);
  for (const char *scenario : {"ste_transitions_linear", "ste_transitions_2lvl"}) {
    harness::RunResult run = k.run(k.find(scenario));
    ASSERT_EQ(run.status, harness::RunStatus::Pass) << label << " " << scenario;
    const bool two = std::string(scenario).find("2lvl") != std::string::npos;
    for (const char *model : {"coherent", "nc"}) {
      Counted c = judge(run.trace, g, model);
      SCOPED_TRACE(label + " " + scenario + " " + model);
      EXPECT_EQ(c.not_pass, 0) << c.first_reason;
      EXPECT_EQ(c.by_edge["CD.TTB0"], 1) << "the CD of SSID 0 names the S1 domain's tables";
      EXPECT_EQ(c.by_edge[two ? "STE.S1ContextPtr (2-level)" : "STE.S1ContextPtr (linear)"], 2) << "two SIDs";
      EXPECT_EQ(c.by_edge[two ? "STE.S1ContextPtr (linear)" : "STE.S1ContextPtr (2-level)"], 0);
      EXPECT_EQ(c.by_edge["STE.S2TTB"], 2);
    }
    // No clean anywhere: a non-coherent SMMU reading cacheable memory may miss all of it.
    Counted stale = judge(run.trace, g, "cacheable-64");
    EXPECT_GT(stale.not_pass, 0) << label << " " << scenario;
  }
}

TEST(StructureGraphKernel, S1AttachOf612PassesUnderCoherentAndNc) {
  expect_attach_passes(smmu::testing::kernel("6.12"), "6.12");
}

TEST(StructureGraphKernel, S1AttachOf73PassesUnderCoherentAndNc) {
  TREE_OR_SKIP(root, "7.3");
  expect_attach_passes(smmu::testing::kernel_at(root), "7.3");
}

// k such that the k-th event of `kind` (a dma_wmb barrier, a writer sync) is at index i.
int ordinal(const harness::Trace &t, size_t i, std::function<bool(const harness::Event &)> is) {
  int k = 0;
  for (size_t j = 0; j <= i; ++j) k += is(t.events[j]);
  return k;
}

// A seeded bug on the real 6.12 attach. 6.12 orders the CD before the STE
// that names its table three times over: the CD writer's CMD_SYNC after the
// store that sets V, the dma_wmb() that starts the STE's arm_smmu_write_entry,
// and the STE writer's own first sync (CFGI_STE + CMD_SYNC before the
// critical qword 0). With all three gone the STE names a CD table whose CD the
// SMMU may not see yet; with any one left the attach passes. The level-1
// check has nothing to judge in this run.
TEST(StructureGraphKernel, SeededBugCdNotOrderedBeforeTheSteIsFoundOnlyByTheNewEdge) {
  const harness::Trace t = smmu::testing::run_case("6.12", "ste_transitions_linear").trace;
  const checker::StructureGraph &g = graph_of("6.12");
  // The STE update "bypass -> S1", found by its note; the writer's dma_wmb is the first barrier after it.
  size_t note = 0;
  while (note < t.events.size() &&
         !(t.events[note].kind == EventKind::Note && t.events[note].text.rfind("bypass -> S1", 0) == 0))
    ++note;
  ASSERT_LT(note, t.events.size());
  size_t wmb = note, sync = note;
  while (wmb < t.events.size() && !(t.events[wmb].kind == EventKind::Barrier &&
                                    t.events[wmb].barrier == harness::BarrierKind::DmaWmb))
    ++wmb;
  ASSERT_LT(wmb, t.events.size());
  EXPECT_EQ(t.events[wmb].loc.line, smmu::testing::write_entry_barrier_line("6.12"));
  while (sync > 0 && t.events[sync].kind != EventKind::UpdateSync) --sync;  // the CD write's last sync
  const int wmb_k = ordinal(t, wmb, [](const harness::Event &e) {
    return e.kind == EventKind::Barrier && e.barrier == harness::BarrierKind::DmaWmb;
  });
  // The CD's last sync is the k-th writer sync; the STE's first is the (k+1)-th.
  const int sync_k = ordinal(t, sync, [](const harness::Event &e) { return e.kind == EventKind::UpdateSync; });

  auto with = [&](bool drop_wmb, bool drop_cd_sync, bool drop_ste_sync) {
    harness::Trace m = t;
    if (drop_wmb) {
      EXPECT_TRUE(harness::inject(m, harness::Fault::DropDmaWmb, wmb_k));
    }
    if (drop_ste_sync) {  // first, so that the CD's keeps its number
      EXPECT_TRUE(harness::inject(m, harness::Fault::DropSync, sync_k + 1));
    }
    if (drop_cd_sync) {
      EXPECT_TRUE(harness::inject(m, harness::Fault::DropSync, sync_k));
    }
    return m;
  };
  EXPECT_EQ(judge(with(true, true, false), g, "coherent").not_pass, 0) << "the STE writer's first sync orders it";
  EXPECT_EQ(judge(with(true, false, true), g, "coherent").not_pass, 0) << "the CD writer's CMD_SYNC orders it";
  EXPECT_EQ(judge(with(false, true, true), g, "coherent").not_pass, 0) << "the STE writer's dma_wmb orders it";

  const harness::Trace bug = with(true, true, true);
  std::vector<checker::Publication> pubs = checker::check_structure_graph(
      bug, models::resolve_model("coherent"), checker::non_level1_edges(g).edges, &g.edges);
  const checker::Publication *ste = nullptr;
  for (const auto &p : pubs)
    if (p.edge == "STE.S1ContextPtr (linear)" && p.outcome == Outcome::Violation) ste = ste ? ste : &p;
  ASSERT_NE(ste, nullptr);
  EXPECT_EQ(ste->kind, checker::ViolationKind::Misordered);
  EXPECT_EQ(ste->table, "cdtab");
  EXPECT_EQ(ste->pointer, "ste.sid0x10") << "the second SID's STE has its own dma_wmb";
  const harness::Event &un = bug.events[ste->unordered_event];
  EXPECT_EQ(un.kind, EventKind::Store);
  EXPECT_EQ(un.loc.line, smmu::testing::entry_set_line("6.12")) << "the CD's own store, by the CD writer";
  EXPECT_EQ(bug.descs[un.desc].name, "cdtab");
  // The level-1-only check finds no publication in a linear CD table's attach at all.
  EXPECT_TRUE(checker::check_structure_graph(bug, models::resolve_model("coherent"), level1(), &g.edges).empty());
}

// attach_s1_mapped_*: the domain maps a page (a new level-0 entry of its
// root table) after its CD is written, before the STE names the CD table. The
// STE's publication reaches the root table through the CD, so that store must
// be visible then: it is (io-pgtable's own dma_wmb before the deeper table
// install, the STE writer's dma_wmb and sync). With every ordering event
// between it and the STE's pointer store removed, the check names it.
void expect_mapped_attach(const harness::KernelRunner &k, const std::string &label) {
  const checker::StructureGraph g = checks::structure_graph(k);
  for (const char *scenario : {"attach_s1_mapped_linear", "attach_s1_mapped_2lvl"}) {
    SCOPED_TRACE(label + " " + scenario);
    harness::RunResult run = k.run(k.find(scenario));
    ASSERT_EQ(run.status, harness::RunStatus::Pass);
    const bool two = std::string(scenario).find("2lvl") != std::string::npos;
    const std::string s1 = two ? "STE.S1ContextPtr (2-level)" : "STE.S1ContextPtr (linear)";
    auto pubs = [&](const harness::Trace &t) {
      return checker::check_structure_graph(t, models::resolve_model("coherent"),
                                            checker::non_level1_edges(g).edges, &g.edges, g.pgtable_software_bits);
    };
    std::string root;
    const checker::Publication *ste = nullptr;
    auto all = pubs(run.trace);
    for (const auto &p : all) {
      EXPECT_EQ(p.outcome, Outcome::Pass) << p.reason;
      if (p.edge == "CD.TTB0") root = p.table;
      if (p.edge == s1 && !ste) ste = &p;
    }
    ASSERT_NE(ste, nullptr);
    ASSERT_FALSE(root.empty());
    EXPECT_EQ(ste->reached, two ? 3u : 2u) << "the CD table (and its leaf), and the root table its CD names";
    // The root-table store of the second map, found after its note.
    harness::Trace t = run.trace;
    size_t i = 0;
    while (i < t.events.size() &&
           !(t.events[i].kind == EventKind::Note && t.events[i].text.find("IOVA 0x8000000000") != std::string::npos))
      ++i;
    while (i < t.events.size() && !(t.events[i].kind == EventKind::Store && t.descs[t.events[i].desc].name == root))
      ++i;
    ASSERT_LT(i, static_cast<size_t>(ste->pointer_event)) << "the root table gets a store before the STE";
    const int pte = static_cast<int>(i);
    std::vector<harness::Event> kept(t.events.begin(), t.events.begin() + pte + 1);
    for (int j = pte + 1; j < static_cast<int>(t.events.size()); ++j) {
      const harness::Event &e = t.events[j];
      const bool orders = (e.kind == EventKind::Barrier && e.barrier != harness::BarrierKind::SmpMb &&
                           e.barrier != harness::BarrierKind::SmpWmb && e.barrier != harness::BarrierKind::SmpRmb) ||
                          e.kind == EventKind::Command;
      if (j < ste->pointer_event && orders) continue;
      kept.push_back(e);
    }
    t.events = kept;
    const checker::Publication *bad = nullptr;
    auto seeded = pubs(t);
    for (const auto &p : seeded)
      if (p.edge == s1 && p.outcome == Outcome::Violation && !bad) bad = &p;
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->unordered_event, pte);
    EXPECT_EQ(bad->unordered_in, root);
    EXPECT_EQ(bad->path, std::string("ste.sid0x10 -> ") + (two ? "cdtab.l1 -> cdtab.l2.0" : "cdtab") + " -> " + root);
  }
}

TEST(StructureGraphKernel, MappedAttachOf612ReachesTheRootTableThroughTheCd) {
  expect_mapped_attach(smmu::testing::kernel("6.12"), "6.12");
}

TEST(StructureGraphKernel, MappedAttachOf73ReachesTheRootTableThroughTheCd) {
  TREE_OR_SKIP(root, "7.3");
  expect_mapped_attach(smmu::testing::kernel_at(root), "7.3");
}

// A non-coherent walker's tables are cleaned as io-pgtable-arm writes them;
// the one store it does not clean, ARM_LPAE_PTE_SW_SYNC after the table is
// published, changes no bit the walker reads.
TEST(StructureGraphKernel, NonCoherentTablesAreCleanBeforeTheirPointerButForSoftwareBits) {
  const checker::StructureGraph &g = graph_of("6.12");
  ASSERT_NE(g.pgtable_software_bits, 0u) << "io-pgtable-arm's ARM_LPAE_PTE_SW_SYNC";
  for (const char *scenario : {"pt_cd_ttb0_nc", "pt_ste_s2ttb_nc"}) {
    const harness::Trace t = smmu::testing::run_case("6.12", scenario).trace;
    Counted c = judge(t, g, "cacheable-64");
    EXPECT_EQ(c.not_pass, 0) << scenario << ": " << c.first_reason;
    checker::StructureGraph without = g;
    without.pgtable_software_bits = 0;
    EXPECT_GT(judge(t, without, "cacheable-64").not_pass, 0) << scenario << ": the SW_SYNC store is never cleaned";
  }
}

// 6.1 (arm_smmu_write_strtab_ent): the attach to a stage-1 domain publishes
// the CD table through the STE, ordered by the CD write's sync.
TEST(StructureGraphKernel, Attach61PublishesItsCdThroughTheSte) {
  const checker::StructureGraph &g = graph_of("6.1");
  harness::RunResult run = smmu::testing::run_case("6.1", "ste_abort_to_s1");
  Counted c = judge(run.trace, g, "coherent");
  EXPECT_GE(c.by_edge["STE.S1ContextPtr (linear)"], 1);
  EXPECT_EQ(c.not_pass, 0) << c.first_reason;
}

}  // namespace
