// The .seq parser (docs/seq.md): a good file becomes the events the real
// kernel code would record, located at the .seq lines; commands are the
// architecture's encoding; every malformed input is refused with the exact
// FILE:LINE:COL and what was expected; no mutation of a valid file crashes it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "command.h"
#include "command_encode.h"
#include "seq_parser.h"
#include "trace_print.h"

namespace fs = std::filesystem;
using namespace smmu::harness;

namespace {

const fs::path kCases = fs::path(SMMU_TEST_DATA_DIR) / ".." / ".." / "cases";

const char *kHitless =
    "# abort -> bypass\n"
    "ste ste0\n"
    "initial 0x1 0 0 0 0 0 0 0\n"
    "target  0x9 0x0000100000000000 0 0 0 0 0 0\n"
    "\n"
    "dma_wmb\n"
    "store once u64 at 8 = 0x0000100000000000   # q1\n"
    "sync\n"
    "store once u64 at 0 = 0x9\n"
    "sync\n"
    "expect pass under coherent nc\n"
    "expect violation stale under cacheable-64\n";

// Each event as `LINE describe`: what `smmu-check seq --trace` prints.
std::vector<std::string> listing(const Sequence &s) {
  std::vector<std::string> out;
  for (const Event &e : s.trace.events) {
    std::string d = describe(s.trace, e);
    out.push_back(std::to_string(e.loc.line) + " " + d.substr(0, d.find('\n')));
  }
  return out;
}

std::string error_of(const std::string &text) {
  try {
    parse_sequence(text, "t.seq");
  } catch (const SeqError &e) {
    return e.what();
  }
  return "(accepted)";
}

const std::string kSte = "ste\ninitial 1 0 0 0 0 0 0 0\ntarget 1 0 0 0 0 0 0 0\n";

}  // namespace

