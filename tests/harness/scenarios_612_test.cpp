// The scenario drivers of harness/kdrivers/scenarios_612_*.c (Linux 6.12):
// the production STE/CD/stream-table/TLBI paths and io-pgtable-arm with a
// coherent and a non-coherent walker. Each scenario checks itself; these tests
// check the recorded trace independently (commands decoded from the
// architecture's encoding, descriptor contents replayed from the stores).
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "command.h"
#include "kernel_fixture.h"

using namespace smmu::harness;
using smmu::testing::run_case;

namespace {

const char *kDriver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";
const char *kPgtable = "drivers/iommu/io-pgtable-arm.c";

// io-pgtable-arm.c lines, found by content in the tree under test (a test
// body looks them up: a needle not found fails that test).
struct PgtableLines {
  int alloc_clean;  // dma_map_single of a new table
  int sync_pte;     // dma_sync_single_for_device in __arm_lpae_sync_pte (its last line,
                    // which __LINE__ reports for a macro call over two lines)
  int clear_pte;    // ptep[i] = 0
  int init_pte;     // ptep[i] = pte | paddr
  int install;      // cmpxchg64_relaxed of a table descriptor
  int sw_sync;      // WRITE_ONCE(*ptep, new | ARM_LPAE_PTE_SW_SYNC)
  int map_wmb;      // wmb() at the end of arm_lpae_map_pages
};

const PgtableLines &pgt() {
  using smmu::testing::kernel_line;
  using smmu::testing::kernel_line_after;
  static const PgtableLines lines = {
      kernel_line("6.12", kPgtable, "dma_map_single(dev, pages, size, DMA_TO_DEVICE)"),
      kernel_line_after("6.12", kPgtable, {"dma_sync_single_for_device(", ");"}),
      smmu::testing::clear_pte_line("6.12"),
      smmu::testing::init_pte_line("6.12"),
      kernel_line("6.12", kPgtable, "cmpxchg64_relaxed(ptep, curr, new)"),
      kernel_line("6.12", kPgtable, "WRITE_ONCE(*ptep, new | ARM_LPAE_PTE_SW_SYNC)"),
      kernel_line_after("6.12", kPgtable, {"static int arm_lpae_map_pages(", "\twmb();"}),
  };
  return lines;
}

// arm-smmu-v3.c: the level-1 descriptor stores (WRITE_ONCE of the L2 pointer).
int cd_l1_store_line() {
  return smmu::testing::kernel_line_after("6.12", kDriver,
                                          {"static void arm_smmu_write_cd_l1_desc(", "WRITE_ONCE(dst->l2ptr"});
}
int strtab_l1_store_line() {
  return smmu::testing::kernel_line_after("6.12", kDriver,
                                          {"static void arm_smmu_write_strtab_l1_desc(", "WRITE_ONCE(dst->l2ptr"});
}

constexpr uint64_t kSwSyncBit = 1ull << 55;
constexpr uint64_t kAddrMask = 0x0000fffffffff000ull;

const Trace &trace_of(const std::string &name) {
  // Runs are deterministic; share one run per scenario between the tests.
  static std::map<std::string, RunResult> runs;
  auto it = runs.find(name);
  if (it == runs.end()) it = runs.emplace(name, run_case("6.12", name)).first;
  return it->second.trace;
}

std::optional<Command> command_at(const Trace &t, size_t i) {
  if (i >= t.events.size() || t.events[i].kind != EventKind::Command) return std::nullopt;
  return decode_command(t.events[i].cmd);
}

bool is_op(const std::optional<Command> &c, CmdOp op) {
  return c && c->opcode == static_cast<uint8_t>(op);
}

const DescRange *desc_named(const Trace &t, const std::string &name) {
  for (const auto &d : t.descs)
    if (d.name == name) return &d;
  return nullptr;
}

bool at(const Event &e, const char *file, int line) {
  return e.loc.file == file && e.loc.line == line;
}

std::vector<Command> all_commands(const Trace &t) {
  std::vector<Command> out;
  for (const auto &e : t.events)
    if (e.kind == EventKind::Command) out.push_back(decode_command(e.cmd));
  return out;
}

// ---------------------------------------------------------------- all of them

const char *const kScenarios[] = {
    "ste_transitions_2lvl",        "ste_transitions_linear",      "cd_write_linear",
    "cd_write_2lvl",               "strtab_l2_install",           "tlbi_s1_ril",
    "tlbi_s1_noril",               "tlbi_s2_ril",                 "tlbi_s2_noril",
    "iopt_map_page_coherent",      "iopt_map_page_noncoherent",   "iopt_map_block_coherent",
    "iopt_map_block_noncoherent",  "iopt_unmap_page_coherent",    "iopt_unmap_page_noncoherent",
    "iopt_unmap_block_coherent",   "iopt_unmap_block_noncoherent", "iopt_split_block_coherent",
    "iopt_split_block_noncoherent", "attach_s1_mapped_linear",     "attach_s1_mapped_2lvl",
};

class Scenario612 : public ::testing::TestWithParam<const char *> {};

TEST_P(Scenario612, PassesItsOwnChecksWithoutWarnings) {
  RunResult r = run_case("6.12", GetParam());
  EXPECT_EQ(r.status, RunStatus::Pass);
  for (const auto &f : r.trace.kunit_failures) ADD_FAILURE() << f;
  EXPECT_EQ(r.trace.count(EventKind::Warn), 0u);
  EXPECT_EQ(r.trace.count(EventKind::Bug), 0u);
  EXPECT_GT(r.trace.count(EventKind::Store), 0u);
}

INSTANTIATE_TEST_SUITE_P(All, Scenario612, ::testing::ValuesIn(kScenarios));

// ------------------------------------------------------------ STE transitions

struct SteUpdate {
  uint32_t sid = 0;
  int syncs = 0;
  bool v_clear_at_a_sync = false;
  std::vector<uint64_t> target;
};

// Every STE update of the trace: each writer sync is followed by CFGI_STE of
// the entry's SID (leaf) and CMD_SYNC, and each update by PREFETCH_CFG.
std::vector<SteUpdate> ste_updates(const Trace &t) {
  const int entry_set = smmu::testing::entry_set_line("6.12");
  std::vector<SteUpdate> out;
  std::vector<uint64_t> entry;
  uint64_t entry_addr = 0;
  int desc = -1;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &e = t.events[i];
    if (e.kind == EventKind::UpdateBegin && t.descs[e.desc].kind == DescKind::Ste) {
      desc = e.desc;
      entry = e.before;
      entry_addr = e.addr;
      SteUpdate u;
      // "ste.sid0x10" in the transitions; strtab.l2.0 holds SIDs 0..255.
      const DescRange &d = t.descs[e.desc];
      u.sid = d.name.rfind("ste.sid", 0) == 0 ? std::stoul(d.name.substr(7), nullptr, 16)
                                              : static_cast<uint32_t>((e.addr - d.base) / 64);
      u.target = e.after;
      out.push_back(u);
    } else if (desc >= 0 && e.kind == EventKind::Store && e.desc == desc) {
      EXPECT_EQ(e.store, StoreKind::Once);
      EXPECT_TRUE(at(e, kDriver, entry_set)) << e.loc.file << ":" << e.loc.line;
      uint64_t q = (e.addr - entry_addr) / 8;
      EXPECT_LT(q, 8u) << "a store outside the entry being updated";
      if (q < 8) entry[q] = e.value;
    } else if (desc >= 0 && e.kind == EventKind::UpdateSync) {
      SteUpdate &u = out.back();
      ++u.syncs;
      u.v_clear_at_a_sync |= (entry[0] & 1) == 0;
      auto cfgi = command_at(t, i + 1);
      EXPECT_TRUE(is_op(cfgi, CmdOp::CfgiSte)) << "event " << i + 2;
      if (cfgi) {
        EXPECT_EQ(cfgi->sid, u.sid);
        EXPECT_TRUE(cfgi->leaf);
      }
      EXPECT_TRUE(is_op(command_at(t, i + 2), CmdOp::Sync)) << "event " << i + 3;
    } else if (desc >= 0 && e.kind == EventKind::UpdateEnd) {
      auto prefetch = command_at(t, i + 1);
      EXPECT_TRUE(is_op(prefetch, CmdOp::PrefetchCfg)) << "event " << i + 2;
      if (prefetch) EXPECT_EQ(prefetch->sid, out.back().sid);
      desc = -1;
    }
  }
  return out;
}

