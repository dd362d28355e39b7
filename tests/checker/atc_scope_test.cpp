// The architecture's meaning of CMD_ATC_INV (IHI 0070 §4.5.1): decoded from
// raw command queue entries, checked against cached ATC entries.
#include "atc_scope.h"

#include <gtest/gtest.h>

using smmu::checker::atc_scope;
using smmu::checker::AtcEntry;
using smmu::checker::AtcScope;
using smmu::checker::AtcStatus;
using smmu::checker::describe;
using smmu::checker::invalidates;
using smmu::checker::why_not;

namespace {

constexpr uint64_t K4 = 0x1000, K64 = 0x10000, M2 = 0x200000;

// Encodes like Linux arm_smmu_cmdq_build_cmd (CMDQ_ATC_* field positions).
struct AtcInv {
  uint32_t sid = 0x10, ssid = 0;
  bool ssv = false, global = false;
  uint8_t size = 0;
  uint64_t addr = 0;
  std::array<uint64_t, 2> raw() const {
    return {0x40ull | uint64_t(global) << 9 | uint64_t(ssv) << 11 | uint64_t(ssid) << 12 |
                uint64_t(sid) << 32,
            uint64_t(size) | (addr & ~0xfffull)};
  }
};

AtcScope scope(const AtcInv &c) { return atc_scope(c.raw()); }

AtcEntry entry(uint64_t base, uint64_t size, uint32_t sid = 0x10) {
  AtcEntry e;
  e.sid = sid;
  e.base = base;
  e.size = size;
  return e;
}

}  // namespace

TEST(AtcScope, DecodesEveryField) {
  AtcScope s = scope({.sid = 0x1234, .ssid = 0xabcde, .ssv = true, .global = true, .size = 3,
                      .addr = 0x80008000});
  ASSERT_EQ(s.status, AtcStatus::Legal) << s.reason;
  EXPECT_EQ(s.sid, 0x1234u);
  EXPECT_EQ(s.ssid, 0xabcdeu);
  EXPECT_TRUE(s.ssv);
  EXPECT_TRUE(s.global);
  EXPECT_EQ(s.size, 3);
  EXPECT_EQ(s.addr, 0x80008000ull);
  // 2^3 pages from the address, aligned to 32K.
  EXPECT_EQ(s.first, 0x80008000ull);
  EXPECT_EQ(s.last, 0x8000ffffull);
}

TEST(AtcScope, OtherCommandsAreNotAtcInv) {
  std::array<uint64_t, 2> tlbi{0x12 | 5ull << 48, 0x80000000};
  EXPECT_EQ(atc_scope(tlbi).status, AtcStatus::NotAtcInv);
  std::array<uint64_t, 2> pri{0x41, 0};
  EXPECT_EQ(atc_scope(pri).status, AtcStatus::NotAtcInv);
}

TEST(AtcScope, SpanIsAlignedToItsSize) {
  // Address[11+Size:0] is taken as zero: 2^4 pages from 0x80013000 is [0x80010000, 0x80020000).
  AtcScope s = scope({.size = 4, .addr = 0x80013000});
  ASSERT_EQ(s.status, AtcStatus::Legal);
  EXPECT_EQ(s.first, 0x80010000ull);
  EXPECT_EQ(s.last, 0x8001ffffull);
  EXPECT_TRUE(invalidates(s, entry(0x80010000, K4)));
  EXPECT_TRUE(invalidates(s, entry(0x8001f000, K4)));
  EXPECT_FALSE(invalidates(s, entry(0x80020000, K4)));
  EXPECT_FALSE(invalidates(s, entry(0x8000f000, K4)));
  EXPECT_NE(why_not(s, entry(0x80020000, K4)).find("misses the entry"), std::string::npos);
}

TEST(AtcScope, SizeZeroIsOnePage) {
  AtcScope s = scope({.size = 0, .addr = 0x80001000});
  EXPECT_TRUE(invalidates(s, entry(0x80001000, K4)));
  EXPECT_FALSE(invalidates(s, entry(0x80002000, K4)));
  // A 2M block entry that the page intersects goes whole.
  EXPECT_TRUE(invalidates(s, entry(0x80000000, M2)));
}

