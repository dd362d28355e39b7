// The device's ATC in the walker check (docs/model.md §4.5), on hand-built traces:
// one level-3 table whose PTE for IOVA 0x80001000 is cleared, then the
// invalidations in the order under test, then a stable boundary. The
// translation may be used after that boundary only if the SMMU's TLB or the
// device's ATC can still hold it: then it is stale.
#include <gtest/gtest.h>

#include <sstream>

#include "model_registry.h"
#include "pt_check.h"
#include "timeline.h"

using namespace smmu;
using checker::Outcome;
using checker::ViolationKind;
using harness::Event;
using harness::EventKind;

namespace {

constexpr uint64_t kTable = 0x40000000, kTable2 = 0x40001000, kIova = 0x80001000, kPa = 0x880001000;
constexpr uint64_t kPte = kPa | 0x3;  // a valid level-3 page (bits[1:0] == 0b11)
constexpr uint32_t kSid = 0x10, kOtherSid = 0x11;

// A 4K stage-1 table walked from level 3, or from a level-2 table pointing to
// it (VMSAv8-64: index IOVA[29:21] at level 2, IOVA[20:12] at level 3).
checker::PtSemantics semantics() {
  checker::PtSemantics s;
  s.index = [](const checker::WalkGeom &, uint64_t iova, int lvl) { return (iova >> (lvl == 2 ? 21 : 12)) & 511; };
  s.decode = [](const checker::WalkGeom &, uint64_t iova, int lvl, uint64_t pte, uint64_t *addr,
                uint64_t *attrs) {
    if ((pte & 3) != 3) return -1;
    *addr = pte & 0xfffffffff000ull;
    if (lvl == 2) return 0;  // a table
    *addr |= iova & 0xfff;
    *attrs = pte & 0xffc;
    return 1;
  };
  s.block_size = [](const checker::WalkGeom &, int lvl) -> uint64_t { return lvl == 2 ? 0x200000 : 0x1000; };
  return s;
}

class AtsRun {
 public:
  // two_levels: the walk starts at a level-2 table whose entry points to the level-3 one.
  explicit AtsRun(std::vector<uint32_t> ats_sids, bool two_levels = false) {
    t_.descs.push_back({"table3", harness::DescKind::PgTable, kTable, 4096, true});
    Event reg;
    reg.kind = EventKind::DescRegister;
    reg.desc = 0;
    reg.addr = kTable;
    reg.size = 4096;
    reg.before.assign(512, 0);
    reg.before[(kIova >> 12) & 511] = kPte;
    t_.events.push_back(reg);
    if (two_levels) {
      t_.descs.push_back({"table2", harness::DescKind::PgTable, kTable2, 4096, true});
      reg.desc = 1;
      reg.addr = kTable2;
      reg.before.assign(512, 0);
      reg.before[(kIova >> 21) & 511] = kTable | 3;
      t_.events.push_back(reg);
    }
    geom_.root = two_levels ? kTable2 : kTable;
    geom_.start_level = two_levels ? 2 : 3;
    geom_.pgd_bits = 9;
    geom_.bits_per_level = 9;
    geom_.ias = geom_.oas = 48;
    geom_.asid = 5;
    geom_.tlbi_recorded = true;
    geom_.ats_sids = std::move(ats_sids);
    boundary();
  }
  AtsRun &boundary() {
    Event e;
    e.kind = EventKind::WalkContext;
    e.walk = geom_;
    e.iovas = {kIova};
    t_.events.push_back(e);
    return *this;
  }
  // Clears the level-2 entry: the level-3 table leaves the walk (as an unmap of its 2M span).
  AtsRun &clear_table_entry() {
    Event e;
    e.kind = EventKind::Store;
    e.desc = 1;
    e.addr = kTable2 + 8 * ((kIova >> 21) & 511);
    e.offset = e.addr - kTable2;
    e.size = 8;
    e.value = 0;
    e.old_value = kTable | 3;
    t_.events.push_back(e);
    return *this;
  }
  AtsRun &clear_pte() {
    Event e;
    e.kind = EventKind::Store;
    e.desc = 0;
    e.addr = kTable + 8 * ((kIova >> 12) & 511);
    e.offset = e.addr - kTable;
    e.size = 8;
    e.value = 0;
    e.old_value = kPte;
    t_.events.push_back(e);
    return *this;
  }
  AtsRun &command(uint64_t q0, uint64_t q1) {
    Event e;
    e.kind = EventKind::Command;
    e.cmd = {q0, q1};
    t_.events.push_back(e);
    return *this;
  }
  // TLBI_NH_VA(ASID 5, IOVA, Leaf): the non-range form, one page.
  AtsRun &tlbi() { return command(0x12 | 5ull << 48, kIova | 1); }
  // TLBI_NH_VA(ASID 5, addr, Leaf=0): the page at addr (scale 0, non-range
  // form), or 2^scale 4K pages from addr (range form, TG=4K).
  AtsRun &tlbi_walk(uint64_t addr, unsigned scale) {
    if (!scale) return command(0x12 | 5ull << 48, addr);
    return command(0x12 | uint64_t(scale) << 20 | 5ull << 48, addr | 1ull << 10);
  }
  // CMD_ATC_INV(SID, SSV=0, 2^size pages from addr).
  AtsRun &atc_inv(uint32_t sid = kSid, uint64_t addr = kIova, unsigned size = 0) {
    return command(0x40 | uint64_t(sid) << 32, addr | size);
  }
  AtsRun &sync() { return command(0x46, 0); }