class Scenario612Ste : public ::testing::TestWithParam<const char *> {};

TEST_P(Scenario612Ste, EachSyncIsCfgiSteOfTheSidThenSyncAndOnlyS1ToS2VmidOneIsBreaking) {
  const Trace &t = trace_of(GetParam());
  std::vector<SteUpdate> u = ste_updates(t);
  // abort->bypass, bypass->S1, S1->S2, S2->abort; SID 0x10 then 0x11 each time.
  const int syncs[] = {2, 2, 3, 3, 3, 3, 2, 2};
  ASSERT_EQ(u.size(), std::size(syncs));
  for (size_t i = 0; i < u.size(); ++i) {
    SCOPED_TRACE("STE update " + std::to_string(i));
    EXPECT_EQ(u[i].sid, i % 2 ? 0x11u : 0x10u);
    EXPECT_EQ(u[i].syncs, syncs[i]);
    // S1 (S2VMID 0) -> S2 with VMID 1: V=0 while the other qwords change.
    EXPECT_EQ(u[i].v_clear_at_a_sync, i == 4 || i == 5);
  }
  // Targets: STE.Config (3:1) bypass 4, S1 5, S2 6, abort 0.
  EXPECT_EQ((u[0].target[0] >> 1) & 7, 4u);
  EXPECT_EQ((u[2].target[0] >> 1) & 7, 5u);
  EXPECT_EQ((u[4].target[0] >> 1) & 7, 6u);
  EXPECT_EQ((u[6].target[0] >> 1) & 7, 0u);
  // The S1 STE points at the CD table the driver allocated (S1ContextPtr 51:6).
  const DescRange *cdtab = desc_named(t, std::string(GetParam()).find("2lvl") != std::string::npos
                                             ? "cdtab.l1" : "cdtab");
  ASSERT_NE(cdtab, nullptr);
  EXPECT_EQ(u[2].target[0] & 0x000fffffffffffc0ull, cdtab->base);
  // S2: VMID 1 (S2VMID 15:0), page tables above 4 GiB (S2TTB 51:4).
  EXPECT_EQ(u[4].target[2] & 0xffff, 1u);
  EXPECT_GT(u[4].target[3] & 0x000ffffffffffff0ull, 0xffffffffull);
}

