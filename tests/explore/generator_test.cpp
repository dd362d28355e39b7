// The generator's pieces without kernel code: the core's page-size split,
// the table mirror's view of what a call does, and the sequence text form.
#include <gtest/gtest.h>

#include "generator.h"
#include "sequence.h"
#include "shadow_table.h"

namespace smmu::explore {
namespace {

constexpr uint64_t K4 = 4096, M2 = 2 << 20, G1 = 1ull << 30;
constexpr uint64_t kPgsizes4K = K4 | M2 | G1;

// As an SMMU with that granule reports it, after io-pgtable restricted it.
uint64_t pgsizes_for(uint64_t granule) {
  return granule == K4 ? kPgsizes4K : granule | granule * (granule / 8);
}

TEST(CorePgsize, AlignedRangeTakesTheLargestPageThatFits) {
  uint64_t count = 0;
  EXPECT_EQ(core_pgsize(kPgsizes4K, G1, 2 * G1, G1, &count), G1);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(core_pgsize(kPgsizes4K, G1, 2 * G1, 3 * M2, &count), M2);
  EXPECT_EQ(count, 3u);
}

TEST(CorePgsize, StopsAtTheBoundaryOfALargerPage) {
  uint64_t count = 0;
  // 4K pages up to the next 2M boundary, where a block can start.
  EXPECT_EQ(core_pgsize(kPgsizes4K, M2 - K4, M2 - K4, M2 + K4, &count), K4);
  EXPECT_EQ(count, 1u);
}

TEST(CorePgsize, MisalignedOutputAddressKeepsPages) {
  uint64_t count = 0;
  EXPECT_EQ(core_pgsize(kPgsizes4K, M2, M2 + K4, 2 * M2, &count), K4);
  EXPECT_EQ(count, 2 * M2 / K4);  // no larger page can ever be used
}

TEST(ShadowTable, MapOverAMappingIsRefusedAndOverAnEmptyTableFreesIt) {
  ShadowTable t(K4);
  EXPECT_EQ(t.map_effect(M2, K4), ShadowTable::Effect::Plain);
  t.map(M2, 0x1000000, K4);
  EXPECT_EQ(t.translate(M2 + 8), 0x1000008u);
  EXPECT_EQ(t.map_effect(M2, K4), ShadowTable::Effect::Invalid);
  // A block over the table holding that page: the IOMMU API maps unmapped IOVAs only.
  EXPECT_EQ(t.map_effect(M2, M2), ShadowTable::Effect::Invalid);
  EXPECT_EQ(t.unmap_effect(M2, K4), ShadowTable::Effect::Plain);
  t.unmap(M2, K4);
  EXPECT_EQ(t.translate(M2), 0u);
  // The emptied table stays: a block over it frees it (arm_lpae_init_pte).
  EXPECT_EQ(t.map_effect(M2, M2), ShadowTable::Effect::FreesTable);
  t.map(M2, 0x40000000, M2);
  EXPECT_EQ(t.translate(M2 + 3 * K4), 0x40003000u);
}

TEST(ShadowTable, UnmapInsideABlockSplitsItAndUnmapOfNothingIsRefused) {
  ShadowTable t(K4);
  EXPECT_EQ(t.unmap_effect(G1, K4), ShadowTable::Effect::Invalid);
  t.map(G1, 0x80000000, G1);
  EXPECT_EQ(t.unmap_effect(G1 + M2, K4), ShadowTable::Effect::Splits);
  t.unmap(G1 + M2, K4);
  EXPECT_EQ(t.translate(G1 + M2), 0u);
  EXPECT_EQ(t.translate(G1 + M2 + K4), 0x80000000u + M2 + K4);
  EXPECT_EQ(t.translate(G1 + 5 * M2), 0x80000000u + 5 * M2);
  // The level-2 span that held the page is a table now: unmapping it frees it.
  EXPECT_EQ(t.unmap_effect(G1 + M2, M2), ShadowTable::Effect::FreesTable);
}

TEST(Sequence, TextRoundTrips) {
  Sequence s;
  s.config = {16384, 2, 0, 1, 48};
  s.ops = {{KSHIM_XOP_MAP, 0x2000000000, 0x880000000, 0x4000, 3},
           {KSHIM_XOP_EXPECT_PHYS, 0x2000004000, 0x880004000, 0, 0},
           {KSHIM_XOP_UNMAP, 0x2000000000, 0, 0x4000, 1},
           {KSHIM_XOP_IOTLB_SYNC, 0, 0, 0, 0},
           {KSHIM_XOP_FLUSH_ALL, 0, 0, 0, 0},
           {KSHIM_XOP_EXPECT_PHYS, 0x2000000000, 0, 0, 0}};
  const std::string text = to_text(s);
  EXPECT_EQ(to_text(parse_sequence(text, "x.ops")), text);
  EXPECT_NE(text.find("config granule=16K stage=2 walk=non-coherent range-inv=on ias=48"), std::string::npos);
  EXPECT_NE(text.find("expect 0x2000000000 -> none"), std::string::npos);
}

TEST(Sequence, ErrorsNameTheLineAndWhatWasExpected) {
  try {
    parse_sequence("config granule=4K stage=1 walk=coherent range-inv=on ias=48\nmap 0x1000 0x2000\n", "bad.ops");
    FAIL() << "accepted a map without '->'";
  } catch (const std::invalid_argument &e) {
    EXPECT_STREQ(e.what(), "bad.ops:2: expected '->', got '0x2000'");
  }
  EXPECT_THROW(parse_sequence("map 0x1000 -> 0x2000 pgsize=0x1000 count=1\n", "x"), std::invalid_argument);
  EXPECT_THROW(parse_sequence("config granule=8K stage=1 walk=coherent range-inv=on ias=48\n", "x"),
               std::invalid_argument);
  EXPECT_THROW(parse_sequence("config granule=4K stage=1 walk=coherent range-inv=on ias=48\n"
                              "unmap 0x1000 pgsize=0x3000 count=1\n", "x"),
               std::invalid_argument);
}

TEST(Sequence, AtsIsAConfigurationField) {
  const std::string on = "config granule=4K stage=1 walk=coherent range-inv=on ias=48 ats=on\n";
  EXPECT_EQ(parse_sequence(on, "x").config.ats, 1);
  EXPECT_EQ(to_text(parse_sequence(on, "x")), on);
  // Sequences written before the field have no ATS, and print it.
  const Sequence old = parse_sequence("config granule=4K stage=1 walk=coherent range-inv=on ias=48\n", "x");
  EXPECT_EQ(old.config.ats, 0);
  EXPECT_NE(to_text(old).find("ias=48 ats=off\n"), std::string::npos);
  EXPECT_NE(describe_config(parse_sequence(on, "x").config).find("ATS"), std::string::npos);
  try {
    parse_sequence("\nconfig granule=4K stage=1 walk=coherent range-inv=on ias=48 ats=maybe\n", "ats.ops");
    FAIL() << "accepted ats=maybe";
  } catch (const std::invalid_argument &e) {
    EXPECT_STREQ(e.what(), "ats.ops:2: expected ats=on|off, got 'ats=maybe'");
  }
  try {
    parse_sequence("config granule=4K stage=1 walk=coherent range-inv=on ias=48 atc=on\n", "ats.ops");
    FAIL() << "accepted atc=on";
  } catch (const std::invalid_argument &e) {
    EXPECT_STREQ(e.what(), "ats.ops:1: expected ats=on|off, domain=paging|sva, cd-table=linear|2lvl, stall=on|off or end of line, "
                 "got 'atc=on'");
  }
  EXPECT_THROW(parse_sequence("config granule=4K stage=1 walk=coherent range-inv=on ias=48 ats=on x\n", "x"),
               std::invalid_argument);
}

TEST(Generator, DrawsAtsOnlyWhenTheTreeCanDriveIt) {
  for (bool ats : {false, true}) {
    GeneratorLimits limits;
    limits.ats = ats;
    const auto gen = draft_generator(limits);
    int on = 0;
    for (uint64_t seed = 0; seed < 100; ++seed) on += gen(rc::Random(seed), 100).value().config.ats;
    if (ats) {
      EXPECT_GT(on, 10);
      EXPECT_LT(on, 90);
    } else {
      EXPECT_EQ(on, 0);
    }
  }
}

TEST(Generator, ConcreteSequencesAreDeterministicAndOnlyWhatTheCoreWouldDo) {
  GeneratorLimits limits;
  limits.allow_split = false;
  const auto gen = draft_generator(limits);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const Draft a = gen(rc::Random(seed), 100).value(), b = gen(rc::Random(seed), 100).value();
    const Concrete ca = concretize(a, 1ull << 40, pgsizes_for(a.config.granule), false),
                   cb = concretize(b, 1ull << 40, pgsizes_for(b.config.granule), false);
    ASSERT_EQ(to_text(ca.sequence), to_text(cb.sequence)) << "seed " << seed;
    EXPECT_EQ(ca.paths.splits, 0) << "seed " << seed << ": a split on a tree without it";
    // Every unmap ends with the iotlb_sync of its gather.
    for (size_t i = 0; i < ca.sequence.ops.size(); ++i)
      if (ca.sequence.ops[i].kind == KSHIM_XOP_UNMAP) {
        size_t j = i;
        while (j < ca.sequence.ops.size() && ca.sequence.ops[j].kind == KSHIM_XOP_UNMAP) ++j;
        ASSERT_LT(j, ca.sequence.ops.size()) << to_text(ca.sequence);
        EXPECT_EQ(ca.sequence.ops[j].kind, KSHIM_XOP_IOTLB_SYNC) << to_text(ca.sequence);
        i = j;
      }
  }
}


TEST(Sequence, SvaTextRoundTripsAndNamesWhatASvaDomainLacks) {
  const std::string text =
      "config granule=4K stage=1 walk=coherent range-inv=off ias=48 domain=sva\n"
      "map 0x80000000 -> 0x880000000 pgsize=0x1000 count=2\n"
      "unmap 0x80000000 pgsize=0x1000 count=1\n"
      "notify 0x80000000 0x80001000\n"
      "notify 0x0 0xffffffffffffffff\n"
      "expect 0x80000000 -> none\n";
  const Sequence s = parse_sequence(text, "sva.ops");
  EXPECT_EQ(s.config.sva, 1);
  ASSERT_EQ(s.ops.size(), 5u);
  EXPECT_EQ(s.ops[2].kind, KSHIM_XOP_NOTIFY);
  EXPECT_EQ(s.ops[2].iova, 0x80000000u);
  EXPECT_EQ(s.ops[2].pa, 0x80001000u);
  EXPECT_EQ(s.ops[3].pa, ~uint64_t(0));
  EXPECT_EQ(to_text(s), text);
  // Without domain= a config is a paging domain, as before.
  EXPECT_EQ(parse_sequence("config granule=4K stage=1 walk=coherent range-inv=on ias=48\n", "x").config.sva, 0);

  auto error = [](const std::string &t) {
    try {
      parse_sequence(t, "bad.ops");
    } catch (const std::invalid_argument &e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(error("config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=mm\n"),
            "bad.ops:1: expected domain=paging|sva, got 'domain=mm'");
  EXPECT_EQ(error("config granule=16K stage=1 walk=coherent range-inv=on ias=48 domain=sva\n"),
            "bad.ops:1: expected granule=4K stage=1 walk=coherent ias=48 with domain=sva, "
            "got 'granule=16K stage=1 walk=coherent ias=48'");
  EXPECT_EQ(error("config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=sva x\n"),
            "bad.ops:1: expected ats=on|off, domain=paging|sva, cd-table=linear|2lvl, stall=on|off or end of line, "
            "got 'x'");
  EXPECT_EQ(error("config granule=4K stage=1 walk=coherent range-inv=on ias=48 ats=on domain=sva\n"),
            "bad.ops:1: expected ats=off with domain=sva (ATS is generated on paging domains only), got 'ats=on'");
  EXPECT_EQ(error("config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=sva domain=paging\n"),
            "bad.ops:1: expected each setting once, got 'domain=paging'");
  EXPECT_EQ(error("config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=sva\n\niotlb_sync\n"),
            "bad.ops:3: expected map, unmap, notify or expect with domain=sva, got 'iotlb_sync'");
  EXPECT_EQ(error("config granule=4K stage=1 walk=coherent range-inv=on ias=48\nnotify 0x0 0x1000\n"),
            "bad.ops:2: expected map, unmap, iotlb_sync, flush_all or expect without domain=sva, got 'notify'");
  EXPECT_EQ(error("config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=sva\nnotify 0x2000 0x1000\n"),
            "bad.ops:2: expected an end address above the start, got '0x1000'");
  EXPECT_EQ(error("config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=sva\nnotify 0x2000\n"),
            "bad.ops:2: expected the end address, got 'end of line'");
}

TEST(Generator, SvaStepsEndAsTheMmEndsThem) {
  GeneratorLimits limits;
  limits.paging = false;
  limits.sva = true;
  const auto gen = draft_generator(limits);
  int notifies = 0, whole_mm = 0, map_notifies = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const Draft d = gen(rc::Random(seed), 100).value();
    ASSERT_EQ(d.config.sva, 1);
    EXPECT_EQ(d.config.granule, 4096u);
    EXPECT_EQ(d.config.stage, 1);
    EXPECT_EQ(d.config.coherent_walk, 1) << "SVA needs a coherent SMMU";
    EXPECT_EQ(d.config.ias_bits, 48);
    const Concrete c = concretize(d, 2ull << 30, kPgsizes4K, true);
    const auto &ops = c.sequence.ops;
    for (size_t i = 0; i < ops.size(); ++i) {
      EXPECT_NE(ops[i].kind, KSHIM_XOP_IOTLB_SYNC);
      EXPECT_NE(ops[i].kind, KSHIM_XOP_FLUSH_ALL);
      if (ops[i].kind == KSHIM_XOP_NOTIFY) {
        ++notifies;
        whole_mm += ops[i].iova == 0 && ops[i].pa == ~uint64_t(0);
        map_notifies += i > 0 && ops[i - 1].kind == KSHIM_XOP_MAP;
      }
      if (ops[i].kind != KSHIM_XOP_UNMAP) continue;
      // The CPU's unmap calls are followed by one notifier call covering them all.
      const uint64_t start = ops[i].iova;
      size_t j = i;
      uint64_t end = start;
      for (; j < ops.size() && ops[j].kind == KSHIM_XOP_UNMAP; ++j) end = ops[j].iova + ops[j].pgsize * ops[j].count;
      ASSERT_LT(j, ops.size()) << to_text(c.sequence);
      ASSERT_EQ(ops[j].kind, KSHIM_XOP_NOTIFY) << to_text(c.sequence);
      EXPECT_LE(ops[j].iova, start);
      EXPECT_GE(ops[j].pa, end);
      i = j;
    }
    // Round trip through the text form --replay reads.
    EXPECT_EQ(to_text(parse_sequence(to_text(c.sequence), "x")), to_text(c.sequence));
  }
  EXPECT_GT(notifies, 0);
  EXPECT_GT(whole_mm, 0) << "flush_tlb_mm is drawn";
  EXPECT_GT(map_notifies, 0) << "a block over an emptied table is flushed";
}

TEST(Generator, DrawsBothDomainsAndPagingAloneIsUnchanged) {
  GeneratorLimits paging, both;
  both.sva = true;
  const auto gp = draft_generator(paging), gb = draft_generator(both);
  int sva = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    EXPECT_EQ(gp(rc::Random(seed), 100).value().config.sva, 0);
    sva += gb(rc::Random(seed), 100).value().config.sva;
  }
  EXPECT_GT(sva, 20);
  EXPECT_LT(sva, 100);
}

std::string parse_error(const std::string &text) {
  try {
    parse_sequence(text, "e.ops");
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "";
}

TEST(Sequence, AttachTextRoundTripsAndNeedsAMaster) {
  const std::string head = "config granule=4K stage=1 walk=coherent range-inv=on ias=48 ats=off";
  const std::string text = head + " cd-table=2lvl stall=on\n"
                                  "map 0x80000000 -> 0x880000000 pgsize=0x1000 count=1\n"
                                  "attach A\nattach X\nattach blocked\nattach identity\nattach B\n";
  const Sequence s = parse_sequence(text, "a.ops");
  EXPECT_EQ(to_text(s), text);
  ASSERT_EQ(s.ops.size(), 6u);
  EXPECT_EQ(s.ops[1].kind, KSHIM_XOP_ATTACH);
  EXPECT_EQ(s.ops[1].iova, uint64_t(KSHIM_XDOM_A));
  EXPECT_EQ(s.ops[2].iova, uint64_t(KSHIM_XDOM_X));
  EXPECT_TRUE(s.config.attach && s.config.cd_2lvl && s.config.stall);
  EXPECT_EQ(parse_error(head + "\nattach A\n"),
            "e.ops:2: expected cd-table=linear|2lvl in the config before an attach (the master needs its STEs), "
            "got 'attach'");
  EXPECT_EQ(parse_error(head + " cd-table=linear\nattach C\n"), "e.ops:2: expected blocked, identity, A, B or X, got 'C'");
  EXPECT_EQ(parse_error(head + " stall=on\n").rfind("e.ops:1: expected cd-table=linear|2lvl with stall=on", 0), 0u);
  EXPECT_NE(parse_error("config granule=4K stage=1 walk=coherent range-inv=on ias=48 ats=on cd-table=linear\n"), "");
}

TEST(Generator, DrawsAttachOnlyWhenTheTreeCanAndOnlyWithAMaster) {
  GeneratorLimits plain, attach;
  plain.ats = attach.ats = true;
  attach.attach = attach.cd_2lvl = true;
  const auto gp = draft_generator(plain), ga = draft_generator(attach);
  int masters = 0, two_level = 0, attaches = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    EXPECT_EQ(gp(rc::Random(seed), 100).value().config.attach, 0);
    const Draft a = ga(rc::Random(seed), 100).value();
    masters += a.config.attach;
    two_level += a.config.cd_2lvl;
    if (a.config.attach) EXPECT_EQ(a.config.ats, 0) << "attach does not drive ATS";
    const Concrete c = concretize(a, 1ull << 40, pgsizes_for(a.config.granule), false);
    for (const auto &op : c.sequence.ops) {
      if (op.kind != KSHIM_XOP_ATTACH) continue;
      EXPECT_TRUE(a.config.attach) << to_text(c.sequence);
      ++attaches;
    }
    EXPECT_EQ(to_text(parse_sequence(to_text(c.sequence), "x")), to_text(c.sequence));
  }
  EXPECT_GT(masters, 40);
  EXPECT_GT(two_level, 10);
  EXPECT_GT(attaches, 50);
}

}  // namespace
}  // namespace smmu::explore