  checker::PtVerdict check() const {
    static const checker::PtSemantics sem = semantics();
    return checker::check_pt_trace(t_, models::resolve_model("coherent"), sem);
  }
  const harness::Trace &trace() const { return t_; }
  std::string witness(const checker::PtVerdict &v) const {
    std::ostringstream out;
    checker::print_pt_witness(out, t_, v);
    return out.str();
  }

 private:
  harness::Trace t_;
  Event::Walk geom_;
};

}  // namespace

// The architecture's order (IHI 0070 §4.5.1): TLBI, CMD_SYNC, then ATC_INV, CMD_SYNC.
TEST(PtAtc, TlbiThenAtcInvPasses) {
  AtsRun r({kSid});
  r.clear_pte().tlbi().sync().atc_inv().sync().boundary();
  checker::PtVerdict v = r.check();
  EXPECT_EQ(v.outcome, Outcome::Pass) << v.reason << "\n" << r.witness(v);
  EXPECT_TRUE(v.atc);
  EXPECT_NE(v.reason.find("1 ATC_INVs"), std::string::npos) << v.reason;
}

// Every SID of the device needs its own ATC_INV.
TEST(PtAtc, EverySidInvalidatedPasses) {
  AtsRun r({kSid, kOtherSid});
  r.clear_pte().tlbi().sync().atc_inv(kSid).atc_inv(kOtherSid).sync().boundary();
  checker::PtVerdict v = r.check();
  EXPECT_EQ(v.outcome, Outcome::Pass) << v.reason << "\n" << r.witness(v);
}

// Without ATS the TLBI alone is enough: the ATC is not modelled.
TEST(PtAtc, WithoutAtsTheTlbiSuffices) {
  AtsRun r({});
  r.clear_pte().tlbi().sync().boundary();
  checker::PtVerdict v = r.check();
  EXPECT_EQ(v.outcome, Outcome::Pass) << v.reason;
  EXPECT_FALSE(v.atc);
}

// ATC_INV completed before the TLBI: the device refills its ATC from the
// SMMU's still valid TLB entry after the ATC_INV.
TEST(PtAtc, AtcInvBeforeTlbiCompletionIsStale) {
  AtsRun r({kSid});
  // events: 1 register, 2 boundary, 3 store, 4 ATC_INV, 5 sync, 6 TLBI, 7 sync, 8 boundary
  r.clear_pte().atc_inv().sync().tlbi().sync().boundary();
  checker::PtVerdict v = r.check();
  ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
  EXPECT_EQ(v.kind, ViolationKind::Stale);
  ASSERT_TRUE(v.witness.atc);
  EXPECT_EQ(v.witness.atc->sid, kSid);
  EXPECT_EQ(v.witness.cached_through, 1u);
  EXPECT_NE(v.reason.find("device's ATC (SID 0x10)"), std::string::npos) << v.reason;
  const std::string w = r.witness(v);
  EXPECT_NE(w.find("ATC entry (SID 0x10) filled after event 6: the ATC_INV at event 4 was issued before "
                   "the TLBI_NH_VA at event 6 completed"),
            std::string::npos)
      << w;
}

// explain draws the ATC as a cache lane: the ATC_INV that came too early, crossed.
TEST(PtAtc, TimelineDrawsTheAtcEntryAndTheEarlyAtcInv) {
  AtsRun r({kSid});
  r.clear_pte().atc_inv().sync().tlbi().sync().boundary();
  checker::PtVerdict v = r.check();
  ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
  report::Timeline tl = report::timeline_of_walk(r.trace(), v, "ats");
  const report::Timeline::CacheEntry *atc = nullptr;
  for (const auto &c : tl.cache)
    if (c.name == "device ATC, SID 0x10") atc = &c;
  ASSERT_NE(atc, nullptr);
  EXPECT_TRUE(atc->marked);
  ASSERT_FALSE(atc->misses.empty());
  EXPECT_EQ(atc->misses[0].event, 3) << "event 4, the ATC_INV";
  EXPECT_NE(atc->misses[0].why.find("refilled"), std::string::npos) << atc->misses[0].why;
  std::ostringstream svg;
  report::render_svg(svg, tl);
  EXPECT_NE(svg.str().find("<g class=\"cache-miss\" data-event=\"4\">"), std::string::npos);
}