INSTANTIATE_TEST_SUITE_P(Both, Scenario612Ste,
                         ::testing::Values("ste_transitions_2lvl", "ste_transitions_linear"));

// ------------------------------------------------------------------ CD writes

// SSID of a CD entry from where it lives: "cdtab" (linear) or "cdtab.l2.N".
uint32_t ssid_of(const Trace &t, const Event &e) {
  const DescRange &d = t.descs[e.desc];
  uint32_t index = static_cast<uint32_t>((e.addr - d.base) / 64);
  if (d.name.rfind("cdtab.l2.", 0) == 0) index += 1024 * std::stoul(d.name.substr(9));
  return index;
}

// Each CD writer sync is CFGI_CD(leaf) for SIDs 0x10 and 0x11 with the
// entry's SSID, then CMD_SYNC. Returns the SSIDs of the updates in order.
std::vector<uint32_t> check_cd_updates(const Trace &t) {
  std::vector<uint32_t> ssids;
  uint32_t ssid = 0;
  bool in_cd = false;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &e = t.events[i];
    if (e.kind == EventKind::UpdateBegin) {
      in_cd = t.descs[e.desc].kind == DescKind::Cd;
      if (in_cd) ssids.push_back(ssid = ssid_of(t, e));
    } else if (in_cd && e.kind == EventKind::UpdateSync) {
      for (uint32_t k = 0; k < 2; ++k) {
        auto c = command_at(t, i + 1 + k);
        EXPECT_TRUE(is_op(c, CmdOp::CfgiCd)) << "event " << i + 2 + k;
        if (!c) continue;
        EXPECT_EQ(c->sid, 0x10u + k);
        EXPECT_EQ(c->ssid, ssid);
        EXPECT_TRUE(c->leaf);
      }
      EXPECT_TRUE(is_op(command_at(t, i + 3), CmdOp::Sync));
    }
  }
  return ssids;
}

