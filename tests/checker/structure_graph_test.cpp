// The structure graph (checker/structure_graph.h): hand-built traces for each
// edge kind, with the edges (masks, guard values) the real 6.12 slice exports
// from its own macros; the level-1 publications of the real 6.12 code
// (strtab_l2_install, cd_write_2lvl); the real STE -> CD table -> CD -> page
// table installs of 6.12 and 7.3 (ste_transitions_*); a seeded bug only the
// new edges catch; and 6.1, whose glue exports the same edges.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "check_run.h"
#include "fault_injection.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "structure_graph.h"

using namespace smmu;
using checker::Outcome;
using harness::DescKind;
using harness::EventKind;

namespace {

const checker::StructureGraph &graph_of(const std::string &series) {
  static std::map<std::string, checker::StructureGraph> graphs;
  auto it = graphs.find(series);
  if (it == graphs.end()) it = graphs.emplace(series, checks::structure_graph(smmu::testing::kernel(series))).first;
  return it->second;
}

const checker::GraphEdge &edge(const std::string &name) {
  for (const auto &e : graph_of("6.12").edges)
    if (e.name == name) return e;
  throw std::runtime_error("the 6.12 slice exports no edge " + name);
}

std::vector<checker::GraphEdge> level1() { return checker::level1_edges(graph_of("6.12")).edges; }

// A value of qword q that makes every guard of `e` hold: the first listed
// value of each guard (a negated guard: a field value it does not list).
uint64_t guard_bits(const checker::GraphEdge &e, unsigned q) {
  uint64_t v = 0;
  for (const auto &g : e.guards)
    if (g.qword == q && !g.negate) v |= g.values.at(0);
  return v;
}

// ---- hand-built traces ----

struct TraceBuilder {
  harness::Trace t;
  std::map<uint64_t, uint64_t> mem;