TEST(SeqParser, HitlessSteBecomesTheEventsTheWriterRecords) {
  Sequence s = parse_sequence(kHitless, "cases/x.seq");
  EXPECT_EQ(s.kind, DescKind::Ste);
  EXPECT_EQ(s.name, "ste0");
  EXPECT_EQ(s.steps, 5);
  EXPECT_EQ(s.syncs, 2);
  std::vector<std::string> want = {
      "2 fetchable STE ste0 (64 bytes) = 0x0000000000000001 0x0000000000000000 0x0000000000000000 "
      "0x0000000000000000 0x0000000000000000 0x0000000000000000 0x0000000000000000 0x0000000000000000",
      "2 update STE ste0",
      "6 barrier dma_wmb (DMB OSHST)",
      "7 store WRITE_ONCE ste0.q1 = 0x0000100000000000  (was 0x0000000000000000, 8 bytes)",
      "8 sync (writer ops->sync)",
      "9 store WRITE_ONCE ste0.q0 = 0x0000000000000009  (was 0x0000000000000001, 8 bytes)",
      "10 sync (writer ops->sync)",
      "10 update done",
  };
  EXPECT_EQ(listing(s), want);
  const Event &begin = s.trace.events[1];
  EXPECT_EQ(begin.kind, EventKind::UpdateBegin);
  EXPECT_EQ(begin.before, (std::vector<uint64_t>{1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(begin.after, (std::vector<uint64_t>{9, 0x0000100000000000ull, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(begin.text, "STE");
  for (const Event &e : s.trace.events) EXPECT_EQ(e.loc.file, "cases/x.seq");
  const Event &q1 = s.trace.events[3];
  EXPECT_EQ(q1.desc, 0);
  EXPECT_EQ(q1.offset, 8u);
  EXPECT_EQ(q1.addr, s.trace.descs[0].base + 8);
  EXPECT_EQ(q1.size, 8u);
  EXPECT_EQ(q1.store, StoreKind::Once);
  ASSERT_EQ(s.expectations.size(), 2u);
  EXPECT_EQ(s.expectations[0].outcome, "pass");
  EXPECT_EQ(s.expectations[0].line, 11);
  ASSERT_EQ(s.expectations[0].models.size(), 2u);
  EXPECT_EQ(s.expectations[0].models[1].spec, "nc");
  EXPECT_EQ(s.expectations[0].models[1].col, 28);
  EXPECT_EQ(s.expectations[1].outcome, "violation");
  EXPECT_EQ(s.expectations[1].kind, "stale");
}

TEST(SeqParser, SubQwordStoresCleansAndKinds) {
  Sequence s = parse_sequence(
      "cd ctx\n"
      "initial 0x030ae201c0003684 1 2 3 4 5 6 7\n"
      "target  0x07cde201c0003684 1 2 3 4 5 6 0x77\n"
      "store plain u16 at 6 = 0x07cd\n"
      "clean_inval at 0 size 8\n"
      "store rmw u8 at 56 = 0x77\n"
      "clean\n"
      "mb\n",
      "c.seq");
  std::vector<std::string> want = {
      "1 fetchable CD ctx (64 bytes) = 0x030ae201c0003684 0x0000000000000001 0x0000000000000002 "
      "0x0000000000000003 0x0000000000000004 0x0000000000000005 0x0000000000000006 0x0000000000000007",
      "1 update CD ctx",
      "4 store plain ctx.q0+6 = 0x07cd  (was 0x030a, 2 bytes)",
      "5 cmo clean_inval to PoC ctx.q0 size 8 (DC CIVAC per line, DSB SY)",
      "6 store rmw ctx.q7 = 0x77  (was 0x07, 1 bytes)",
      "7 cmo clean to PoC ctx.q0 size 64 (DC CVAC per line, DSB SY)",
      "8 barrier mb (DSB SY)",
      "8 update done",
  };
  EXPECT_EQ(listing(s), want);
  EXPECT_EQ(s.kind, DescKind::Cd);
}

TEST(SeqParser, QwordsContinueOnFollowingLines) {
  Sequence s = parse_sequence(
      "ste\n"
      "initial 1 2 3 4   # q0..q3\n"
      "\n"
      "        5 6 7 8\n"
      "target  1 2 3 4\n"
      "        5 6 7 8\n",
      "c.seq");
  EXPECT_EQ(s.initial, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(s.target, s.initial);
  EXPECT_EQ(s.steps, 0);
  EXPECT_EQ(listing(s).back(), "1 update done");  // nothing to do is a (trivial) update
}

TEST(SeqParser, CommandsAreTheArchitecturesEncoding) {
  Sequence s = parse_sequence(kSte +
                                  "sync\n"
                                  "command CFGI_STE sid=0x10 leaf=1\n"
                                  "command cmd_sync\n"
                                  "command CFGI_ALL\n"
                                  "command TLBI_NH_VA asid=5 va=0x10000 leaf=1 tg=1 ttl=3 scale=2\n",
                              "c.seq");
  std::vector<std::array<uint64_t, 2>> cmds;
  for (const Event &e : s.trace.events)
    if (e.kind == EventKind::Command) cmds.push_back(e.cmd);
  ASSERT_EQ(cmds.size(), 4u);
  EXPECT_EQ(cmds[0], (std::array<uint64_t, 2>{0x0000001000000003ull, 1}));
  EXPECT_EQ(cmds[1], (std::array<uint64_t, 2>{0x46, 0}));
  EXPECT_EQ(cmds[2], (std::array<uint64_t, 2>{0x04, 31}));  // Linux's CFGI_ALL: every SID
  // The value command_test.cpp decodes from the kernel's own 4-page range invalidation.
  EXPECT_EQ(cmds[3], (std::array<uint64_t, 2>{0x0005000000200012ull, 0x0000000000010701ull}));
  EXPECT_EQ(listing(s)[3], "5 command CFGI_STE sid=0x10 leaf=1");
}

// Every operand of every command survives encode -> decode_command.
TEST(SeqParser, EveryCommandOperandRoundTrips) {
  for (const CmdSpec &spec : command_specs()) {
    std::vector<std::pair<const CmdField *, uint64_t>> ops;
    for (const CmdField &f : spec.fields) {
      // A value with its top and bottom bits set, so a misplaced field shows.
      int width = f.hi - f.lo + 1;
      uint64_t v = f.address ? (1ull << f.hi) | (1ull << f.lo) : width == 1 ? 1 : (1ull << (width - 1)) | 1;
      ops.push_back({&f, v});
    }
    Command c = decode_command(encode_command(spec, ops));
    SCOPED_TRACE(spec.name);
    EXPECT_EQ(command_name(c.opcode), std::string(spec.name));
    for (const auto &[f, v] : ops) {
      std::string n = f->name;
      uint64_t got = n == "sid" ? c.sid : n == "ssid" ? c.ssid : n == "leaf" ? c.leaf : n == "asid" ? c.asid
                   : n == "vmid" ? c.vmid : n == "va" || n == "ipa" || n == "addr" ? c.addr : n == "tg" ? c.tg
                   : n == "ttl" ? c.ttl : n == "num" ? c.num : n == "scale" ? c.scale : n == "range" ? c.range
                   : n == "size" ? c.atc_size : n == "global" ? c.global : n == "cs" ? c.cs : ~0ull;
      EXPECT_EQ(got, v) << n;
    }
    if (spec.sets_ssv_with) {
      EXPECT_TRUE(c.ssv);
    }
  }
}

TEST(SeqParser, PteBuildsItsTablesAndOperationBoundaries) {
  Sequence s = parse_sequence(
      "pte\n"
      "iova 0x80001000\n"
      "initial 0\n"
      "target 0x0000000880123f47\n"
      "store once u64 at 0 = 0x0000000880123f46\n"
      "clean\n"
      "sync\n"
      "store once u8 at 0 = 0x47\n"
      "clean\n",
      "p.seq");
  EXPECT_EQ(s.kind, DescKind::PgTable);
  EXPECT_EQ(s.name, "l3");
  const SeqPteLayout &p = s.pte;
  EXPECT_EQ(p.level, 3);
  // 0x80001000: level 0 index 0, level 1 index 2, level 2 index 0, level 3 index 1.
  EXPECT_EQ(p.index, (std::vector<uint64_t>{0, 2, 0, 1}));
  ASSERT_EQ(s.trace.descs.size(), 4u);
  for (int l = 0; l < 4; ++l) {
    const Event &r = s.trace.events[l];
    ASSERT_EQ(r.kind, EventKind::DescRegister);
    EXPECT_EQ(s.trace.descs[l].kind, DescKind::PgTable);
    EXPECT_EQ(r.size, 4096u);
    EXPECT_EQ(r.before.size(), 512u);
    // Upper levels point down (a table descriptor); the leaf holds the initial PTE.
    EXPECT_EQ(r.before[p.index[l]], l < 3 ? p.tables[l + 1] | 3 : 0) << l;
    // The PTE's table holds `initial`: located at its line, the upper tables at the header.
    EXPECT_EQ(r.loc.line, l < 3 ? 1 : 3) << l;
  }
  EXPECT_EQ(p.address, p.tables[3] + 8);
  std::vector<int> boundaries;
  for (const Event &e : s.trace.events)
    if (e.kind == EventKind::WalkContext) {
      boundaries.push_back(e.loc.line);
      EXPECT_EQ(e.walk.root, p.tables[0]);
      EXPECT_EQ(e.walk.start_level, 0);
      EXPECT_EQ(e.walk.bits_per_level, 9);
      EXPECT_EQ(e.walk.ias, 48);
      EXPECT_EQ(e.walk.stage, 1);
      EXPECT_EQ(e.walk.fmt, 2);  // ARM_64_LPAE_S1
      EXPECT_FALSE(e.walk.coherent_walk);  // it cleans: written for a non-coherent walker
      EXPECT_EQ(e.iovas, (std::vector<uint64_t>{0x80001000, 0x80001fff}));
    }
  // Before the first step, at the sync, and after the last step.
  EXPECT_EQ(boundaries, (std::vector<int>{1, 7, 9}));
  std::vector<std::string> l = listing(s);
  EXPECT_EQ(l[6], "5 store WRITE_ONCE l3[1] = 0x0000000880123f46  (was 0x0000000000000000, 8 bytes)");
  EXPECT_EQ(l[9], "8 store WRITE_ONCE l3[1] = 0x47  (was 0x46, 1 bytes)");
  EXPECT_EQ(l.back(), "9 update done");
}

TEST(SeqParser, PteBlockAtLevel2AndACoherentWalk) {
  Sequence s = parse_sequence("pte blk\nlevel 2\niova 0x40212345\ninitial 0\ntarget 0x40200741\n"
                              "store once u64 at 0 = 0x40200741\nsync\n",
                              "p.seq");
  EXPECT_EQ(s.name, "blk");
  EXPECT_EQ(s.pte.index, (std::vector<uint64_t>{0, 1, 1}));
  int boundaries = 0;
  for (const Event &e : s.trace.events)
    if (e.kind == EventKind::WalkContext) {
      ++boundaries;
      EXPECT_TRUE(e.walk.coherent_walk);
      EXPECT_EQ(e.iovas, (std::vector<uint64_t>{0x40200000, 0x403fffff}));  // the 2M block
    }
  EXPECT_EQ(boundaries, 2);  // a final `sync` is the end of the operation
}

TEST(SeqParser, EveryMalformedInputSaysWhereAndWhatWasExpected) {
  const std::string steps = "a step (store, clean, clean_inval, command, sync, or a barrier: dma_wmb, dma_rmb, "
                            "dma_mb, wmb, rmb, mb, smp_wmb, smp_rmb, smp_mb), initial, target, ";
  const std::string cmds = "CFGI_STE, CFGI_CD, CFGI_CD_ALL, CFGI_ALL, PREFETCH_CFG, TLBI_NH_ALL, TLBI_NH_ASID, "
                           "TLBI_NH_VA, TLBI_NH_VAA, TLBI_EL2_ALL, TLBI_EL2_ASID, TLBI_EL2_VA, TLBI_S12_VMALL, "
                           "TLBI_S2_IPA, TLBI_NSNH_ALL, ATC_INV, CMD_SYNC";
  const std::string pte = "pte\ninitial 0\ntarget 0x47\n";
  struct Case {
    std::string text, error;
  } cases[] = {
      {"", "t.seq:1:1: expected `ste`, `cd` or `pte` first (the descriptor the sequence updates), found end of file"},
      {"# only a comment\n", "t.seq:1:1: expected `ste`, `cd` or `pte` first (the descriptor the sequence updates), found end of file"},
      {"stee ste0\n", "t.seq:1:1: expected `ste`, `cd` or `pte` first (the descriptor the sequence updates), found 'stee'"},
      {"ste ste0 extra\n", "t.seq:1:10: expected end of line after `ste ste0` (one name at most), found 'extra'"},
      {"ste 0bad\n", "t.seq:1:5: expected a name of at most 32 letters, digits and '_', not starting with a digit (e.g. ste0), found '0bad'"},
      {"pte l1\nlevel 2\ninitial 0\ntarget 0\n", "t.seq:1:5: expected a name other than l0 to l1 (the tables above the PTE's), found 'l1'"},
      {"ste ste0\ninitial 1 0 0 0 0 0 0 0\ntarget 1 0 0 0 0 0 0 0\nste ste1\n",
       "t.seq:4:1: expected one descriptor per file: `ste ste0` is given on line 1"},
      // The qwords of initial and target.
      {"ste\ninitial 1 0 0\ntarget 1 0 0 0 0 0 0 0\n",
       "t.seq:2:14: expected the 8 qwords of the STE (q0 to q7) after `initial` (0 for an unused qword), found only 3"},
      {"ste\ninitial 1 0 0 0 0 0 0 0 9\n",
       "t.seq:2:25: expected the 8 qwords of the STE (q0 to q7) after `initial`, found one value more: '9'"},
      {"ste\ninitial\n", "t.seq:2:8: expected the 8 qwords of the STE (q0 to q7) after `initial`, found end of line"},
      {"pte\ninitial 0 1\n", "t.seq:2:11: expected the PTE's 64-bit value after `initial`, found one value more: '1'"},
      {"ste\ninitial 1 0 0 0 0 0 0 0\ninitial 1 0 0 0 0 0 0 0\n", "t.seq:3:1: expected one `initial` line: it is already given on line 2"},
      {"ste\ninitial 0x 0 0 0 0 0 0 0\n", "t.seq:2:9: expected qword q0 (hex digits after 0x), found '0x'"},
      {"ste\ninitial 0 0x10000000000000000 0 0 0 0 0 0\n", "t.seq:2:11: expected qword q1 of at most 64 bits, found '0x10000000000000000'"},
      {"ste\ninitial 12ab 0 0 0 0 0 0 0\n", "t.seq:2:9: expected qword q0 (a number: 0x... in hex, or decimal), found '12ab'"},
      {"ste\ninitial 1 0 0 0 0 0 0 0\ntarget 1 0 0 0 0 0 0 0\n0x5\n",
       "t.seq:4:1: expected the 8 qwords of the STE (q0 to q7) after `target`, found one value more: '0x5'"},
      {kSte + "store once u64 at 0 = 1\n0x5\n", "t.seq:5:1: expected " + steps + "or expect, found the number '0x5' (only the qwords of `initial` and `target` continue on the following lines)"},
      // Missing pieces.
      {"ste\ntarget 1 0 0 0 0 0 0 0\n", "t.seq:1:1: expected an `initial` line after `ste` (the STE before the update)"},
      {"cd c\ninitial 1 0 0 0 0 0 0 0\n", "t.seq:1:1: expected a `target` line after `cd c` (the CD the steps must reach)"},
      {"ste\ninitial 1 0 0 0 0 0 0 0\ndma_wmb\n", "t.seq:3:1: expected a `target` line before the first step"},
      {"pte\ntarget 0\nsync\n", "t.seq:3:1: expected an `initial` line before the first step"},
      {kSte + "store once u64 at 0 = 1\ninitial 1 0 0 0 0 0 0 0\n", "t.seq:5:1: expected one `initial` line: it is already given on line 2"},
      {"ste\ninitial 1 0 0 0 0 0 0 0\nstore once u64 at 0 = 1\n", "t.seq:3:1: expected a `target` line before the first step"},
      // Unknown keywords.
      {kSte + "stor once u64 at 0 = 1\n", "t.seq:4:1: expected " + steps + "or expect, found 'stor'"},
      {pte + "mystery\n", "t.seq:4:1: expected " + steps + "iova, level, or expect, found 'mystery'"},
      {kSte + "iova 0x1000\n", "t.seq:4:1: expected " + steps + "or expect, found 'iova' (`iova` places a pte in its tables)"},
      {kSte + "store once u64 at 0 = 1 # fine\n\tdma_wmb \xc3\xbc\n", "t.seq:5:10: expected end of line after `dma_wmb`, found byte 0xc3"},
      {kSte + "sync extra\n", "t.seq:4:6: expected end of line after `sync`, found 'extra'"},
      // Stores.
      {kSte + "store twice u64 at 0 = 1\n", "t.seq:4:7: expected a store kind after `store`: once (WRITE_ONCE), plain (a C assignment) or rmw (cmpxchg, an atomic), found 'twice'"},
      {kSte + "store\n", "t.seq:4:6: expected a store kind (once, plain, rmw) after `store`, found end of line"},
      {kSte + "store once u128 at 0 = 1\n", "t.seq:4:12: expected a store size (u8, u16, u32, u64) after `store once`, found 'u128'"},
      {kSte + "store once u64 0 = 1\n", "t.seq:4:16: expected `at` and a byte offset after `u64`, found '0'"},
      {kSte + "store once u64 at 64 = 1\n", "t.seq:4:19: expected a byte offset inside the STE (0 to 63) with room for a u64, found 64"},
      {kSte + "store once u64 at 60 = 1\n", "t.seq:4:19: expected a byte offset inside the STE (0 to 63) with room for a u64, found 60 (the store would end at byte 68)"},
      {pte + "store once u64 at 8 = 0x47\n", "t.seq:4:19: expected a byte offset inside the PTE (0 to 7) with room for a u64, found 8"},
      {kSte + "store once u32 at 6 = 1\n", "t.seq:4:19: expected an offset aligned to the u32 store (a multiple of 4), found 6"},
      {kSte + "store once u8 at 0 = 0x100\n", "t.seq:4:22: expected a value that fits in u8 (at most 0xff), found '0x100'"},
      {kSte + "store once u16 at 0 = 65536\n", "t.seq:4:23: expected a value that fits in u16 (at most 0xffff), found '65536'"},
      {kSte + "store once u8 at 0 1\n", "t.seq:4:20: expected '=' and the value stored, found '1'"},
      {kSte + "store once u8 at 0 =\n", "t.seq:4:21: expected the value stored after '=', found end of line"},
      {kSte + "store once u8 at 0 = 1 extra\n", "t.seq:4:24: expected end of line after the value stored, found 'extra'"},
      // The target must be reached.
      {"ste\ninitial 1 0 0 0 0 0 0 0\ntarget 9 0x1000 0 0 0 0 0 0\nstore once u8 at 0 = 9\n",
       "t.seq:3:10: expected the steps to reach the target: they leave q1 = 0x0000000000000000, the target is 0x0000000000001000"},
      {pte + "store once u64 at 0 = 0x46\n",
       "t.seq:3:8: expected the steps to reach the target: they leave the PTE = 0x0000000000000046, the target is 0x0000000000000047"},
      {"ste\ninitial 1 0 0 0 0 0 0 0\ntarget 1 0 0 0\n  0 0 0 7\n",
       "t.seq:4:9: expected the steps to reach the target: they leave q7 = 0x0000000000000000, the target is 0x0000000000000007"},
      // Cleans.
      {kSte + "clean at 0 size 0\n", "t.seq:4:17: expected a length of 1 to 64 bytes (the range stays inside the STE), found 0"},
      {kSte + "clean at 8 size 64\n", "t.seq:4:17: expected a length of 1 to 56 bytes (the range stays inside the STE), found 64"},
      {kSte + "clean 0 64\n", "t.seq:4:7: expected end of line (the whole STE) or `at OFFSET size BYTES` after `clean`, found '0'"},
      {kSte + "clean_inval at 64 size 1\n", "t.seq:4:16: expected a byte offset inside the STE (0 to 63), found 64"},
      {kSte + "clean at 0 length 8\n", "t.seq:4:12: expected `size` and a length in bytes after the offset, found 'length'"},
      {kSte + "clean at 0\n", "t.seq:4:11: expected `size` and a length in bytes after the offset, found end of line"},
      // Commands.
      {kSte + "command CFGI_STE sid=1\n", "t.seq:4:1: expected `sync` before `command`: commands are what the sync op issues (an epoch ends at a sync whose commands include a CFGI then a CMD_SYNC)"},
      {kSte + "sync\nstore once u64 at 0 = 1\ncommand CFGI_STE sid=1\n", "t.seq:6:1: expected `sync` before `command`: commands are what the sync op issues (an epoch ends at a sync whose commands include a CFGI then a CMD_SYNC)"},
      {kSte + "sync\ncommand CFGI_BOGUS sid=1\n", "t.seq:5:9: expected a command (" + cmds + ") after `command`, found 'CFGI_BOGUS'"},
      {kSte + "sync\ncommand CFGI_STE ssid=1\n", "t.seq:5:18: expected an operand of CFGI_STE (sid, leaf), found 'ssid'"},
      {kSte + "sync\ncommand CFGI_STE sid=1 sid=2\n", "t.seq:5:24: expected each operand once: sid is already given at column 18"},
      {kSte + "sync\ncommand CFGI_STE sid 1\n", "t.seq:5:22: expected '=' and a value after sid, found '1'"},
      {kSte + "sync\ncommand CFGI_STE sid=0x100000000\n", "t.seq:5:22: expected sid to fit in 32 bits (at most 0xffffffff), found '0x100000000'"},
      {kSte + "sync\ncommand CFGI_STE leaf=1\n", "t.seq:5:24: expected sid=... (CFGI_STE needs sid=...), found end of line"},
      {kSte + "sync\ncommand CFGI_CD sid=1\n", "t.seq:5:22: expected ssid=... (CFGI_CD needs sid=..., ssid=...), found end of line"},
      {kSte + "sync\ncommand TLBI_NH_VA asid=1 va=0x1001\n", "t.seq:5:30: expected va to be 4K-aligned, found '0x1001'"},
      {kSte + "sync\ncommand TLBI_S2_IPA vmid=1 ipa=0x10000000000000\n", "t.seq:5:32: expected ipa to be 4K-aligned and below 2^52, found '0x10000000000000'"},
      {kSte + "sync\ncommand CMD_SYNC cs=4\n", "t.seq:5:21: expected cs to fit in 2 bits (at most 0x3), found '4'"},
      {kSte + "sync\ncommand TLBI_NSNH_ALL vmid=1\n", "t.seq:5:23: expected end of line: TLBI_NSNH_ALL has no operands, found 'vmid'"},
      // Expectations.
      {kSte + "expect fine under coherent\n", "t.seq:4:8: expected pass, violation or unknown after `expect`, found 'fine'"},
      {kSte + "expect pass\n", "t.seq:4:12: expected `under` and a model after `expect pass`, found end of line"},
      {kSte + "expect violation broken under coherent\n", "t.seq:4:18: expected a violation kind (torn, misordered, stale) or `under` after `expect violation`, found 'broken'"},
      {kSte + "expect violation torn\n", "t.seq:4:22: expected `under` and a model after `expect violation torn`, found end of line"},
      {kSte + "expect pass torn under coherent\n", "t.seq:4:13: expected `under` and a model after `expect pass`, found 'torn'"},
      {kSte + "expect pass under\n", "t.seq:4:18: expected a model after `under` (coherent, nc, cacheable-line, cacheable-64, cacheable-byte, all, or a file; with +modifiers such as +plain-tear32), found end of line"},
      {kSte + "expect pass under =\n", "t.seq:4:19: expected a model after `under` (coherent, nc, cacheable-line, cacheable-64, cacheable-byte, all, or a file; with +modifiers such as +plain-tear32), found '='"},
      {kSte + "expect pass under coherent\nexpect violation under nc coherent\n", "t.seq:5:27: expected each model in one expectation: coherent is already expected on line 4"},
      // PTE placement.
      {"pte\niova 0x1000000000000\n", "t.seq:2:6: expected an IOVA below 2^48 (the input range of a 4K stage-1 table with a 48-bit IAS), found '0x1000000000000'"},
      {"pte\nlevel 4\n", "t.seq:2:7: expected level 1, 2 or 3 (the level of the table holding the PTE: 3 a page, 1 or 2 a block), found '4'"},
      {"pte\nlevel 0\n", "t.seq:2:7: expected level 1, 2 or 3 (the level of the table holding the PTE: 3 a page, 1 or 2 a block), found '0'"},
      {pte + "store once u64 at 0 = 0x47\nlevel 2\n", "t.seq:5:1: expected `level` before the first step (line 4): it places the PTE in its tables"},
      {pte + "iova 1\niova 2\n", "t.seq:5:1: expected one `iova` line: it is already given on line 4"},
  };
  for (const auto &c : cases) EXPECT_EQ(error_of(c.text), c.error) << c.text;
}

TEST(SeqParser, AMissingFileIsAnError) {
  try {
    read_sequence_file("/nonexistent/x.seq");
    FAIL() << "accepted";
  } catch (const SeqError &e) {
    EXPECT_STREQ(e.what(), "/nonexistent/x.seq: expected a .seq file, but it does not exist");
  }
}

TEST(SeqParser, EveryShippedCaseParsesAndSaysWhatItTeaches) {
  int n = 0;
  for (const auto &f : fs::directory_iterator(kCases)) {
    if (f.path().extension() != ".seq") continue;
    ++n;
    SCOPED_TRACE(f.path().string());
    Sequence s = read_sequence_file(f.path());
    EXPECT_FALSE(s.expectations.empty());
    std::ifstream in(f.path());
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first.rfind("# ", 0), 0u) << "a case starts with a comment saying what it teaches";
    std::stringstream all;
    all << std::ifstream(f.path()).rdbuf();
    EXPECT_NE(all.str().find("# Answer:"), std::string::npos);
  }
  EXPECT_GE(n, 6);
}

// Random edits of valid files: every outcome is a trace or a SeqError with its
// place; nothing else escapes (the libFuzzer target fuzz/seq_parser_fuzz.cpp
// goes further when clang is there).
TEST(SeqParser, MutationsOfValidFilesNeverCrash) {
  std::vector<std::string> seeds = {kHitless};
  for (const auto &f : fs::directory_iterator(kCases))
    if (f.path().extension() == ".seq") {
      std::stringstream ss;
      ss << std::ifstream(f.path()).rdbuf();
      seeds.push_back(ss.str());
    }
  std::vector<std::string> words = {"ste", "cd", "pte", "initial", "target", "store", "once", "plain", "u8",
                                    "u64", "at", "=", "0x", "sync", "command", "CFGI_STE", "sid=", "clean",
                                    "size", "expect", "under", "iova", "level", "#", "\n", " ", "0xffffffffffffffff",
                                    "99999999999999999999", "\t", "\r", "\xff", "-1"};
  words.push_back(std::string(1, '\0'));
  const std::regex located(R"(^m\.seq:\d+:\d+: expected .+)");
  std::mt19937 rng(20241122);
  int accepted = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string t = seeds[rng() % seeds.size()];
    for (int edits = 1 + rng() % 4; edits > 0 && !t.empty(); --edits) {
      size_t at = rng() % t.size();
      switch (rng() % 6) {
        case 0: t.erase(at, 1 + rng() % 12); break;
        case 1: t.insert(at, words[rng() % words.size()]); break;
        case 2: t[at] = static_cast<char>(rng() % 256); break;
        case 3: t.resize(at); break;
        case 4: {  // duplicate a line
          size_t b = t.rfind('\n', at), e = t.find('\n', at);
          b = b == std::string::npos ? 0 : b + 1;
          t.insert(b, t.substr(b, (e == std::string::npos ? t.size() : e + 1) - b));
          break;
        }
        default: {  // move a line elsewhere
          size_t b = t.rfind('\n', at), e = t.find('\n', at);
          b = b == std::string::npos ? 0 : b + 1;
          std::string l = t.substr(b, (e == std::string::npos ? t.size() : e + 1) - b);
          t.erase(b, l.size());
          t.insert(t.empty() ? 0 : rng() % t.size(), l);
        }
      }
    }
    try {
      Sequence s = parse_sequence(t, "m.seq");
      ++accepted;
      ASSERT_FALSE(s.trace.events.empty());
      ASSERT_EQ(s.trace.events.back().kind, EventKind::UpdateEnd) << t;
      for (const Event &e : s.trace.events)
        if (e.kind == EventKind::Store) {
          const DescRange &d = s.trace.descs.at(e.desc);
          ASSERT_LE(e.offset + e.size, d.size) << t;
          ASSERT_EQ(e.offset % e.size, 0u) << t;
        }
    } catch (const SeqError &e) {
      ++refused;
      ASSERT_TRUE(std::regex_match(std::string(e.what()), located)) << e.what();
    }
  }
  // Both outcomes are exercised.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(refused, 1000);
}