TEST(Scenario612Cd, LinearTableCfgiCdCarriesTheSsidOfEachWrite) {
  const Trace &t = trace_of("cd_write_linear");
  // SSID 0 written; SSID 3 written, replaced, cleared.
  EXPECT_EQ(check_cd_updates(t), (std::vector<uint32_t>{0, 3, 3, 3}));
  for (const auto &d : t.descs) EXPECT_NE(d.kind, DescKind::L1Cd);
}

TEST(Scenario612Cd, TwoLevelTableInstallsLevelTwoTablesThroughWriteOnceAndCfgiCdNonLeaf) {
  const Trace &t = trace_of("cd_write_2lvl");
  EXPECT_EQ(check_cd_updates(t), (std::vector<uint32_t>{0, 0x401, 0x401, 0x401}));
  const DescRange *l2[2] = {desc_named(t, "cdtab.l2.0"), desc_named(t, "cdtab.l2.1")};
  ASSERT_NE(l2[0], nullptr);
  ASSERT_NE(l2[1], nullptr);
  const uint32_t ssid[2] = {0, 0x401};
  int n = 0;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &e = t.events[i];
    if (e.kind != EventKind::Store || t.descs[e.desc].kind != DescKind::L1Cd) continue;
    ASSERT_LT(n, 2);
    EXPECT_TRUE(at(e, kDriver, cd_l1_store_line())) << e.loc.file << ":" << e.loc.line;
    EXPECT_EQ(e.store, StoreKind::Once);
    EXPECT_EQ(e.offset, 8u * n);                // L1 index 0, then 1
    EXPECT_EQ(e.value, l2[n]->base | 1);        // L2Ptr | V
    // The invalid L1CD may be cached: CFGI_CD (not leaf) per SID, then CMD_SYNC.
    for (uint32_t k = 0; k < 2; ++k) {
      auto c = command_at(t, i + 1 + k);
      ASSERT_TRUE(is_op(c, CmdOp::CfgiCd));
      EXPECT_EQ(c->sid, 0x10u + k);
      EXPECT_EQ(c->ssid, ssid[n]);
      EXPECT_FALSE(c->leaf);
    }
    EXPECT_TRUE(is_op(command_at(t, i + 3), CmdOp::Sync));
    ++n;
  }
  EXPECT_EQ(n, 2);
}

// ------------------------------------------------------------- stream table

TEST(Scenario612Strtab, AbortStesArePlainStoresBeforeTheWriteOnceOfTheL1Descriptor) {
  const Trace &t = trace_of("strtab_l2_install");
  const DescRange *l1 = desc_named(t, "strtab.l1");
  const DescRange *l2 = desc_named(t, "strtab.l2.0");
  ASSERT_NE(l1, nullptr);
  ASSERT_NE(l2, nullptr);
  EXPECT_EQ(l2->size, 256u * 64);
  int plain = 0, l1_stores = 0;
  bool l2_allocated = false;
  for (const Event &e : t.events) {
    if (e.kind == EventKind::Alloc && t.descs[e.desc].name == "strtab.l2.0") {
      EXPECT_TRUE(e.zeroed);
      l2_allocated = true;
    }
    if (e.kind == EventKind::Command) EXPECT_EQ(l1_stores, 1) << "a command before the L1 store";
    if (e.kind != EventKind::Store) continue;
    if (t.descs[e.desc].name == "strtab.l2.0" && e.store == StoreKind::Plain) {
      EXPECT_TRUE(l2_allocated);
      EXPECT_EQ(l1_stores, 0) << "an initial STE stored after its table was published";
      EXPECT_EQ(e.offset % 64, 0u);  // qword 0 of each STE
      EXPECT_EQ(e.value, 1u);        // V=1, Config=abort
      ++plain;
    } else if (t.descs[e.desc].name == "strtab.l1") {
      EXPECT_EQ(e.store, StoreKind::Once);
      EXPECT_TRUE(at(e, kDriver, strtab_l1_store_line())) << e.loc.file << ":" << e.loc.line;
      EXPECT_EQ(e.offset, 0u);
      EXPECT_EQ(e.value, l2->base | 9);  // L2Ptr | Span = STRTAB_SPLIT + 1
      ++l1_stores;
    }
  }
  EXPECT_EQ(plain, 256);
  EXPECT_EQ(l1_stores, 1);
  // Then the first STEs written through the new table: SIDs 0x10, 0x11.
  std::vector<SteUpdate> u = ste_updates(t);
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].sid, 0x10u);
  EXPECT_EQ(u[1].sid, 0x11u);
}