  int reg(const std::string &name, DescKind kind, uint64_t base, uint64_t size, bool alloc) {
    harness::DescRange d;
    d.name = name;
    d.kind = kind;
    d.base = base;
    d.size = size;
    t.descs.push_back(d);
    harness::Event e;
    e.kind = alloc ? EventKind::Alloc : EventKind::DescRegister;
    e.zeroed = alloc;
    e.desc = static_cast<int>(t.descs.size()) - 1;
    e.addr = base;
    e.size = size;
    e.before.assign(size / 8, 0);
    t.events.push_back(e);
    return e.desc;
  }
  int store(int desc, unsigned qword, uint64_t value) {
    harness::Event e;
    e.kind = EventKind::Store;
    e.desc = desc;
    e.offset = 8ull * qword;
    e.addr = t.descs[desc].base + e.offset;
    e.size = 8;
    e.value = value;
    e.old_value = mem[e.addr];
    mem[e.addr] = value;
    t.events.push_back(e);
    return static_cast<int>(t.events.size()) - 1;
  }
  void barrier() {
    harness::Event e;
    e.kind = EventKind::Barrier;
    e.barrier = harness::BarrierKind::DmaWmb;
    t.events.push_back(e);
  }
  void clean(uint64_t addr, uint64_t size) {
    harness::Event e;
    e.kind = EventKind::Cmo;
    e.cmo = harness::CmoKind::Clean;
    e.addr = addr;
    e.size = size;
    t.events.push_back(e);
  }
};

constexpr uint64_t kSte = 0x40000000, kCdTab = 0x40010000, kPgd = 0x40020000, kPgd2 = 0x40030000;

std::vector<checker::Publication> check(const harness::Trace &t, const std::string &model,
                                        const std::vector<checker::GraphEdge> &edges) {
  return checker::check_structure_graph(t, models::resolve_model(model), edges);
}

std::vector<checker::GraphEdge> all_edges() { return graph_of("6.12").edges; }

// A model parameter no check models is refused as the STE/CD checks refuse
// it (checker/model_support.h), on a publication that passes and one that fails.
TEST(StructureGraph, DoorbellDsbIsUnknownNeverPassOrViolation) {
  const auto &e = edge("STE.S1ContextPtr (linear)");
  models::Model dsb = models::resolve_model("coherent");
  dsb.doorbell = models::Doorbell::Dsb;
  for (bool fenced : {false, true}) {
    TraceBuilder b;
    const int ste = b.reg("ste0", DescKind::Ste, kSte, 64, false);
    const int cd = b.reg("cdtab", DescKind::Cd, kCdTab, 4 * 64, true);
    b.barrier();
    b.store(cd, 1, 0x1234000);
    if (fenced) b.barrier();
    b.store(ste, 0, guard_bits(e, 0) | (kCdTab & e.mask));
    auto pubs = checker::check_structure_graph(b.t, dsb, all_edges());
    ASSERT_EQ(pubs.size(), 1u);
    EXPECT_EQ(pubs[0].outcome, Outcome::Unknown);
    EXPECT_NE(pubs[0].reason.find("doorbell=dsb"), std::string::npos) << pubs[0].reason;
  }
}

// An STE whose qword 0 carries V, Config=S1 and the linear CD table pointer:
// guard and pointer in one qword.
TEST(StructureGraph, SteToCdTablePublishedBeforeItsCdIsMisorderedThenFixedByABarrier) {
  const auto &e = edge("STE.S1ContextPtr (linear)");
  for (bool fenced : {false, true}) {
    TraceBuilder b;
    const int ste = b.reg("ste0", DescKind::Ste, kSte, 64, false);
    const int cd = b.reg("cdtab", DescKind::Cd, kCdTab, 4 * 64, true);
    b.barrier();  // the table's zeroing is ordered; its CD store is the question
    const int cd_store = b.store(cd, 1, 0x1234000);
    if (fenced) b.barrier();
    const int ptr = b.store(ste, 0, guard_bits(e, 0) | (kCdTab & e.mask));
    auto pubs = check(b.t, "coherent", all_edges());
    ASSERT_EQ(pubs.size(), 1u);
    EXPECT_EQ(pubs[0].pointer_event, ptr);
    EXPECT_EQ(pubs[0].edge, "STE.S1ContextPtr (linear)");
    EXPECT_EQ(pubs[0].table, "cdtab");
    EXPECT_EQ(pubs[0].table_stores, 1u);
    if (!fenced) {
      EXPECT_EQ(pubs[0].outcome, Outcome::Violation);
      EXPECT_EQ(pubs[0].kind, checker::ViolationKind::Misordered);
      EXPECT_EQ(pubs[0].unordered_event, cd_store);
      EXPECT_NE(pubs[0].reason.find("cdtab[1] before its store"), std::string::npos) << pubs[0].reason;
    } else {
      EXPECT_EQ(pubs[0].outcome, Outcome::Pass) << pubs[0].reason;
      EXPECT_EQ(check(b.t, "nc", all_edges())[0].outcome, Outcome::Pass);
    }
  }
}

TEST(StructureGraph, UnderCacheableOnlyACleanOfTheCdTablePublishesIt) {
  const auto &e = edge("STE.S1ContextPtr (linear)");
  for (bool cleaned : {false, true}) {
    TraceBuilder b;
    const int ste = b.reg("ste0", DescKind::Ste, kSte, 64, false);
    const int cd = b.reg("cdtab", DescKind::Cd, kCdTab, 64, true);
    b.store(cd, 0, 0x1);
    b.barrier();
    if (cleaned) b.clean(kCdTab, 64);
    b.store(ste, 0, guard_bits(e, 0) | (kCdTab & e.mask));
    auto pubs = check(b.t, "cacheable-64", all_edges());
    ASSERT_EQ(pubs.size(), 1u);
    if (cleaned) {
      EXPECT_EQ(pubs[0].outcome, Outcome::Pass) << pubs[0].reason;
    } else {
      EXPECT_EQ(pubs[0].outcome, Outcome::Violation) << "a barrier does not write a line back";
      EXPECT_EQ(pubs[0].kind, checker::ViolationKind::Stale);
    }
  }
}

// S2TTB lives in qword 3, Config in qword 0: the pointer is published by the
// qword-0 store that makes Config S2 with V, not by the S2TTB store.
TEST(StructureGraph, S2TtbIsPublishedWhenConfigInAnotherQwordMakesItFollowable) {
  const auto &e = edge("STE.S2TTB");
  for (bool late_pte : {false, true}) {
    TraceBuilder b;
    const int ste = b.reg("ste0", DescKind::Ste, kSte, 64, false);
    const int pgd = b.reg("table0", DescKind::PgTable, kPgd, 4096, true);
    const int pte = late_pte ? -1 : b.store(pgd, 0, 0x3);
    b.store(ste, 3, kPgd & e.mask);  // V=0: not followable yet
    b.barrier();
    const int late = late_pte ? b.store(pgd, 0, 0x3) : -1;
    const int ptr = b.store(ste, 0, guard_bits(e, 0));
    auto pubs = check(b.t, "coherent", all_edges());
    ASSERT_EQ(pubs.size(), 1u);
    EXPECT_EQ(pubs[0].edge, "STE.S2TTB");
    EXPECT_EQ(pubs[0].pointer_event, ptr) << "the guard's store publishes the pointer";
    EXPECT_EQ(pubs[0].table, "table0");
    if (late_pte) {
      EXPECT_EQ(pubs[0].outcome, Outcome::Violation);
      EXPECT_EQ(pubs[0].unordered_event, late);
    } else {
      EXPECT_EQ(pubs[0].outcome, Outcome::Pass) << pubs[0].reason << " (pte at event " << pte << ")";
    }
  }
}

// CD: TTB0 in qword 1, V (and EPD0) in qword 0.
TEST(StructureGraph, CdTtb0FollowsVAndNotEpd0) {
  const auto &e = edge("CD.TTB0");
  uint64_t epd0 = 0;
  for (const auto &g : e.guards)
    if (g.negate) epd0 = g.values.at(0);
  ASSERT_NE(epd0, 0u) << "the EPD0 guard comes from CTXDESC_CD_0_TCR_EPD0";
  TraceBuilder b;
  const int cd = b.reg("cd0", DescKind::Cd, kCdTab, 64, false);
  b.reg("table0", DescKind::PgTable, kPgd, 4096, true);
  b.store(cd, 1, kPgd & e.mask);
  b.store(cd, 0, guard_bits(e, 0) | epd0);  // EPD0=1: TTB0 is never walked
  EXPECT_TRUE(check(b.t, "coherent", all_edges()).empty());
  const int ptr = b.store(cd, 0, guard_bits(e, 0));
  auto pubs = check(b.t, "coherent", all_edges());
  ASSERT_EQ(pubs.size(), 1u);
  EXPECT_EQ(pubs[0].pointer_event, ptr);
  // The page table's zeroing (its allocation) was never ordered before V.
  EXPECT_EQ(pubs[0].outcome, Outcome::Violation);
  EXPECT_TRUE(pubs[0].seen_fresh);
  // A store that leaves the followable target as it was publishes nothing new.
  b.barrier();
  b.store(cd, 0, guard_bits(e, 0) | 0x100000);
  EXPECT_EQ(check(b.t, "coherent", all_edges()).size(), 1u);
  // A new target does.
  b.reg("table1", DescKind::PgTable, kPgd2, 4096, true);
  b.barrier();
  b.store(cd, 1, kPgd2 & e.mask);
  auto again = check(b.t, "coherent", all_edges());
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[1].table, "table1");
  EXPECT_EQ(again[1].outcome, Outcome::Pass) << again[1].reason;
}

