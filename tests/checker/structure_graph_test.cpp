// The structure graph (checker/structure_graph.h): hand-built traces for each
// edge kind, with the edges (masks, guard values) the real 6.12 slice exports
// from its own macros; the level-1 publications of the real 6.12 code
// (structure_graph_kernel_test.cpp has the real code's publications).
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

const checker::GraphEdge &edge(const std::string &name) {
  for (const auto &e : graph_of("6.12").edges)
    if (e.name == name) return e;
  throw std::runtime_error("the 6.12 slice exports no edge " + name);
}

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

}  // namespace