// ---------------------------------------------------------- TLB invalidation

TEST(Scenario612Tlbi, RangeInvalidationOfFourPagesIsOneCommandAfterThePteClears) {
  const Trace &t = trace_of("tlbi_s1_ril");
  int cleared = 0;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &e = t.events[i];
    if (e.kind == EventKind::Store && at(e, kPgtable, pgt().clear_pte) && e.old_value) ++cleared;
    if (e.kind != EventKind::Command) continue;
    // The first command of the run: 4 x 4K at 0x10000 in ASID 5.
    EXPECT_EQ(cleared, 4);
    smmu::testing::expect_four_page_range_tlbi(e.cmd);
    EXPECT_TRUE(is_op(command_at(t, i + 1), CmdOp::Sync));
    break;
  }
}

TEST(Scenario612Tlbi, WithoutRangeInvalidationEachPageHasItsOwnCommand) {
  std::vector<Command> c = all_commands(trace_of("tlbi_s1_noril"));
  ASSERT_GE(c.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(c[i].opcode, static_cast<uint8_t>(CmdOp::TlbiNhVa));
    EXPECT_EQ(c[i].asid, 5);
    EXPECT_EQ(c[i].addr, 0x10000u + 0x1000u * i);
    EXPECT_EQ(c[i].tg, 0);
    EXPECT_EQ(c[i].ttl, 0);
    EXPECT_TRUE(c[i].leaf);
  }
  EXPECT_EQ(c[4].opcode, static_cast<uint8_t>(CmdOp::Sync));
  // The removed table (flush_walk, granule 4K) costs 512 non-leaf commands.
  size_t walk = 0;
  for (const auto &x : c) walk += x.opcode == static_cast<uint8_t>(CmdOp::TlbiNhVa) && !x.leaf;
  EXPECT_EQ(walk, 512u);
}

TEST(Scenario612Tlbi, Stage2UsesTheVmidInIpaAndVmallCommands) {
  std::vector<Command> c = all_commands(trace_of("tlbi_s2_ril"));
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0].opcode, static_cast<uint8_t>(CmdOp::TlbiS2Ipa));
  EXPECT_EQ(c[0].vmid, 1);
  EXPECT_EQ(c[0].addr, 0x10000u);
  EXPECT_EQ(c[0].scale, 2);
  EXPECT_EQ(c[0].ttl, 3);
  int vmall = 0;
  for (const auto &x : c) {
    EXPECT_NE(x.opcode, static_cast<uint8_t>(CmdOp::TlbiNhVa));
    if (x.opcode == static_cast<uint8_t>(CmdOp::TlbiS12Vmall)) {
      EXPECT_EQ(x.vmid, 1);
      ++vmall;
    }
  }
  EXPECT_EQ(vmall, 2);  // flush_iotlb_all and free_io_pgtable_ops
}

class Scenario612TlbiWalk : public ::testing::TestWithParam<const char *> {};

TEST_P(Scenario612TlbiWalk, RemovedTableIsFreedOnlyAfterANonLeafTlbiAndSync) {
  const Trace &t = trace_of(GetParam());
  for (size_t i = 0; i < t.events.size(); ++i) {
    if (t.events[i].kind != EventKind::Free) continue;
    ASSERT_GE(i, 2u);
    EXPECT_TRUE(is_op(command_at(t, i - 1), CmdOp::Sync));
    auto tlbi = command_at(t, i - 2);
    ASSERT_TRUE(tlbi);
    EXPECT_FALSE(tlbi->leaf);
    EXPECT_GE(tlbi->addr, 0x400000u);
    EXPECT_LT(tlbi->addr, 0x600000u);
    return;  // the first free is the level-3 table under 0x400000
  }
  ADD_FAILURE() << "no table was freed";
}

INSTANTIATE_TEST_SUITE_P(All, Scenario612TlbiWalk,
                         ::testing::Values("tlbi_s1_ril", "tlbi_s1_noril", "tlbi_s2_ril",
                                           "tlbi_s2_noril"));