TEST(AtcScope, Size52InvalidatesEverything) {
  AtcScope s = scope({.size = 52, .addr = 0});
  ASSERT_EQ(s.status, AtcStatus::Legal);
  EXPECT_EQ(s.first, 0u);
  EXPECT_EQ(s.last, UINT64_MAX);
  EXPECT_TRUE(invalidates(s, entry(0xffffffffff000ull, K4)));
  EXPECT_EQ(describe(s), "ATC_INV sid=0x10 all addresses");
}

TEST(AtcScope, SizeAbove52InvalidatesNothing) {
  AtcScope s = scope({.size = 53, .addr = 0});
  EXPECT_EQ(s.status, AtcStatus::Unpredictable);
  EXPECT_FALSE(invalidates(s, entry(0x80000000, K4)));
  EXPECT_NE(s.reason.find("§4.5.1"), std::string::npos);
}

TEST(AtcScope, Res0BitsInvalidateNothing) {
  for (std::array<uint64_t, 2> raw :
       {std::array<uint64_t, 2>{0x40 | 1ull << 8 | 0x10ull << 32, 52},
        std::array<uint64_t, 2>{0x40 | 1ull << 10 | 0x10ull << 32, 52},
        std::array<uint64_t, 2>{0x40 | 0x10ull << 32, 52 | 1ull << 6}}) {
    AtcScope s = atc_scope(raw);
    EXPECT_EQ(s.status, AtcStatus::ReservedNonZero);
    EXPECT_FALSE(invalidates(s, entry(0x80000000, K4)));
  }
}

TEST(AtcScope, OnlyTheNamedStreamId) {
  AtcScope s = scope({.sid = 0x11, .size = 52});
  EXPECT_FALSE(invalidates(s, entry(0x80000000, K4, 0x10)));
  EXPECT_TRUE(invalidates(s, entry(0x80000000, K4, 0x11)));
  EXPECT_NE(why_not(s, entry(0x80000000, K4, 0x10)).find("SID 0x11"), std::string::npos);
}

TEST(AtcScope, SubstreamsMatchOnlyTheirOwnEntries) {
  AtcEntry no_pasid = entry(0x80000000, K4);
  AtcEntry pasid3 = no_pasid;
  pasid3.ssv = true;
  pasid3.ssid = 3;
  AtcScope with3 = scope({.ssid = 3, .ssv = true, .size = 52});
  AtcScope with4 = scope({.ssid = 4, .ssv = true, .global = true, .size = 52});
  AtcScope without = scope({.ssid = 3, .ssv = false, .size = 52});
  EXPECT_TRUE(invalidates(with3, pasid3));
  EXPECT_FALSE(invalidates(with3, no_pasid));
  // Global does not widen it: no ATC entry is global (§3.9.1).
  EXPECT_FALSE(invalidates(with4, pasid3));
  // SSV == 0 ignores SSID and reaches the entries without PASID only.
  EXPECT_TRUE(invalidates(without, no_pasid));
  EXPECT_FALSE(invalidates(without, pasid3));
}

TEST(AtcScope, SpanBelowTheStuIsNotGuaranteed) {
  AtcEntry e = entry(0x80010000, K64);
  e.stu = K64;
  EXPECT_FALSE(invalidates(scope({.size = 0, .addr = 0x80010000}), e));
  EXPECT_TRUE(invalidates(scope({.size = 4, .addr = 0x80010000}), e));
}

TEST(AtcScope, DescribesTheSpan) {
  EXPECT_EQ(describe(scope({.sid = 0x10, .size = 9, .addr = 0x80000000})),
            "ATC_INV sid=0x10 [0x80000000, 0x80200000)");
  EXPECT_EQ(describe(scope({.sid = 0x11, .ssid = 7, .ssv = true, .size = 0, .addr = 0x1000})),
            "ATC_INV sid=0x11 ssid=0x7 [0x1000, 0x2000)");
}