// The STE publishes the CD table; the table's CD points at page tables the
// CPU wrote after the CD, while no STE pointed at the table: at the STE store
// those stores must be visible too, through the CD.
TEST(StructureGraph, WhatAStructureReachesMustBeVisibleWhenItIsPublished) {
  const auto &s1 = edge("STE.S1ContextPtr (linear)");
  const auto &ttb0 = edge("CD.TTB0");
  TraceBuilder b;
  const int ste = b.reg("ste0", DescKind::Ste, kSte, 64, false);
  const int cd = b.reg("cdtab", DescKind::Cd, kCdTab, 64, true);
  const int pgd = b.reg("table0", DescKind::PgTable, kPgd, 4096, true);
  b.barrier();
  b.store(cd, 1, kPgd & ttb0.mask);
  b.barrier();
  b.store(cd, 0, guard_bits(ttb0, 0));
  b.barrier();
  const int pte = b.store(pgd, 7, 0x3);  // after the CD was written, before the STE
  b.store(ste, 0, guard_bits(s1, 0) | (kCdTab & s1.mask));
  auto pubs = check(b.t, "coherent", all_edges());
  ASSERT_EQ(pubs.size(), 2u);  // CD -> table0, then STE -> cdtab
  EXPECT_EQ(pubs[0].edge, "CD.TTB0");
  EXPECT_EQ(pubs[0].outcome, Outcome::Pass) << pubs[0].reason;
  EXPECT_EQ(pubs[1].edge, "STE.S1ContextPtr (linear)");
  EXPECT_EQ(pubs[1].reached, 2u);
  EXPECT_EQ(pubs[1].outcome, Outcome::Violation);
  EXPECT_EQ(pubs[1].unordered_event, pte);
  EXPECT_EQ(pubs[1].unordered_in, "table0");
  EXPECT_EQ(pubs[1].path, "ste0 -> cdtab -> table0");
}