// --------------------------------------------------------------- io-pgtable

const char *const kIoptOps[] = {"map_page", "map_block", "unmap_page", "unmap_block",
                                "split_block"};

class Scenario612IoptCoherent : public ::testing::TestWithParam<const char *> {};

TEST_P(Scenario612IoptCoherent, CoherentWalkHasNoCacheMaintenanceAndNoSwSync) {
  const Trace &t = trace_of(std::string("iopt_") + GetParam() + "_coherent");
  EXPECT_EQ(t.count(EventKind::Cmo), 0u);
  int installs = 0;
  for (const Event &e : t.events) {
    if (e.kind != EventKind::Store) continue;
    EXPECT_FALSE(at(e, kPgtable, pgt().sw_sync));
    if (at(e, kPgtable, pgt().install)) {
      EXPECT_EQ(e.value & kSwSyncBit, 0u);
      ++installs;
    }
  }
  EXPECT_GT(installs, 0);
}

INSTANTIATE_TEST_SUITE_P(All, Scenario612IoptCoherent, ::testing::ValuesIn(kIoptOps));

bool cleans(const Event &e, uint64_t addr, uint64_t size) {
  return e.kind == EventKind::Cmo && e.cmo == CmoKind::Clean && e.addr <= addr &&
         addr + size <= e.addr + e.size;
}

class Scenario612IoptNonCoherent : public ::testing::TestWithParam<const char *> {};

// Non-coherent walker: new tables are cleaned when allocated; PTE stores are
// cleaned right after they are made; table descriptors are cleaned after the
// cmpxchg and then marked SW_SYNC; nothing is published before it is clean.
TEST_P(Scenario612IoptNonCoherent, EveryNewTableAndPteIsCleanedBeforeItIsPublished) {
  const Trace &t = trace_of(std::string("iopt_") + GetParam() + "_noncoherent");
  std::map<int, size_t> table_cleaned;  // desc -> event index of the clean at allocation
  std::map<uint64_t, size_t> pte_cleaned;  // PTE address -> last clean after its store
  int pte_stores = 0, installs = 0;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &e = t.events[i];
    if (e.kind == EventKind::Alloc && t.descs[e.desc].kind == DescKind::PgTable) {
      ASSERT_LT(i + 1, t.events.size());
      const Event &c = t.events[i + 1];
      EXPECT_TRUE(cleans(c, e.addr, 4096) && at(c, kPgtable, pgt().alloc_clean)) << "event " << i + 2;
      table_cleaned[e.desc] = i + 1;
    }
    if (e.kind != EventKind::Store) continue;
    if (at(e, kPgtable, pgt().init_pte) || at(e, kPgtable, pgt().clear_pte)) {
      EXPECT_EQ(e.store, StoreKind::Plain);
      ++pte_stores;
      // The next event that is not another PTE store of the same line is its clean.
      size_t j = i + 1;
      while (j < t.events.size() && t.events[j].kind == EventKind::Store &&
             t.events[j].loc.line == e.loc.line)
        ++j;
      ASSERT_LT(j, t.events.size());
      EXPECT_TRUE(cleans(t.events[j], e.addr, 8) && at(t.events[j], kPgtable, pgt().sync_pte))
          << "the store at event " << i + 1 << " is not cleaned next";
      pte_cleaned[e.addr] = j;
    } else if (at(e, kPgtable, pgt().install)) {
      ++installs;
      EXPECT_EQ(e.store, StoreKind::Rmw);
      // The table it publishes was cleaned at allocation, with its PTEs, before.
      uint64_t table = e.value & kAddrMask;
      for (const auto &[desc, when] : table_cleaned)
        if (t.descs[desc].base == table) EXPECT_LT(when, i);
      for (const auto &[addr, when] : pte_cleaned)
        if (addr >= table && addr < table + 4096) EXPECT_LT(when, i);
      ASSERT_LT(i + 2, t.events.size());
      EXPECT_TRUE(cleans(t.events[i + 1], e.addr, 8));
      const Event &mark = t.events[i + 2];
      EXPECT_EQ(mark.kind, EventKind::Store);
      EXPECT_TRUE(at(mark, kPgtable, pgt().sw_sync));
      EXPECT_EQ(mark.store, StoreKind::Once);
      EXPECT_EQ(mark.addr, e.addr);
      EXPECT_EQ(mark.value, e.value | kSwSyncBit);
    }
  }
  EXPECT_GT(pte_stores, 0);
  EXPECT_GT(installs, 0);
}

