// The command decoder reads the architectural encoding (IHI 0070 §4).
#include <gtest/gtest.h>

#include "command.h"

using smmu::harness::decode_command;
using smmu::harness::describe;

TEST(CommandDecode, RangeTlbiFromFourPagesUnmap) {
  // 4 x 4K unmapped at 0x10000 in ASID 5 with range invalidation:
  // SCALE=2, NUM=0 (one unit of 4 pages), TG=1 (4K), TTL=3, LEAF.
  auto c = decode_command({0x0005000000200012ull, 0x0000000000010701ull});
  EXPECT_EQ(c.opcode, 0x12);
  EXPECT_EQ(c.asid, 5);
  EXPECT_EQ(c.vmid, 0);
  EXPECT_EQ(c.scale, 2);
  EXPECT_EQ(c.num, 0);
  EXPECT_EQ(c.tg, 1);
  EXPECT_EQ(c.ttl, 3);
  EXPECT_TRUE(c.leaf);
  EXPECT_EQ(c.addr, 0x10000ull);
  EXPECT_EQ(describe(c), "TLBI_NH_VA asid=5 vmid=0 va=0x10000 leaf=1 tg=1 ttl=3 num=0 scale=2");
}

TEST(CommandDecode, CfgiSteCarriesSidAndLeaf) {
  auto c = decode_command({(0x1234ull << 32) | 0x03, 1});
  EXPECT_EQ(describe(c), "CFGI_STE sid=0x1234 leaf=1");
}

TEST(CommandDecode, CfgiCdCarriesSsid) {
  auto c = decode_command({(7ull << 32) | (0x42ull << 12) | 0x05, 0});
  EXPECT_EQ(c.sid, 7u);
  EXPECT_EQ(c.ssid, 0x42u);
  EXPECT_FALSE(c.leaf);
}

TEST(CommandDecode, S2IpaKeepsOnlyBits51To12) {
  auto c = decode_command({(3ull << 32) | 0x2a, 0xfff0'0000'1234'5000ull | 1});
  EXPECT_EQ(c.vmid, 3);
  EXPECT_EQ(c.addr, 0x0000'0000'1234'5000ull);
}

TEST(CommandDecode, UnknownOpcodeIsShownRaw) {
  auto c = decode_command({0x7f, 0});
  EXPECT_FALSE(c.known);
  EXPECT_NE(describe(c).find("raw=0x7f,0x0"), std::string::npos);
}