// The same commands with the ATC_INV issued while the TLBI is outstanding
// (no CMD_SYNC between them): still before the TLBI completed.
TEST(PtAtc, AtcInvInTheTlbisBatchIsStale) {
  AtsRun r({kSid});
  r.clear_pte().tlbi().atc_inv().sync().boundary();
  checker::PtVerdict v = r.check();
  ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
  EXPECT_EQ(v.kind, ViolationKind::Stale);
  ASSERT_TRUE(v.witness.atc);
}

TEST(PtAtc, MissingAtcInvIsStale) {
  AtsRun r({kSid});
  r.clear_pte().tlbi().sync().boundary();
  checker::PtVerdict v = r.check();
  ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
  EXPECT_EQ(v.kind, ViolationKind::Stale);
  ASSERT_TRUE(v.witness.atc);
  EXPECT_LT(v.witness.atc->expires, 0);
  EXPECT_NE(r.witness(v).find("no ATC_INV for SID 0x10 after the walk"), std::string::npos) << r.witness(v);
}

// One of the device's two SIDs left out.
TEST(PtAtc, AtcInvForAnotherSidIsStale) {
  AtsRun r({kSid});
  r.clear_pte().tlbi().sync().atc_inv(kOtherSid).sync().boundary();
  checker::PtVerdict v = r.check();
  ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
  ASSERT_TRUE(v.witness.atc);
  EXPECT_NE(r.witness(v).find("sent to SID 0x11, not 0x10"), std::string::npos) << r.witness(v);

  AtsRun both({kSid, kOtherSid});
  both.clear_pte().tlbi().sync().atc_inv(kSid).sync().boundary();
  checker::PtVerdict v2 = both.check();
  ASSERT_EQ(v2.outcome, Outcome::Violation) << v2.reason;
  ASSERT_TRUE(v2.witness.atc);
  EXPECT_EQ(v2.witness.atc->sid, kOtherSid);
}

TEST(PtAtc, AtcInvOfAnotherRangeIsStale) {
  AtsRun r({kSid});
  r.clear_pte().tlbi().sync().atc_inv(kSid, kIova + 0x1000, 0).sync().boundary();
  checker::PtVerdict v = r.check();
  ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
  ASSERT_TRUE(v.witness.atc);
  EXPECT_NE(r.witness(v).find("misses the entry [0x80001000, 0x80002000)"), std::string::npos) << r.witness(v);

  // A wider span that is aligned down to include the page passes: 2^4 pages from 0x8000f000.
  AtsRun wide({kSid});
  wide.clear_pte().tlbi().sync().atc_inv(kSid, kIova + 0xe000, 4).sync().boundary();
  EXPECT_EQ(wide.check().outcome, Outcome::Pass);
}

// An ATC_INV whose CMD_SYNC never comes has not completed at the boundary.
TEST(PtAtc, AtcInvWithoutSyncIsStale) {
  AtsRun r({kSid});
  r.clear_pte().tlbi().sync().atc_inv().boundary();
  checker::PtVerdict v = r.check();
  ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
  ASSERT_TRUE(v.witness.atc);
  EXPECT_NE(r.witness(v).find("no CMD_SYNC completes it"), std::string::npos) << r.witness(v);
}

// A TLB hit needs only the leaf's entry: removing the walk-cache entry above
// it (a non-leaf TLBI of another page of the same 2M span) leaves the leaf,
// and the device can refill its ATC from it after the ATC_INV. The cleared
// PTE itself was never invalidated in the TLB.
TEST(PtAtc, TheLeafsTlbEntryAloneRefillsTheAtc) {
  AtsRun r({kSid}, true);
  r.clear_pte().tlbi_walk(kIova + 0x1000, 0).sync().atc_inv().sync().boundary();
  checker::PtVerdict v = r.check();
  ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
  ASSERT_TRUE(v.witness.atc);
  EXPECT_EQ(v.witness.atc->tlb_expired_by, -1);
}

// The unmap of a 2M span holding a table: a walk still using the cached
// level-2 entry may read the level-3 leaf after the TLBI is issued, but its
// completion leaves no entry derived from the invalidated one, so the
// ATC_INV after it is in time.
TEST(PtAtc, ALeafReadUnderItsTablesInvalidationGoesWithIt) {
  AtsRun r({kSid}, true);
  r.clear_table_entry().tlbi_walk(kIova & ~0x1fffffull, 9).sync().atc_inv(kSid, kIova & ~0x1fffffull, 9).sync()
      .boundary();
  checker::PtVerdict v = r.check();
  EXPECT_EQ(v.outcome, Outcome::Pass) << v.reason << "\n" << r.witness(v);
}