// S1Fmt 2-level: the STE names the level-1 CD table, whose descriptors name the leaves.
TEST(StructureGraph, TwoLevelCdTableIsReachedThroughItsLevel1Table) {
  const auto &s1 = edge("STE.S1ContextPtr (2-level)");
  const auto &l1 = edge("L1CD.L2Ptr");
  uint64_t fmt_mask = 0;
  for (const auto &g : s1.guards)
    if (g.negate) fmt_mask = g.mask;
  ASSERT_NE(fmt_mask, 0u);
  const uint64_t two_level = fmt_mask & (fmt_mask << 1);  // a non-linear S1Fmt value inside the field
  TraceBuilder b;
  const int ste = b.reg("ste0", DescKind::Ste, kSte, 64, false);
  const int l1cd = b.reg("cdtab.l1", DescKind::L1Cd, kCdTab, 64, true);
  const int l2 = b.reg("cdtab.l2.0", DescKind::Cd, kPgd, 4096, true);
  b.barrier();
  b.store(l1cd, 0, (kPgd & l1.mask) | 1);
  b.barrier();
  const int late = b.store(l2, 0, 0x5);  // a leaf store after its level-1 descriptor
  b.store(ste, 0, guard_bits(s1, 0) | two_level | (kCdTab & s1.mask));
  const auto all = all_edges();
  auto pubs = checker::check_structure_graph(b.t, models::resolve_model("coherent"),
                                             checker::non_level1_edges(graph_of("6.12")).edges, &all);
  ASSERT_EQ(pubs.size(), 1u) << "level-1 descriptors are not judged here, only followed";
  EXPECT_EQ(pubs[0].edge, "STE.S1ContextPtr (2-level)");
  EXPECT_EQ(pubs[0].table, "cdtab.l1");
  EXPECT_EQ(pubs[0].outcome, Outcome::Violation);
  EXPECT_EQ(pubs[0].unordered_event, late);
  EXPECT_EQ(pubs[0].path, "ste0 -> cdtab.l1 -> cdtab.l2.0");
}

TEST(StructureGraph, APointerToUnregisteredMemoryOrTheWrongKindIsUnknown) {
  const auto &e = edge("STE.S1ContextPtr (linear)");
  TraceBuilder b;
  const int ste = b.reg("ste0", DescKind::Ste, kSte, 128, false);
  b.reg("table0", DescKind::PgTable, kPgd, 4096, true);
  b.barrier();
  b.store(ste, 0, guard_bits(e, 0) | (kCdTab & e.mask));      // nothing registered there
  b.store(ste, 8, guard_bits(e, 0) | (kPgd & e.mask));        // STE 1: a page table, not a CD table
  auto pubs = check(b.t, "coherent", all_edges());
  ASSERT_EQ(pubs.size(), 2u);
  EXPECT_EQ(pubs[0].outcome, Outcome::Unknown);
  EXPECT_NE(pubs[0].reason.find("no registered structure"), std::string::npos) << pubs[0].reason;
  EXPECT_EQ(pubs[1].outcome, Outcome::Unknown);
  EXPECT_EQ(pubs[1].entry, 1u);
  EXPECT_NE(pubs[1].reason.find("registered as"), std::string::npos) << pubs[1].reason;
}

// ---- the edges each tree exports ----

TEST(StructureGraph, EachTreeExportsItsEdgesAndSaysWhatItLacks) {
  auto names = [](const checker::StructureGraph &g) {
    std::vector<std::string> n;
    for (const auto &e : g.edges) n.push_back(e.name);
    return n;
  };
  auto has_omitted = [](const checker::StructureGraph &g, const std::string &what) {
    return std::any_of(g.omitted.begin(), g.omitted.end(),
                       [&](const std::string &o) { return o.find(what) != std::string::npos; });
  };
  const std::vector<std::string> all = {"L1STD.L2Ptr", "L1CD.L2Ptr", "STE.S1ContextPtr (linear)",
                                        "STE.S1ContextPtr (2-level)", "STE.S2TTB", "CD.TTB0"};
  for (const char *series : {"6.12", "6.1"}) {
    EXPECT_EQ(names(graph_of(series)), all) << series;
    // Neither tree defines Config "nested": such an STE is not followed, and the graph says so.
    EXPECT_TRUE(has_omitted(graph_of(series), "STRTAB_STE_0_CFG_NESTED")) << series;
  }
  for (const auto &e : graph_of("6.12").edges)
    if (e.name == "STE.S2TTB") {
      EXPECT_EQ(e.qword, 3u);
      ASSERT_EQ(e.guards.size(), 2u);
      EXPECT_EQ(e.guards[1].values.size(), 1u) << "S2_TRANS only: no nested value on 6.12";
    }
  TREE_OR_SKIP(root73, "7.3");
  checker::StructureGraph g73 = checks::structure_graph(smmu::testing::kernel_at(root73));
  EXPECT_EQ(names(g73), all);
  EXPECT_FALSE(has_omitted(g73, "STRTAB_STE_0_CFG_NESTED"));
  for (const auto &e : g73.edges)
    if (e.name == "STE.S2TTB") {
      EXPECT_EQ(e.guards[1].values.size(), 2u) << "S2_TRANS and NESTED";
    }
}

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