INSTANTIATE_TEST_SUITE_P(All, Scenario612IoptNonCoherent, ::testing::ValuesIn(kIoptOps));

// The values the plain PTE stores (init_pte, clear_pte) write (both walker kinds).
std::vector<const Event *> stores_at(const Trace &t, int line) {
  std::vector<const Event *> out;
  for (const Event &e : t.events)
    if (e.kind == EventKind::Store && at(e, kPgtable, line)) out.push_back(&e);
  return out;
}

class Scenario612IoptValues : public ::testing::TestWithParam<const char *> {};

TEST_P(Scenario612IoptValues, PlainStoresWriteTheExpectedPtes) {
  const std::string kind = GetParam();
  {
    auto init = stores_at(trace_of("iopt_map_page_" + kind), pgt().init_pte);
    ASSERT_EQ(init.size(), 1u);
    EXPECT_EQ(init[0]->value & kAddrMask, 0x880123000u);
    EXPECT_EQ(init[0]->value & 3, 3u);  // page descriptor
    EXPECT_NE(init[0]->value & (1u << 10), 0u);  // AF
    EXPECT_EQ(init[0]->old_value, 0u);
  }
  {
    auto init = stores_at(trace_of("iopt_map_block_" + kind), pgt().init_pte);
    ASSERT_EQ(init.size(), 1u);
    EXPECT_EQ(init[0]->value & kAddrMask, 0x880600000u);
    EXPECT_EQ(init[0]->value & 3, 1u);  // block descriptor
  }
  for (const char *op : {"unmap_page_", "unmap_block_"}) {
    const Trace &t = trace_of(std::string("iopt_") + op + kind);
    auto clear = stores_at(t, pgt().clear_pte);
    ASSERT_EQ(clear.size(), 1u) << op;
    EXPECT_EQ(clear[0]->value, 0u);
    EXPECT_EQ(clear[0]->old_value & kAddrMask,
              std::string(op) == "unmap_page_" ? 0x880123000u : 0x880600000u);
  }
  {
    // Split: the block's 511 other pages, then the table replaces the block.
    const Trace &t = trace_of("iopt_split_block_" + kind);
    auto init = stores_at(t, pgt().init_pte);
    ASSERT_EQ(init.size(), 1u + 511u);
    const uint64_t block = init[0]->value;
    for (size_t i = 1; i < init.size(); ++i) {
      uint64_t page = i - 1 < 5 ? i - 1 : i;  // page 5 is the hole
      EXPECT_EQ(init[i]->value & kAddrMask, 0x880600000u + 0x1000u * page);
      EXPECT_EQ(init[i]->value & 3, 3u);
    }
    auto install = stores_at(t, pgt().install);
    ASSERT_FALSE(install.empty());
    const Event *last = install.back();
    EXPECT_EQ(last->old_value, block);
    EXPECT_EQ(last->value & kAddrMask, init[1]->addr & ~0xfffull);
    EXPECT_LT(init.back(), last);
  }
}

INSTANTIATE_TEST_SUITE_P(Both, Scenario612IoptValues, ::testing::Values("coherent", "noncoherent"));

TEST(Scenario612IoptMapWmb, MapEndsWithAWmbAfterItsLastPteStore) {
  for (const char *name : {"iopt_map_page_noncoherent", "iopt_map_page_coherent"}) {
    const Trace &t = trace_of(name);
    auto init = stores_at(t, pgt().init_pte);
    ASSERT_EQ(init.size(), 1u);
    bool wmb = false;
    for (const Event *e = init[0]; e != t.events.data() + t.events.size(); ++e)
      if (e->kind == EventKind::Barrier && at(*e, kPgtable, pgt().map_wmb)) {
        EXPECT_EQ(e->barrier, BarrierKind::Wmb);
        wmb = true;
        break;
      }
    EXPECT_TRUE(wmb) << name;
  }
}

}  // namespace
