// The architecture's meaning of SMMUv3 TLBI commands (IHI 0070 §4.4): decoded
// from raw command queue entries, checked against cached entries.
#include "tlbi_scope.h"

#include <gtest/gtest.h>

#include "command.h"

using smmu::checker::describe;
using smmu::checker::invalidates;
using smmu::checker::SmmuCaps;
using smmu::checker::TlbEntry;
using smmu::checker::TlbiScope;
using smmu::checker::TlbiStatus;
using smmu::checker::tlbi_scope;

namespace {

constexpr uint64_t K4 = 0x1000, K16 = 0x4000, K64 = 0x10000, M2 = 0x200000, G1 = 0x40000000;

// Encodes like Linux arm_smmu_cmdq_build_cmd (CMDQ_TLBI_* field positions).
struct Tlbi {
  uint8_t op = 0x12;
  uint16_t asid = 0, vmid = 0;
  uint8_t num = 0, scale = 0, ttl = 0, tg = 0;
  bool leaf = false;
  uint64_t addr = 0;
  std::array<uint64_t, 2> raw() const {
    return {uint64_t(op) | uint64_t(num) << 12 | uint64_t(scale) << 20 | uint64_t(vmid) << 32 |
                uint64_t(asid) << 48,
            uint64_t(leaf) | uint64_t(ttl) << 8 | uint64_t(tg) << 10 | (addr & ~0xfffull)};
  }
};
constexpr uint8_t kNhAll = 0x10, kNhAsid = 0x11, kNhVa = 0x12, kNhVaa = 0x13, kEl2All = 0x20,
                  kEl2Asid = 0x21, kEl2Va = 0x22, kS12Vmall = 0x28, kS2Ipa = 0x2a,
                  kNsnhAll = 0x30;

TlbiScope scope(const Tlbi &t, const SmmuCaps &caps = {}) { return tlbi_scope(t.raw(), caps); }

TlbEntry leaf(uint64_t base, uint64_t size, int level, uint16_t asid = 5, uint64_t gran = K4) {
  TlbEntry e;
  e.asid = asid;
  e.base = base;
  e.size = size;
  e.level = level;
  e.granule = gran;
  return e;
}
TlbEntry page(uint64_t va, uint16_t asid = 5) { return leaf(va, K4, 3, asid); }
TlbEntry table(uint64_t base, uint64_t size, int level, uint16_t asid = 5) {
  TlbEntry e = leaf(base, size, level, asid);
  e.leaf = false;
  return e;
}
TlbEntry stage2_page(uint64_t ipa, uint16_t vmid) {
  TlbEntry e = page(ipa, 0);
  e.stage = 2;
  e.vmid = vmid;
  return e;
}

// The kernel, unmapping 4x4K at 0x10000 with ASID 5 on a RIL SMMU.
const std::array<uint64_t, 2> kKernelRange = {0x0005000000200012ull, 0x0000000000010701ull};
// The kernel's flush_walk of the 2M table region at 0x200000 with RIL.
const Tlbi kFlushWalk{.op = kNhVa, .asid = 5, .num = 0, .scale = 9, .ttl = 0, .tg = 1,
                      .leaf = false, .addr = M2};

TEST(TlbiScope, KernelRangeCommandDecodesToExactRange) {
  TlbiScope s = tlbi_scope(kKernelRange, {});
  ASSERT_EQ(s.status, TlbiStatus::Legal) << s.reason;
  EXPECT_STREQ(s.name, "TLBI_NH_VA");
  EXPECT_EQ(s.fields.scale, 2);
  EXPECT_EQ(s.fields.num, 0);
  EXPECT_EQ(s.fields.asid, 5);
  EXPECT_EQ(s.fields.tg, 1);
  EXPECT_EQ(s.fields.ttl, 3);
  EXPECT_TRUE(s.fields.leaf);
  EXPECT_TRUE(s.stage1 && !s.stage2 && !s.el2);
  EXPECT_TRUE(s.range && s.by_address && s.leaf_only);
  EXPECT_EQ(s.first, 0x10000u);
  EXPECT_EQ(s.last, 0x13fffu);
  EXPECT_EQ(s.ttl, 3);
  EXPECT_EQ(s.granule, K4);
  EXPECT_EQ(describe(s), "TLBI_NH_VA asid=5 vmid=0 [0x10000, 0x14000) leaf TTL=3 granule 4K");
}

TEST(TlbiScope, FieldPositionsAgreeWithTheHarnessDecoder) {
  smmu::harness::Command c = smmu::harness::decode_command(kKernelRange);
  TlbiScope s = tlbi_scope(kKernelRange, {});
  EXPECT_EQ(c.asid, s.fields.asid);
  EXPECT_EQ(c.vmid, s.fields.vmid);
  EXPECT_EQ(c.num, s.fields.num);
  EXPECT_EQ(c.scale, s.fields.scale);
  EXPECT_EQ(c.tg, s.fields.tg);
  EXPECT_EQ(c.ttl, s.fields.ttl);
  EXPECT_EQ(c.leaf, s.fields.leaf);
  EXPECT_EQ(c.addr, s.fields.addr);
}

TEST(TlbiScope, RangeRemovesItsPagesAndKeepsTheNeighbours) {
  TlbiScope s = tlbi_scope(kKernelRange, {});
  for (uint64_t va = 0x10000; va < 0x14000; va += K4) EXPECT_TRUE(invalidates(s, page(va))) << va;
  EXPECT_FALSE(invalidates(s, page(0xf000)));
  EXPECT_FALSE(invalidates(s, page(0x14000)));
}

TEST(TlbiScope, TtlDecidesWhetherAnOverlappingBlockGoes) {
  TlbEntry block = leaf(0, M2, 2);  // 2M block at level 2 covering 0x10000
  // TTL=3: only level-3 leaves are required to go; conservatively the block stays.
  EXPECT_FALSE(invalidates(tlbi_scope(kKernelRange, {}), block));
  // TTL=0: leaves at any level.
  TlbiScope any = scope({.op = kNhVa, .asid = 5, .num = 3, .tg = 1, .leaf = true, .addr = 0x10000});
  ASSERT_EQ(any.status, TlbiStatus::Legal) << any.reason;
  EXPECT_TRUE(invalidates(any, block));
  // TTL=2 on a 2M-aligned address: the block goes, level-3 pages in range stay.
  TlbiScope l2 = scope({.op = kNhVa, .asid = 5, .ttl = 2, .tg = 1, .leaf = true, .addr = M2});
  ASSERT_EQ(l2.status, TlbiStatus::Legal) << l2.reason;
  EXPECT_TRUE(invalidates(l2, leaf(M2, M2, 2)));
  EXPECT_FALSE(invalidates(l2, page(M2 + K4)));
}

TEST(TlbiScope, TtlWithAnAddressNotAlignedToItsLevelIsUnpredictable) {
  TlbiScope s = scope({.op = kNhVa, .asid = 5, .ttl = 2, .tg = 1, .leaf = true, .addr = 0x10000});
  EXPECT_EQ(s.status, TlbiStatus::Unpredictable);
  EXPECT_NE(s.reason.find("Address[20:12]"), std::string::npos) << s.reason;
  EXPECT_FALSE(invalidates(s, leaf(0, M2, 2)));
}

TEST(TlbiScope, LeafOnlyKeepsWalkCacheEntriesNonLeafRemovesThem) {
  TlbEntry l2_table = table(0, M2, 2);
  EXPECT_FALSE(invalidates(tlbi_scope(kKernelRange, {}), l2_table));
  Tlbi non_leaf{.op = kNhVa, .asid = 5, .num = 0, .scale = 2, .ttl = 3, .tg = 1, .addr = 0x10000};
  EXPECT_TRUE(invalidates(scope(non_leaf), l2_table));

  TlbiScope walk = scope(kFlushWalk);
  ASSERT_EQ(walk.status, TlbiStatus::Legal) << walk.reason;
  EXPECT_EQ(describe(walk),
            "TLBI_NH_VA asid=5 vmid=0 [0x200000, 0x400000) leaf+walk TTL=0 granule 4K");
  EXPECT_TRUE(invalidates(walk, table(M2, M2, 2)));
  EXPECT_TRUE(invalidates(walk, table(0, G1, 1)));
  EXPECT_TRUE(invalidates(walk, table(0, 512 * G1, 0)));
  EXPECT_TRUE(invalidates(walk, page(2 * M2 - K4)));
  EXPECT_FALSE(invalidates(walk, table(2 * M2, M2, 2)));
  EXPECT_FALSE(invalidates(walk, table(M2, M2, 2, /*asid=*/6)));
}

TEST(TlbiScope, NonLeafWithTtlFollowsTheSpecExample) {
  // TTL=2, Leaf=0: level-2 blocks and level 0/1 tables go; level-3 entries,
  // level-2 tables and level-1 blocks are not required to.
  TlbiScope s = scope({.op = kNhVa, .asid = 5, .ttl = 2, .tg = 1, .addr = 0});
  ASSERT_EQ(s.status, TlbiStatus::Legal) << s.reason;
  EXPECT_TRUE(invalidates(s, leaf(0, M2, 2)));
  EXPECT_TRUE(invalidates(s, table(0, G1, 1)));
  EXPECT_TRUE(invalidates(s, table(0, 512 * G1, 0)));
  EXPECT_FALSE(invalidates(s, page(0)));
  EXPECT_FALSE(invalidates(s, table(0, M2, 2)));
  EXPECT_FALSE(invalidates(s, leaf(0, G1, 1)));
}

TEST(TlbiScope, NonRangeFormIsTheEntryContainingTheAddress) {
  SmmuCaps no_ril;
  no_ril.range_invalidation = false;
  TlbiScope s = scope({.op = kNhVa, .asid = 5, .leaf = true, .addr = 0x11000}, no_ril);
  ASSERT_EQ(s.status, TlbiStatus::Legal) << s.reason;
  EXPECT_EQ(describe(s), "TLBI_NH_VA asid=5 vmid=0 va=0x11000 leaf TTL=0 granule any");
  EXPECT_TRUE(invalidates(s, page(0x11000)));
  EXPECT_FALSE(invalidates(s, page(0x10000)));
  EXPECT_FALSE(invalidates(s, page(0x12000)));
  EXPECT_TRUE(invalidates(s, leaf(0, M2, 2)));                 // any level
  EXPECT_TRUE(invalidates(s, leaf(0x10000, K16, 3, 5, K16)));  // any granule
}

TEST(TlbiScope, AsidMismatchKeepsGlobalEntriesGoByVa) {
  TlbiScope s = tlbi_scope(kKernelRange, {});
  EXPECT_FALSE(invalidates(s, page(0x10000, /*asid=*/6)));
  TlbEntry global = page(0x10000, 6);
  global.global = true;
  EXPECT_TRUE(invalidates(s, global));
  TlbiScope by_asid = scope({.op = kNhAsid, .asid = 5});
  EXPECT_FALSE(invalidates(by_asid, global));
}

TEST(TlbiScope, VmidMismatchKeeps) {
  TlbEntry e = page(0x10000);
  e.vmid = 1;
  EXPECT_FALSE(invalidates(tlbi_scope(kKernelRange, {}), e));
  SmmuCaps s1_only;
  s1_only.stage2 = false;  // without stage 2 the VMID is not matched
  EXPECT_TRUE(invalidates(tlbi_scope(kKernelRange, s1_only), e));
}

TEST(TlbiScope, S2IpaDoesNotTouchStage1Entries) {
  TlbiScope s = scope({.op = kS2Ipa, .vmid = 3, .leaf = true, .addr = 0x10000});
  ASSERT_EQ(s.status, TlbiStatus::Legal) << s.reason;
  EXPECT_EQ(describe(s), "TLBI_S2_IPA vmid=3 ipa=0x10000 leaf TTL=0 granule any");
  EXPECT_TRUE(invalidates(s, stage2_page(0x10000, 3)));
  EXPECT_FALSE(invalidates(s, stage2_page(0x10000, 4)));
  TlbEntry s1 = page(0x10000);
  s1.vmid = 3;
  EXPECT_FALSE(invalidates(s, s1));
}

TEST(TlbiScope, NhAsidRemovesEverythingOfThatAsid) {
  TlbiScope s = scope({.op = kNhAsid, .asid = 5});
  ASSERT_EQ(s.status, TlbiStatus::Legal) << s.reason;
  EXPECT_EQ(describe(s), "TLBI_NH_ASID asid=5 vmid=0 non-global all addresses");
  EXPECT_TRUE(invalidates(s, page(0x10000)));
  EXPECT_TRUE(invalidates(s, page(0x7fff'ffff'f000)));
  EXPECT_TRUE(invalidates(s, leaf(G1, G1, 1)));
  EXPECT_TRUE(invalidates(s, table(0, G1, 1)));
  EXPECT_FALSE(invalidates(s, page(0x10000, 6)));
  EXPECT_FALSE(invalidates(s, stage2_page(0x10000, 0)));
}

TEST(TlbiScope, S12VmallRemovesBothStagesOfItsVmidOnly) {
  TlbiScope s = scope({.op = kS12Vmall, .vmid = 3});
  ASSERT_EQ(s.status, TlbiStatus::Legal) << s.reason;
  TlbEntry s1 = page(0x10000, 9);
  s1.vmid = 3;
  TlbEntry s1_global = s1;
  s1_global.global = true;
  EXPECT_TRUE(invalidates(s, s1));
  EXPECT_TRUE(invalidates(s, s1_global));
  EXPECT_TRUE(invalidates(s, stage2_page(0x10000, 3)));
  TlbEntry other = s1;
  other.vmid = 4;
  EXPECT_FALSE(invalidates(s, other));
  EXPECT_FALSE(invalidates(s, stage2_page(0x10000, 4)));
  TlbEntry el2 = page(0x10000);
  el2.el2 = true;
  el2.vmid = 3;
  EXPECT_FALSE(invalidates(s, el2));
}

TEST(TlbiScope, El2FormsAndEl1FormsNeverMeet) {
  SmmuCaps hyp;
  hyp.hyp = true;
  hyp.e2h = true;
  TlbEntry el2 = page(0x10000);
  el2.el2 = true;
  TlbEntry el1 = page(0x10000);
  TlbiScope all2 = scope({.op = kEl2All}, hyp);
  ASSERT_EQ(all2.status, TlbiStatus::Legal) << all2.reason;
  EXPECT_TRUE(invalidates(all2, el2));
  EXPECT_FALSE(invalidates(all2, el1));
  EXPECT_FALSE(invalidates(all2, stage2_page(0x10000, 0)));
  TlbiScope va2 = scope({.op = kEl2Va, .asid = 5, .leaf = true, .addr = 0x10000}, hyp);
  EXPECT_TRUE(invalidates(va2, el2));
  EXPECT_FALSE(invalidates(va2, el1));
  EXPECT_FALSE(invalidates(va2, [&] { TlbEntry e = el2; e.asid = 6; return e; }()));
  TlbiScope nsnh = scope({.op = kNsnhAll}, hyp);
  EXPECT_TRUE(invalidates(nsnh, el1));
  EXPECT_TRUE(invalidates(nsnh, stage2_page(0x10000, 7)));
  EXPECT_FALSE(invalidates(nsnh, el2));
  // Without E2H, EL2 entries carry no ASID and EL2_ASID is not required to touch them.
  hyp.e2h = false;
  TlbiScope asid2 = scope({.op = kEl2Asid, .asid = 5}, hyp);
  EXPECT_EQ(asid2.status, TlbiStatus::Legal);
  EXPECT_FALSE(invalidates(asid2, el2));
}

TEST(TlbiScope, NhAllTakesEveryAsidOfItsVmid) {
  TlbiScope s = scope({.op = kNhAll, .vmid = 2});
  TlbEntry e = page(0x10000, 77);
  e.vmid = 2;
  EXPECT_TRUE(invalidates(s, e));
  e.vmid = 1;
  EXPECT_FALSE(invalidates(s, e));
  TlbiScope vaa = scope({.op = kNhVaa, .vmid = 2, .leaf = true, .addr = 0x10000});
  e.vmid = 2;
  EXPECT_TRUE(invalidates(vaa, e));
}

// --- Illegal and unguaranteed encodings: each invalidates nothing, though the
// --- legal neighbour shown first would remove the entry.

TEST(TlbiScope, RangeFormWithoutRilIsReservedNonZero) {
  SmmuCaps no_ril;
  no_ril.range_invalidation = false;
  EXPECT_TRUE(invalidates(tlbi_scope(kKernelRange, {}), page(0x10000)));
  TlbiScope s = tlbi_scope(kKernelRange, no_ril);
  EXPECT_EQ(s.status, TlbiStatus::ReservedNonZero);
  EXPECT_NE(s.reason.find("SMMU_IDR3.RIL == 0"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("§4.1.5"), std::string::npos) << s.reason;
  EXPECT_FALSE(invalidates(s, page(0x10000)));
  EXPECT_NE(describe(s).find("assumed to invalidate nothing"), std::string::npos);
}

TEST(TlbiScope, GranuleWithoutRangeOrLevelIsIllegal) {
  // NUM == 0, SCALE == 0, TTL == 0 with TG != 0: Reserved, CERROR_ILL.
  TlbiScope s = scope({.op = kNhVa, .asid = 5, .tg = 1, .leaf = true, .addr = 0x10000});
  EXPECT_EQ(s.status, TlbiStatus::Illegal);
  EXPECT_NE(s.reason.find("CERROR_ILL"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("§4.4.1.1"), std::string::npos) << s.reason;
  EXPECT_FALSE(invalidates(s, page(0x10000)));
  EXPECT_NE(describe(s).find("illegal, invalidates nothing"), std::string::npos) << describe(s);
  EXPECT_TRUE(invalidates(scope({.op = kNhVa, .asid = 5, .ttl = 3, .tg = 1, .leaf = true,
                                 .addr = 0x10000}),
                          page(0x10000)));
}

TEST(TlbiScope, Ttl1With16KGranuleWithoutDsIsTreatedAsZero) {
  TlbEntry p16 = leaf(0x10000, K16, 3, 5, K16);
  // With NUM == SCALE == 0 it becomes the Reserved combination.
  TlbiScope s = scope({.op = kNhVa, .asid = 5, .ttl = 1, .tg = 2, .leaf = true, .addr = 0x10000});
  EXPECT_EQ(s.status, TlbiStatus::Illegal) << s.reason;
  EXPECT_FALSE(invalidates(s, p16));
  // With a range it is a legal TTL=0 range.
  TlbiScope r = scope({.op = kNhVa, .asid = 5, .num = 1, .ttl = 1, .tg = 2, .leaf = true,
                       .addr = 0x10000});
  ASSERT_EQ(r.status, TlbiStatus::Legal) << r.reason;
  EXPECT_EQ(r.ttl, 0);
  EXPECT_TRUE(invalidates(r, p16));
  // With SMMU_IDR5.DS it is a level-1 hint (64G alignment), so a level-3 page stays.
  SmmuCaps ds;
  ds.ds = true;
  TlbiScope d = scope({.op = kNhVa, .asid = 5, .ttl = 1, .tg = 2, .leaf = true, .addr = 0}, ds);
  ASSERT_EQ(d.status, TlbiStatus::Legal) << d.reason;
  EXPECT_EQ(d.ttl, 1);
  EXPECT_FALSE(invalidates(d, leaf(0, K16, 3, 5, K16)));
  EXPECT_TRUE(invalidates(d, leaf(0, 64 * G1, 1, 5, K16)));
}

TEST(TlbiScope, RangeFieldsWithTgZeroAreReservedNonZero) {
  EXPECT_TRUE(invalidates(scope({.op = kNhVa, .asid = 5, .leaf = true, .addr = 0x10000}),
                          page(0x10000)));
  for (Tlbi t : {Tlbi{.op = kNhVa, .asid = 5, .num = 3, .leaf = true, .addr = 0x10000},
                 Tlbi{.op = kNhVa, .asid = 5, .scale = 1, .leaf = true, .addr = 0x10000},
                 Tlbi{.op = kNhVa, .asid = 5, .ttl = 3, .leaf = true, .addr = 0x10000}}) {
    TlbiScope s = scope(t);
    EXPECT_EQ(s.status, TlbiStatus::ReservedNonZero) << describe(s);
    EXPECT_NE(s.reason.find("RES0 when TG == 0"), std::string::npos) << s.reason;
    EXPECT_FALSE(invalidates(s, page(0x10000)));
  }
}

TEST(TlbiScope, CommandsForMissingStagesAreIllegal) {
  SmmuCaps s2_only;
  s2_only.stage1 = false;
  TlbiScope nh = tlbi_scope(kKernelRange, s2_only);
  EXPECT_EQ(nh.status, TlbiStatus::Illegal);
  EXPECT_NE(nh.reason.find("§4.4.2"), std::string::npos) << nh.reason;
  EXPECT_FALSE(invalidates(nh, page(0x10000)));
  EXPECT_EQ(scope({.op = kNsnhAll}, s2_only).status, TlbiStatus::Legal);

  SmmuCaps s1_only;
  s1_only.stage2 = false;
  TlbiScope ipa = scope({.op = kS2Ipa, .vmid = 0, .leaf = true, .addr = 0x10000}, s1_only);
  EXPECT_EQ(ipa.status, TlbiStatus::Illegal);
  EXPECT_NE(ipa.reason.find("§4.4.3.1"), std::string::npos) << ipa.reason;
  EXPECT_FALSE(invalidates(ipa, stage2_page(0x10000, 0)));
  TlbiScope vmall = scope({.op = kS12Vmall}, s1_only);
  EXPECT_EQ(vmall.status, TlbiStatus::Illegal);
  EXPECT_NE(vmall.reason.find("§4.4.3.2"), std::string::npos) << vmall.reason;
  EXPECT_FALSE(invalidates(vmall, page(0x10000)));
}

TEST(TlbiScope, El2CommandsWithoutHypAreIllegal) {
  TlbEntry el2 = page(0x10000);
  el2.el2 = true;
  SmmuCaps hyp;
  hyp.hyp = true;
  EXPECT_TRUE(invalidates(scope({.op = kEl2All}, hyp), el2));
  TlbiScope s = scope({.op = kEl2All});
  EXPECT_EQ(s.status, TlbiStatus::Illegal);
  EXPECT_NE(s.reason.find("SMMU_IDR0.Hyp"), std::string::npos) << s.reason;
  EXPECT_FALSE(invalidates(s, el2));
}

TEST(TlbiScope, SecureAndEl3CommandsAreIllegalOnTheNonSecureQueue) {
  for (uint8_t op : {0x18, 0x1a, 0x50, 0x52, 0x5a, 0x60}) {
    TlbiScope s = scope({.op = op, .leaf = true, .addr = 0x10000});
    EXPECT_EQ(s.status, TlbiStatus::Illegal) << int(op);
    EXPECT_NE(s.reason.find("Secure Command queue"), std::string::npos) << s.reason;
    EXPECT_FALSE(invalidates(s, page(0x10000)));
    EXPECT_FALSE(invalidates(s, stage2_page(0x10000, 0)));
  }
}

TEST(TlbiScope, SetRes0BitsMayBeRejected) {
  TlbEntry e = page(0x10000);
  EXPECT_TRUE(invalidates(scope({.op = kNhVaa, .leaf = true, .addr = 0x10000}), e));
  // NH_VAA has no ASID field.
  TlbiScope vaa = scope({.op = kNhVaa, .asid = 5, .leaf = true, .addr = 0x10000});
  EXPECT_EQ(vaa.status, TlbiStatus::ReservedNonZero);
  EXPECT_NE(vaa.reason.find("qword0 0x5000000000000"), std::string::npos) << vaa.reason;
  EXPECT_FALSE(invalidates(vaa, e));
  // qword 1 bit 1 of NH_VA; TTL128 (bit 7); a non-zero qword 1 of NH_ASID.
  auto with_w1 = [](std::array<uint64_t, 2> raw, uint64_t set) {
    raw[1] |= set;
    return raw;
  };
  for (auto raw : {with_w1(kKernelRange, 1ull << 1), with_w1(kKernelRange, 1ull << 7),
                   with_w1(Tlbi{.op = kNhAsid, .asid = 5}.raw(), 0x10000)}) {
    TlbiScope s = tlbi_scope(raw, {});
    EXPECT_EQ(s.status, TlbiStatus::ReservedNonZero) << describe(s);
    EXPECT_FALSE(invalidates(s, e));
  }
}

TEST(TlbiScope, UpperByteOfEightBitAsidOrVmidIsReservedNonZero) {
  SmmuCaps small;
  small.asid16 = false;
  small.vmid16 = false;
  TlbEntry e = page(0x10000, 0x105);
  EXPECT_TRUE(invalidates(scope({.op = kNhAsid, .asid = 0x105}), e));
  TlbiScope a = scope({.op = kNhAsid, .asid = 0x105}, small);
  EXPECT_EQ(a.status, TlbiStatus::ReservedNonZero);
  EXPECT_NE(a.reason.find("8-bit ASIDs"), std::string::npos) << a.reason;
  EXPECT_FALSE(invalidates(a, e));
  TlbiScope v = scope({.op = kS12Vmall, .vmid = 0x100}, small);
  EXPECT_EQ(v.status, TlbiStatus::ReservedNonZero);
  EXPECT_FALSE(invalidates(v, stage2_page(0, 0x100)));
}

TEST(TlbiScope, NhVmidWithoutStage2IsReservedNonZero) {
  SmmuCaps s1_only;
  s1_only.stage2 = false;
  TlbiScope s = scope({.op = kNhAsid, .asid = 5, .vmid = 1}, s1_only);
  EXPECT_EQ(s.status, TlbiStatus::ReservedNonZero);
  EXPECT_NE(s.reason.find("UNKNOWN VMID"), std::string::npos) << s.reason;
  EXPECT_FALSE(invalidates(s, page(0x10000)));
}

TEST(TlbiScope, MisalignedOrUnimplementedGranuleRangeGuaranteesNothing) {
  TlbEntry p16 = leaf(0x10000, K16, 3, 5, K16);
  Tlbi t{.op = kNhVa, .asid = 5, .num = 1, .ttl = 3, .tg = 2, .leaf = true, .addr = 0x10000};
  EXPECT_TRUE(invalidates(scope(t), p16));
  t.addr = 0x11000;  // Address[13:12] != 0 with a 16K granule
  TlbiScope mis = scope(t);
  EXPECT_EQ(mis.status, TlbiStatus::Unpredictable);
  EXPECT_NE(mis.reason.find("Address[13:12]"), std::string::npos) << mis.reason;
  EXPECT_FALSE(invalidates(mis, p16));

  SmmuCaps no16k;
  no16k.gran16k = false;
  t.addr = 0x10000;
  TlbiScope g = scope(t, no16k);
  EXPECT_EQ(g.status, TlbiStatus::Unpredictable);
  EXPECT_FALSE(invalidates(g, p16));

  SmmuCaps ds;
  ds.ds = true;
  TlbiScope big = scope({.op = kNhVa, .asid = 5, .scale = 40, .ttl = 3, .tg = 1, .leaf = true}, ds);
  EXPECT_EQ(big.status, TlbiStatus::Unpredictable);
  EXPECT_FALSE(invalidates(big, page(0)));
  // Without DS, SCALE bit 25 is RES0.
  EXPECT_EQ(scope({.op = kNhVa, .asid = 5, .scale = 32, .ttl = 3, .tg = 1, .leaf = true}).status,
            TlbiStatus::ReservedNonZero);
}

TEST(TlbiScope, GranuleRanges16KAnd64K) {
  // 16K: (3+1) * 2^1 * 16K = 128K from 0x100000.
  TlbiScope s16 = scope({.op = kNhVa, .asid = 5, .num = 3, .scale = 1, .ttl = 3, .tg = 2,
                         .leaf = true, .addr = 0x100000});
  ASSERT_EQ(s16.status, TlbiStatus::Legal) << s16.reason;
  EXPECT_EQ(describe(s16), "TLBI_NH_VA asid=5 vmid=0 [0x100000, 0x120000) leaf TTL=3 granule 16K");
  EXPECT_TRUE(invalidates(s16, leaf(0x100000, K16, 3, 5, K16)));
  EXPECT_TRUE(invalidates(s16, leaf(0x11c000, K16, 3, 5, K16)));
  EXPECT_FALSE(invalidates(s16, leaf(0x120000, K16, 3, 5, K16)));
  // A table of another granule is not required to be invalidated.
  EXPECT_FALSE(invalidates(s16, page(0x100000)));

  // 64K: (1+1) * 2^0 * 64K = 128K from 0x30000.
  TlbiScope s64 = scope({.op = kNhVa, .asid = 5, .num = 1, .ttl = 3, .tg = 3, .leaf = true,
                         .addr = 0x30000});
  ASSERT_EQ(s64.status, TlbiStatus::Legal) << s64.reason;
  EXPECT_EQ(describe(s64), "TLBI_NH_VA asid=5 vmid=0 [0x30000, 0x50000) leaf TTL=3 granule 64K");
  EXPECT_TRUE(invalidates(s64, leaf(0x40000, K64, 3, 5, K64)));
  EXPECT_FALSE(invalidates(s64, leaf(0x50000, K64, 3, 5, K64)));
  EXPECT_FALSE(invalidates(s64, leaf(0x40000, K4, 3, 5, K4)));
  // 64K level 2 leaves are 512M: TTL=2 needs Address[28:12] zero.
  TlbiScope b64 = scope({.op = kNhVa, .asid = 5, .ttl = 2, .tg = 3, .leaf = true,
                         .addr = 0x20000000});
  ASSERT_EQ(b64.status, TlbiStatus::Legal) << b64.reason;
  EXPECT_TRUE(invalidates(b64, leaf(0x20000000, 0x20000000, 2, 5, K64)));
  EXPECT_EQ(scope({.op = kNhVa, .asid = 5, .ttl = 2, .tg = 3, .leaf = true, .addr = 0x10000000})
                .status,
            TlbiStatus::Unpredictable);
}

TEST(TlbiScope, RangeDoesNotWrapPastTheTop) {
  TlbiScope s = scope({.op = kNhVa, .asid = 5, .scale = 20, .ttl = 3, .tg = 1, .leaf = true,
                       .addr = 0xffff'ffff'fff0'0000ull});
  ASSERT_EQ(s.status, TlbiStatus::Legal) << s.reason;
  EXPECT_EQ(s.last, UINT64_MAX);
  EXPECT_TRUE(invalidates(s, page(0xffff'ffff'ffff'f000ull)));
  EXPECT_FALSE(invalidates(s, page(0)));
  EXPECT_NE(describe(s).find("2^64)"), std::string::npos) << describe(s);
}

TEST(TlbiScope, OtherCommandsAreNotTlbInvalidations) {
  for (auto [op, name] : {std::pair<uint8_t, const char *>{0x01, "PREFETCH_CFG"},
                          {0x03, "CFGI_STE"}, {0x05, "CFGI_CD"}, {0x40, "ATC_INV"},
                          {0x46, "CMD_SYNC"}}) {
    TlbiScope s = tlbi_scope({op, 0}, {});
    EXPECT_EQ(s.status, TlbiStatus::NotTlbi) << name;
    EXPECT_STREQ(s.name, name);
    EXPECT_FALSE(invalidates(s, page(0)));
    EXPECT_EQ(describe(s), std::string(name) + ": not a TLB invalidation");
  }
}

}  // namespace
