// The scenario drivers on Linux 7.3 (and 7.2): TLB invalidation through the
// per-domain arm_smmu_invs arrays (arm_smmu_domain_inv_range) that the
// driver's attach step fills, and io-pgtable-arm's cleans for a non-coherent
// walker (iommu-pages and dma_sync_single_for_device). Commands are decoded
// from the architecture's encoding; kernel locations are found by the text of
// the tree's line. Skipped when no such tree is available.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <tuple>

#include "command.h"
#include "kernel_fixture.h"

using namespace smmu::harness;
using smmu::testing::kernel_at;
using smmu::testing::optional_tree;
using smmu::testing::run_case_at;

namespace {

const char *kDriver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";
const char *kPgtable = "drivers/iommu/io-pgtable-arm.c";
const char *const kSeries[] = {"7.3", "7.2"};

// The statement around a recorded line: the line and the two before it (a
// macro's __LINE__ may be the last line of a call spanning several).
std::string text_at(const std::filesystem::path &root, const std::string &file, int line) {
  std::ifstream in(root / file);
  std::string s, out;
  for (int n = 1; std::getline(in, s) && n <= line; ++n)
    if (n >= line - 2) out += s + "\n";
  return out;
}

bool has(const std::string &text, const char *what) { return text.find(what) != std::string::npos; }

const Trace &trace_of(const std::filesystem::path &root, const std::string &name) {
  static std::map<std::pair<std::string, std::string>, RunResult> runs;  // deterministic runs
  auto key = std::make_pair(root.string(), name);
  auto it = runs.find(key);
  if (it == runs.end()) it = runs.emplace(key, run_case_at(root, name)).first;
  return it->second.trace;
}

std::vector<Command> all_commands(const Trace &t) {
  std::vector<Command> out;
  for (const auto &e : t.events)
    if (e.kind == EventKind::Command) out.push_back(decode_command(e.cmd));
  return out;
}

uint8_t op(CmdOp o) { return static_cast<uint8_t>(o); }

const char *const kScenarios[] = {
    "tlbi_s1_ril",          "tlbi_s1_noril",         "tlbi_s2_ril",
    "tlbi_s2_noril",        "ste_transitions_linear", "ste_transitions_2lvl",
    "cd_write_linear",      "cd_write_2lvl",          "strtab_l2_install",
    "pt_unmap_table_4k_nc", "pt_sw_sync_4k_nc",       "pt_cd_ttb0_nc",
    "iopt_map_page_coherent",   "iopt_map_page_noncoherent",
    "iopt_unmap_block_coherent", "iopt_unmap_block_noncoherent",
    "attach_s1_mapped_linear",   "attach_s1_mapped_2lvl",
};

class Scenario73 : public ::testing::TestWithParam<std::tuple<const char *, const char *>> {};

}  // namespace

TEST_P(Scenario73, PassesItsOwnChecksWithoutWarnings) {
  const auto &[series, name] = GetParam();
  TREE_OR_SKIP(root, series);
  RunResult r = run_case_at(root, name);
  EXPECT_EQ(r.status, RunStatus::Pass);
  for (const auto &f : r.trace.kunit_failures) ADD_FAILURE() << f;
  EXPECT_EQ(r.trace.count(EventKind::Warn), 0u);
  EXPECT_EQ(r.trace.count(EventKind::Bug), 0u);
}

INSTANTIATE_TEST_SUITE_P(All, Scenario73,
                         ::testing::Combine(::testing::ValuesIn(kSeries), ::testing::ValuesIn(kScenarios)));

class Tree73 : public ::testing::TestWithParam<const char *> {};

// v6.14 removed the block split: no scenario may claim it.
TEST_P(Tree73, HasNoSplitScenario) {
  TREE_OR_SKIP(root, GetParam());
  const auto &k = kernel_at(root);
  EXPECT_GT(k.scenarios().size(), 50u);
  for (const auto &s : k.scenarios()) EXPECT_EQ(s.name.find("split"), std::string::npos) << s.name;
}

// Unmapping 4 x 4K at 0x10000 in ASID 5, then iotlb_sync: after the four PTE
// clears, the smp_mb() that orders them before the array is read, then one
// range command (the same encoding as 6.12's) and a CMD_SYNC.
TEST_P(Tree73, UnmapIsOneRangeCommandFromTheDomainsInvalidationArray) {
  TREE_OR_SKIP(root, GetParam());
  const Trace &t = trace_of(root, "tlbi_s1_ril");
  int cleared = 0;
  bool smp_mb = false;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &e = t.events[i];
    if (e.kind == EventKind::Store && e.loc.file == kPgtable && e.old_value &&
        has(text_at(root, kPgtable, e.loc.line), "ptep[i] = 0"))
      ++cleared;
    if (e.kind == EventKind::Barrier && cleared == 4) {
      EXPECT_EQ(e.barrier, BarrierKind::SmpMb);
      EXPECT_TRUE(has(text_at(root, kDriver, e.loc.line), "smp_mb()"));
      smp_mb = true;
    }
    if (e.kind != EventKind::Command) continue;
    EXPECT_EQ(cleared, 4);
    EXPECT_TRUE(smp_mb);
    smmu::testing::expect_four_page_range_tlbi(e.cmd);
    ASSERT_LT(i + 1, t.events.size());
    ASSERT_EQ(t.events[i + 1].kind, EventKind::Command);
    EXPECT_EQ(decode_command(t.events[i + 1].cmd).opcode, op(CmdOp::Sync));
    return;
  }
  ADD_FAILURE() << "no command was issued";
}

// Without range invalidation: a command per page for the unmap, but the walk
// flush of a removed table (512 granules) becomes the whole ASID: 7.x's
// arm_smmu_inv_size_too_big, where 6.12 issued 512 non-leaf commands.
TEST_P(Tree73, WithoutRangeInvalidationAWideWalkFlushIsTheWholeAsid) {
  TREE_OR_SKIP(root, GetParam());
  std::vector<Command> c = all_commands(trace_of(root, "tlbi_s1_noril"));
  ASSERT_GE(c.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(c[i].opcode, op(CmdOp::TlbiNhVa));
    EXPECT_EQ(c[i].asid, 5);
    EXPECT_EQ(c[i].addr, 0x10000u + 0x1000u * i);
    EXPECT_EQ(c[i].tg, 0);
    EXPECT_TRUE(c[i].leaf);
  }
  EXPECT_EQ(c[4].opcode, op(CmdOp::Sync));
  size_t nonleaf_va = 0, asid_all = 0;
  for (const auto &x : c) {
    nonleaf_va += x.opcode == op(CmdOp::TlbiNhVa) && !x.leaf;
    if (x.opcode == op(CmdOp::TlbiNhAsid)) {
      EXPECT_EQ(x.asid, 5);
      ++asid_all;
    }
  }
  EXPECT_EQ(nonleaf_va, 0u);
  EXPECT_EQ(asid_all, 3u);  // the walk flush, flush_iotlb_all, free_io_pgtable_ops
}

TEST_P(Tree73, Stage2UsesTheVmidOfTheDomainsArray) {
  TREE_OR_SKIP(root, GetParam());
  std::vector<Command> c = all_commands(trace_of(root, "tlbi_s2_ril"));
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0].opcode, op(CmdOp::TlbiS2Ipa));
  EXPECT_EQ(c[0].vmid, 1);
  EXPECT_EQ(c[0].addr, 0x10000u);
  EXPECT_EQ(c[0].scale, 2);
  EXPECT_EQ(c[0].ttl, 3);
  int vmall = 0;
  for (const auto &x : c) {
    EXPECT_NE(x.opcode, op(CmdOp::TlbiNhVa));
    if (x.opcode == op(CmdOp::TlbiS12Vmall)) {
      EXPECT_EQ(x.vmid, 1);
      ++vmall;
    }
  }
  EXPECT_EQ(vmall, 2);  // flush_iotlb_all and free_io_pgtable_ops
}

// A removed table is freed only after its non-leaf invalidation completed.
TEST_P(Tree73, RemovedTableIsFreedAfterItsInvalidationAndSync) {
  TREE_OR_SKIP(root, GetParam());
  for (const char *s : {"tlbi_s1_ril", "tlbi_s1_noril", "tlbi_s2_ril", "tlbi_s2_noril"}) {
    const Trace &t = trace_of(root, s);
    size_t i = 0;
    while (i < t.events.size() && t.events[i].kind != EventKind::Free) ++i;
    ASSERT_LT(i, t.events.size()) << s << ": no table was freed";
    ASSERT_GE(i, 2u);
    ASSERT_EQ(t.events[i - 1].kind, EventKind::Command) << s;
    EXPECT_EQ(decode_command(t.events[i - 1].cmd).opcode, op(CmdOp::Sync)) << s;
    ASSERT_EQ(t.events[i - 2].kind, EventKind::Command) << s;
    Command inv = decode_command(t.events[i - 2].cmd);
    EXPECT_FALSE(inv.leaf) << s;
  }
}

// Non-coherent walker: a new table is cleaned whole when iommu-pages hands it
// over (iommu_pages_start_incoherent), and each PTE store is cleaned next by
// __arm_lpae_sync_pte's dma_sync_single_for_device.
TEST_P(Tree73, NonCoherentWalkCleansTablesAndPtesThroughTheDmaApi) {
  TREE_OR_SKIP(root, GetParam());
  const Trace &t = trace_of(root, "iopt_map_page_noncoherent");
  int tables = 0, ptes = 0;
  for (size_t i = 0; i + 1 < t.events.size(); ++i) {
    const Event &e = t.events[i], &next = t.events[i + 1];
    if (e.kind == EventKind::Alloc && e.desc >= 0 && t.descs[e.desc].kind == DescKind::PgTable) {
      ++tables;
      EXPECT_EQ(next.kind, EventKind::Cmo);
      EXPECT_EQ(next.cmo, CmoKind::Clean);
      EXPECT_EQ(next.addr, e.addr);
      EXPECT_GE(next.size, 4096u);
      EXPECT_TRUE(has(text_at(root, kPgtable, next.loc.line), "iommu_pages_start_incoherent("));
    }
    if (e.kind == EventKind::Store && e.store == StoreKind::Plain && e.loc.file == kPgtable) {
      ++ptes;
      EXPECT_EQ(next.kind, EventKind::Cmo);
      EXPECT_EQ(next.cmo, CmoKind::Clean);
      EXPECT_LE(next.addr, e.addr);
      EXPECT_GE(next.addr + next.size, e.addr + 8);
      EXPECT_TRUE(has(text_at(root, kPgtable, next.loc.line), "dma_sync_single_for_device("))
          << text_at(root, kPgtable, next.loc.line);
    }
  }
  EXPECT_EQ(tables, 4);  // the pgd and one table per level below it
  EXPECT_EQ(ptes, 1);
  EXPECT_EQ(trace_of(root, "iopt_map_page_coherent").count(EventKind::Cmo), 0u);
}

INSTANTIATE_TEST_SUITE_P(Trees, Tree73, ::testing::ValuesIn(kSeries));
