// Generated sequences on the real trees: pristine 6.12 gives its documented
// findings only, 7.3 none; a bug put back into a copy of the 6.12 tree is
// found by generation (a finding the pristine tree does not have), with a
// shrunk sequence that replays to the same finding; runs are deterministic
// and shards join into the whole run. SVA domains (the mm's table, the SVA
// mmu notifier) likewise: pristine trees clean, notifier bugs found.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "check_run.h"
#include "command.h"
#include "coverage_gain.h"
#include "explore_report.h"
#include "kernel_fixture.h"
#include "kernel_semantics.h"
#include "known_findings.h"
#include "model_registry.h"
#include "pt_slice.h"

namespace smmu::explore {
namespace {

namespace fs = std::filesystem;

struct Exploration {
  std::unique_ptr<SequenceChecker> checker;
  std::unique_ptr<Explorer> explorer;
};

// sva: draw SVA domains only (the tree's mmu notifier), else paging domains only;
// attach: paging domains' masters attach domains too. STE/CD updates are judged
// with the tree's get_used and structure graph, as the CLI judges them.
Exploration exploration(const harness::KernelRunner &runner, const std::string &models, bool sva = false,
                        bool attach = false) {
  std::vector<models::Model> ms;
  std::stringstream ss(models);
  for (std::string m; std::getline(ss, m, ',');) ms.push_back(models::resolve_model(m));
  Exploration e;
  e.checker = std::make_unique<SequenceChecker>(
      runner, ms, checker::pt_semantics(runner.slice()),
      EntryChecks{checks::kernel_semantics(runner, false), checks::structure_graph(runner)});
  GeneratorLimits limits;
  limits.allow_split = e.checker->runner().can_split_blocks();
  limits.paging = !sva;
  limits.sva = sva;
  limits.ats = e.checker->runner().can_ats();
  limits.attach = attach && e.checker->runner().can_attach();
  limits.cd_2lvl = e.checker->runner().can_cd_2lvl();
  e.explorer = std::make_unique<Explorer>(*e.checker, limits);
  const fs::path root = runner.tree().root;
  e.explorer->line_text = [root](const std::string &f, int line) { return kernel_line_text(root, f, line); };
  return e;
}

ExploreResult explore_n(const Explorer &x, uint64_t n, uint64_t shard = 0, uint64_t shards = 1) {
  Schedule s;
  s.max_sequences = n;
  s.shard = shard;
  s.shards = shards;
  return x.explore(s);
}

std::set<std::string> signatures(const ExploreResult &r) {
  std::set<std::string> out;
  for (const auto &f : r.findings) out.insert(f.finding.signature);
  return out;
}

const fs::path kKnown612 = fs::path(SMMU_SOURCE_DIR) / "cases" / "explore-known-6.12.txt";

TEST(Explore612, PristineTreeGivesOnlyItsDocumentedFindings) {
  Exploration e = exploration(testing::kernel("6.12"), "coherent,nc");
  e.explorer->known = read_known_findings(kKnown612);
  const ExploreResult r = explore_n(*e.explorer, 150);
  for (const auto &f : r.findings)
    EXPECT_TRUE(f.known) << "new: " << f.finding.signature << "\n" << f.shrunk << f.finding.witness;
  EXPECT_EQ(r.totals.unknown_sequences, 0u) << (r.unknowns.empty() ? "" : r.unknowns[0]);
  EXPECT_FALSE(r.findings.empty()) << "the block split's stale block is known to be found";
  // The paths no hand-written scenario took.
  EXPECT_GT(r.totals.paths.splits, 0);
  EXPECT_GT(r.totals.paths.tables_freed_by_unmap, 0);
  EXPECT_GT(r.totals.paths.table_crossings, 0);
  EXPECT_GT(r.totals.paths.ats_sequences, 0);
}

TEST(Explore612, SameSeedSameReportAndShardsJoinIntoTheWholeRun) {
  Exploration e = exploration(testing::kernel("6.12"), "coherent");
  const ExploreResult whole = explore_n(*e.explorer, 60), again = explore_n(*e.explorer, 60);
  ASSERT_EQ(whole.findings.size(), again.findings.size());
  for (size_t i = 0; i < whole.findings.size(); ++i) EXPECT_EQ(whole.findings[i].shrunk, again.findings[i].shrunk);
  ExploreReport a, b;
  a.tree = b.tree = "t";
  a.models = b.models = {"coherent"};
  a.result = explore_n(*e.explorer, 30, 0, 2);
  a.shards_merged = {0};
  b.result = explore_n(*e.explorer, 30, 1, 2);
  b.shards_merged = {1};
  // Through JSON, as CI machines hand them over.
  std::ostringstream ja, jb;
  write_json(ja, a);
  write_json(jb, b);
  const ExploreReport m = merge({read_json(jb.str(), "b.json"), read_json(ja.str(), "a.json")}, {"b.json", "a.json"});
  EXPECT_EQ(m.result.totals.sequences, whole.totals.sequences);
  EXPECT_EQ(signatures(m.result), signatures(whole));
  EXPECT_THROW(merge({a, a}, {"a.json", "a2.json"}), std::invalid_argument);
  // A shard that drew other domains is another run.
  ExploreReport c = read_json(jb.str(), "c.json");
  c.limits.sva = !a.limits.sva;
  EXPECT_THROW(merge({a, c}, {"a.json", "c.json"}), std::invalid_argument);
  std::ostringstream jc;
  write_json(jc, c);
  EXPECT_EQ(read_json(jc.str(), "c.json").limits.sva, c.limits.sva);
}

TEST(Explore73, PristineTreeGivesNoFinding) {
  TREE_OR_SKIP(root, "7.3");
  Exploration e = exploration(testing::kernel_at(root), "coherent,nc");
  ASSERT_FALSE(e.checker->runner().can_split_blocks()) << "7.x has no block split";
  const ExploreResult r = explore_n(*e.explorer, 300);
  for (const auto &f : r.findings) ADD_FAILURE() << f.finding.signature << "\n" << f.shrunk << f.finding.witness;
  EXPECT_EQ(r.totals.unknown_sequences, 0u);
  EXPECT_GT(r.totals.paths.tables_freed_by_map, 0);
  EXPECT_EQ(r.totals.paths.splits, 0);
  EXPECT_GT(r.totals.paths.ats_sequences, 0) << "7.3 drives an ATS master";
}

// ---- SVA: the mm's page table, invalidated through the SVA mmu notifier ----

void expect_clean_sva(const harness::KernelRunner &runner, uint64_t n) {
  Exploration e = exploration(runner, "coherent,nc", true);
  ASSERT_TRUE(e.checker->runner().can_sva());
  const ExploreResult r = explore_n(*e.explorer, n);
  for (const auto &f : r.findings) ADD_FAILURE() << f.finding.signature << "\n" << f.shrunk << f.finding.witness;
  EXPECT_EQ(r.totals.unknown_sequences, 0u) << (r.unknowns.empty() ? "" : r.unknowns[0]);
  EXPECT_EQ(r.totals.sequences, n);
  EXPECT_GT(r.totals.paths.tables_freed_by_unmap, 0) << "tables the CPU frees after the notifier";
  EXPECT_GT(r.totals.paths.tables_freed_by_map, 0);
  EXPECT_GT(r.totals.paths.flushes, 0) << "flush_tlb_mm";
}

TEST(ExploreSva612, PristineTreeGivesNoFinding) { expect_clean_sva(testing::kernel("6.12"), 120); }

TEST(ExploreSva73, PristineTreeGivesNoFinding) {
  TREE_OR_SKIP(root, "7.3");
  expect_clean_sva(testing::kernel_at(root), 120);
}

// The checker depends on the notifier: the same CPU unmap without it leaves
// the SMMU's cached translation of the page in use after the step.
TEST(ExploreSva612, AnUnmapTheNotifierNeverHearsOfIsStale) {
  Exploration e = exploration(testing::kernel("6.12"), "coherent", true);
  const std::string head = "config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=sva\n"
                           "map 0x80000000 -> 0x880000000 pgsize=0x1000 count=1\n"
                           "unmap 0x80000000 pgsize=0x1000 count=1\n";
  const SequenceVerdict with = e.checker->check(parse_sequence(head + "notify 0x80000000 0x80001000\n", "with"));
  EXPECT_TRUE(with.clean()) << (with.findings.empty() ? with.unknowns[0] : with.findings[0].witness);
  const SequenceVerdict without = e.checker->check(parse_sequence(head, "without"));
  ASSERT_EQ(without.findings.size(), 1u);
  EXPECT_EQ(without.findings[0].kind, "stale") << without.findings[0].witness;
  // The notifier's commands are the tree's: one TLBI_NH_VA of ASID 1, non-leaf.
  const harness::RunResult run = e.checker->run(parse_sequence(head + "notify 0x80000000 0x80001000\n", "with"));
  int tlbis = 0;
  for (const auto &ev : run.trace.events) {
    if (ev.kind != harness::EventKind::Command) continue;
    const harness::Command c = harness::decode_command(ev.cmd);
    if (c.opcode == uint8_t(harness::CmdOp::Sync)) continue;
    ++tlbis;
    EXPECT_EQ(c.opcode, uint8_t(harness::CmdOp::TlbiNhVa)) << harness::describe(c);
    EXPECT_EQ(c.asid, 1) << harness::describe(c);
    EXPECT_FALSE(c.leaf) << harness::describe(c);
    EXPECT_EQ(c.addr, 0x80000000u) << harness::describe(c);
  }
  EXPECT_EQ(tlbis, 1);
}

TEST(ExploreCli, ReplaysAPrintedSequenceAndNamesBadInputByLine) {
  const fs::path dir = fs::temp_directory_path() / "smmu-check-explore-cli";
  fs::create_directories(dir);
  // The block split of 6.12, as a shrunk finding prints it.
  std::ofstream(dir / "split.ops") << "config granule=4K stage=1 walk=coherent range-inv=on ias=48\n"
                                      "map 0x80000000 -> 0x880000000 pgsize=0x200000 count=1\n"
                                      "unmap 0x80000000 pgsize=0x1000 count=1\n"
                                      "iotlb_sync\n"
                                      "expect 0x80001000 -> 0x880001000\n";
  auto r = testing::run_cli({"explore", "--debian", "6.12", "--quiet", "--model", "coherent", "--replay",
                             (dir / "split.ops").string()});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("finding: stale at drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TTL=3 names level 3 leaves; this entry is at level 2"), std::string::npos) << r.out;
  std::ofstream(dir / "bad.ops") << "config granule=4K stage=1 walk=coherent range-inv=on ias=48\n\nmap 0x1000\n";
  r = testing::run_cli({"explore", "--debian", "6.12", "--quiet", "--replay", (dir / "bad.ops").string()});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("bad.ops:3: expected '->', got 'end of line'"), std::string::npos) << r.out;
  // An SVA sequence: the CPU's unmap that no notifier call follows is stale.
  std::ofstream(dir / "sva.ops") << "config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=sva\n"
                                    "map 0x80000000 -> 0x880000000 pgsize=0x1000 count=1\n"
                                    "unmap 0x80000000 pgsize=0x1000 count=1\n";
  r = testing::run_cli({"explore", "--debian", "6.12", "--quiet", "--model", "coherent", "--replay",
                        (dir / "sva.ops").string()});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("finding: stale at drivers/iommu/io-pgtable-arm.c:"), std::string::npos) << r.out;
  std::ofstream(dir / "bad-sva.ops") << "config granule=4K stage=1 walk=coherent range-inv=on ias=48 domain=sva\n"
                                        "unmap 0x80000000 pgsize=0x1000 count=1\n"
                                        "iotlb_sync\n";
  r = testing::run_cli({"explore", "--debian", "6.12", "--quiet", "--replay", (dir / "bad-sva.ops").string()});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("bad-sva.ops:3: expected map, unmap, notify or expect with domain=sva, got 'iotlb_sync'"),
            std::string::npos)
      << r.out;
  r = testing::run_cli({"explore", "--debian", "6.12", "--domain", "mm"});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--domain expects paging, sva or all, got 'mm'"), std::string::npos) << r.out;
  r = testing::run_cli({"explore", "--debian", "6.12", "--budget", "0"});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--budget expects"), std::string::npos) << r.out;
}

// ---- bugs put back into a copy of the 6.12 tree ----

// One edit: the first `old` after `anchor` becomes `replacement`.
struct Edit {
  std::string anchor, old, replacement;
};

// Copies the tree at src and applies the edits to `file`, in order.
fs::path mutated_tree_of(const fs::path &src, const std::string &name, const std::string &file,
                         const std::vector<Edit> &edits) {
  const fs::path dst = fs::temp_directory_path() / ("smmu-check-mutant-" + name);
  fs::remove_all(dst);
  fs::copy(src, dst, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  std::ifstream in(dst / file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  for (const Edit &e : edits) {
    const auto a = text.find(e.anchor);
    const auto i = a == std::string::npos ? a : text.find(e.old, a);
    if (i == std::string::npos) throw std::runtime_error(file + ": no '" + e.old + "' after '" + e.anchor + "'");
    text.replace(i, e.old.size(), e.replacement);
  }
  std::ofstream(dst / file, std::ios::trunc) << text;
  return dst;
}

// Copies the tree at src (default: 6.12) and replaces, in `file`, the first `old` after `anchor`.
fs::path mutated_tree(const std::string &name, const std::string &file, const std::string &anchor,
                      const std::string &old, const std::string &replacement, fs::path src = {}) {
  if (src.empty()) src = testing::kernel_tree("6.12").root;
  return mutated_tree_of(src, name, file, {{anchor, old, replacement}});
}

// Generation finds something the pristine tree does not have, and its
// shrunk sequence replays to it.
void expect_found_by_generation(const fs::path &mutant, const std::string &models, uint64_t budget,
                                bool sva = false, const harness::KernelRunner *original = nullptr,
                                const std::string &must_contain = "", bool attach = false) {
  Exploration pristine = exploration(original ? *original : testing::kernel("6.12"), models, sva, attach);
  const std::set<std::string> base = signatures(explore_n(*pristine.explorer, budget));
  Exploration e = exploration(testing::kernel_at(mutant), models, sva, attach);
  const ExploreResult r = explore_n(*e.explorer, budget);
  const ExploredFinding *fresh = nullptr;
  for (const auto &f : r.findings)
    if (!base.count(f.finding.signature)) {
      fresh = &f;
      break;
    }
  ASSERT_NE(fresh, nullptr) << "no finding beyond the pristine tree's " << base.size();
  EXPECT_NE(fresh->finding.signature.find(must_contain), std::string::npos)
      << fresh->finding.signature << "\n" << fresh->finding.witness;
  const Sequence shrunk = parse_sequence(fresh->shrunk, "shrunk");
  const SequenceVerdict replayed = e.checker->check(shrunk);
  bool same = false;
  for (const auto &f : replayed.findings) same |= f.signature == fresh->finding.signature;
  EXPECT_TRUE(same) << fresh->finding.signature << " does not replay from\n" << fresh->shrunk;
  EXPECT_LE(shrunk.ops.size(), 40u) << "not shrunk:\n" << fresh->shrunk;
}

const char *kIo = "drivers/iommu/io-pgtable-arm.c";
const char *kDriver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";

TEST(ExploreMutant612, DroppedWalkInvalidationBeforeATableIsFreed) {
  expect_found_by_generation(
      mutated_tree("drop-walk-flush", kIo, "static size_t __arm_lpae_unmap(", "io_pgtable_tlb_flush_walk(", "(void)("),
      "coherent,nc", 150);
}

TEST(ExploreMutant612, WrongFieldInTheWalkInvalidationCommand) {
  // The walk flush's TLBI becomes leaf-only: cached table descriptors survive it.
  expect_found_by_generation(mutated_tree("leaf-walk-flush", kDriver, "static void arm_smmu_tlb_inv_range_domain(",
                                          ".leaf\t= leaf,", ".leaf\t= true,"),
                             "coherent,nc", 60);
}

TEST(ExploreMutant612, MissingBarrierBeforeATablePointerIsPublished) {
  expect_found_by_generation(
      mutated_tree("drop-table-barrier", kIo, "static arm_lpae_iopte arm_lpae_install_table(", "dma_wmb();", ";"),
      "coherent,nc", 150);
}

TEST(ExploreMutant612, MissingCleanOfNewLeavesOnANonCoherentWalk) {
  expect_found_by_generation(mutated_tree("drop-leaf-clean", kIo, "static void __arm_lpae_init_pte(",
                                          "__arm_lpae_sync_pte(ptep, num_entries, cfg);", ";"),
                             "cacheable-64", 150);
}

// Steering keeps the sequences whose run executed new kernel code and draws
// later ones as their prefixes followed by fresh steps; without --steer the
// seed space is drawn as before. A scripted signal: the first three runs grew.
TEST(ExploreSteering73, KeepsWhatGrewCoverageAndExtendsIt) {
  TREE_OR_SKIP(root, "7.3");
  Exploration e = exploration(testing::kernel_at(root), "coherent");
  int calls = 0;
  e.explorer->new_coverage = [&calls] { return ++calls <= 3; };
  const ExploreResult measured = explore_n(*e.explorer, 40);
  EXPECT_EQ(measured.totals.grew_coverage, 3u);
  EXPECT_EQ(measured.totals.last_gain, 3u);
  EXPECT_EQ(measured.totals.extended, 0u) << "measuring alone does not steer";

  e.explorer->steer = true;
  calls = 0;
  const ExploreResult steered = explore_n(*e.explorer, 40);
  calls = 0;
  const ExploreResult again = explore_n(*e.explorer, 40);
  EXPECT_GT(steered.totals.extended, 5u);
  EXPECT_LT(steered.totals.extended, 37u) << "half of the draws after the first gain stay fresh";
  EXPECT_EQ(steered.totals.ops, again.totals.ops) << "deterministic per seed";
  EXPECT_EQ(steered.totals.extended, again.totals.extended);
  for (const auto &f : steered.findings) ADD_FAILURE() << f.finding.signature << "\n" << f.shrunk;
}

// The real signal: the slice's coverage counters. On 6.12 the key
// io-pgtable functions' coverage grows, and a steered run still finds the
// block split's documented stale block, shrunk and replayable.
TEST(ExploreSteering612, RealCoverageCountersSteerTheGenerator) {
  harness::BuildOptions o;
  o.coverage = true;
  const harness::KernelRunner runner(testing::kernel_tree("6.12"), o);
  harness::SliceCoverage counters(runner);
  CoverageGain gain(counters, {"__arm_lpae_map", "__arm_lpae_unmap", "arm_lpae_init_pte", "arm_lpae_split_blk_unmap"});
  Exploration e = exploration(runner, "coherent");
  e.explorer->known = read_known_findings(kKnown612);
  e.explorer->new_coverage = [&gain] { return gain(); };
  e.explorer->steer = true;
  const ExploreResult r = explore_n(*e.explorer, 60);
  EXPECT_GE(r.totals.grew_coverage, 3u);
  EXPECT_GT(r.totals.extended, 0u);
  const harness::FunctionCoverage *split = gain.so_far().find("arm_lpae_split_blk_unmap");
  ASSERT_NE(split, nullptr);
  EXPECT_GT(split->lines_executed(), split->lines_executable() / 2);
  ASSERT_FALSE(r.findings.empty());
  for (const auto &f : r.findings) {
    EXPECT_TRUE(f.known) << f.finding.signature << "\n" << f.shrunk;
    const SequenceVerdict replayed = e.checker->check(parse_sequence(f.shrunk, "shrunk"));
    bool same = false;
    for (const auto &g : replayed.findings) same |= g.signature == f.finding.signature;
    EXPECT_TRUE(same) << f.finding.signature << " does not replay from\n" << f.shrunk;
  }
}

// A tree whose SVA unit has no arm_smmu_mm_arch_invalidate_secondary_tlbs
// (before 6.6 it was another op) says so: paging domains still run, and
// domain=sva is refused as bad input naming the family.
TEST(ExploreSva612, ATreeWithoutTheNotifierSaysSo) {
  const fs::path tree = mutated_tree("sva-none", "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c", "", "", "");
  const fs::path sva = tree / "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c";
  std::stringstream ss;
  ss << std::ifstream(sva).rdbuf();
  std::string text = ss.str();
  const std::string from = "arm_smmu_mm_arch_invalidate_secondary_tlbs", to = "arm_smmu_mm_invalidate_range";
  int renamed = 0;
  for (auto i = text.find(from); i != std::string::npos; i = text.find(from, i + to.size()), ++renamed)
    text.replace(i, from.size(), to);
  ASSERT_EQ(renamed, 3);  // the function, the ops table, a comment
  std::ofstream(sva, std::ios::trunc) << text;

  const harness::SequenceRunner runner(testing::kernel_at(tree));
  EXPECT_TRUE(runner.available());
  EXPECT_FALSE(runner.can_sva());
  auto r = testing::run_cli({"explore", "--src", tree.string(), "--quiet", "--domain", "sva", "--budget", "1"});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("family sva unsupported"), std::string::npos) << r.out;
  r = testing::run_cli({"explore", "--src", tree.string(), "--quiet", "--domain", "paging", "--index", "0", "--print"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("domain=sva"), std::string::npos) << r.out;
}

// The notifier's range invalidation becomes leaf-only: the SMMU keeps the
// table pointers it cached, and reads the tables the CPU unlinked (and freed).
TEST(ExploreMutant612, SvaNotifierInvalidationMadeLeafOnly) {
  expect_found_by_generation(mutated_tree("sva-leaf", "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c",
                                          "static void arm_smmu_mm_arch_invalidate_secondary_tlbs(",
                                          "PAGE_SIZE, false, smmu_domain);", "PAGE_SIZE, true, smmu_domain);"),
                             "coherent", 120, true);
}

// The notifier's range invalidation is dropped (the ASID one stays).
TEST(ExploreMutant612, SvaNotifierRangeInvalidationDropped) {
  expect_found_by_generation(mutated_tree("sva-drop", "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c",
                                          "static void arm_smmu_mm_arch_invalidate_secondary_tlbs(",
                                          "arm_smmu_tlb_inv_range_asid(start,", "(void)(start,"),
                             "coherent", 120, true);
}

// On 7.3 the notifier's one call, arm_smmu_domain_inv_range(..., false), made leaf-only.
TEST(ExploreMutant73, SvaNotifierInvalidationMadeLeafOnly) {
  TREE_OR_SKIP(root, "7.3");
  expect_found_by_generation(mutated_tree("sva-leaf-73", "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c",
                                          "static void arm_smmu_mm_arch_invalidate_secondary_tlbs(",
                                          "PAGE_SIZE, false);", "PAGE_SIZE, true);", root),
                             "coherent", 120, true, &testing::kernel_at(root));
}

// The ATS ordering error: the ATC is invalidated before the SMMU's TLB
// invalidation has completed, so the device can refill its ATC from the stale
// TLB entry (IHI 0070 §4.5.1). arm_smmu_atc_inv_domain moves ahead of
// __arm_smmu_tlb_inv_range in arm_smmu_tlb_inv_range_domain.
TEST(ExploreMutant612, AtcInvalidatedBeforeTheTlb) {
  const std::string fn = "static void arm_smmu_tlb_inv_range_domain(";
  const std::string tlbi = "__arm_smmu_tlb_inv_range(&cmd, iova, size, granule, smmu_domain);";
  const std::string atc = "arm_smmu_atc_inv_domain(smmu_domain, iova, size);";
  expect_found_by_generation(
      mutated_tree_of(testing::kernel_tree("6.12").root, "atc-before-tlbi", kDriver,
                      {{fn, atc, "/* moved up */"}, {fn, tlbi, atc + "\n\t" + tlbi}}),
      "coherent", 150, false, &testing::kernel("6.12"), "ATC_INV issued before the TLB invalidation completed");
}

// 7.3: arm_smmu_invs_end_batch no longer ends the batch before the first ATS
// entry, so the ATC_INVs share the TLBIs' CMD_SYNC.
TEST(ExploreMutant73, AtcInvalidationSharesTheTlbisSync) {
  TREE_OR_SKIP(root, "7.3");
  expect_found_by_generation(
      mutated_tree_of(root, "ats-same-batch-73", kDriver,
                      {{"static inline bool arm_smmu_invs_end_batch(",
                        "if (!arm_smmu_inv_is_ats(cur) && arm_smmu_inv_is_ats(next))", "if (0)"}}),
      "coherent", 150, false, &testing::kernel_at(root), "ATC_INV issued before the TLB invalidation completed");
}

// ---- attach: domains installed on the master's RID (kdrivers/explore_attach.c) ----

void expect_clean_attach(const harness::KernelRunner &runner, uint64_t n, const std::vector<KnownFinding> &known) {
  Exploration e = exploration(runner, "coherent,nc", false, true);
  ASSERT_TRUE(e.checker->runner().can_attach());
  e.explorer->known = known;
  const ExploreResult r = explore_n(*e.explorer, n);
  for (const auto &f : r.findings)
    EXPECT_TRUE(f.known) << "new: " << f.finding.signature << "\n" << f.shrunk << f.finding.witness;
  EXPECT_EQ(r.totals.unknown_sequences, 0u) << (r.unknowns.empty() ? "" : r.unknowns[0]);
  // One paging configuration in two has ATS, and two in three of the rest a master.
  EXPECT_GT(r.totals.paths.attach_sequences, static_cast<int>(n / 5));
  EXPECT_GT(r.totals.paths.attaches, static_cast<int>(n / 4));
  EXPECT_GT(r.totals.entry_updates, n) << "the attaches' STE/CD updates were judged";
  EXPECT_GT(r.totals.publications, 0u) << "STE -> CD table -> CD -> page table publications were judged";
  // Deterministic per seed, attaches and their judging included.
  const ExploreResult again = explore_n(*e.explorer, n);
  EXPECT_EQ(again.totals.ops, r.totals.ops);
  EXPECT_EQ(again.totals.paths.attaches, r.totals.paths.attaches);
  EXPECT_EQ(again.totals.entry_updates, r.totals.entry_updates);
  EXPECT_EQ(signatures(again), signatures(r));
}

TEST(ExploreAttach612, PristineTreeGivesNoNewFinding) {
  expect_clean_attach(testing::kernel("6.12"), 120, read_known_findings(kKnown612));
}

TEST(ExploreAttach73, PristineTreeGivesNoFinding) {
  TREE_OR_SKIP(root, "7.3");
  expect_clean_attach(testing::kernel_at(root), 200,
                      read_known_findings(fs::path(SMMU_SOURCE_DIR) / "cases" / "explore-known-7.3.txt"));
}

// Each attach runs the tree's install path: one CD write (S1) or clear (S2,
// blocked, identity) and the two SIDs' STEs, each judged as a writer row but
// for a CD no STE can reach (A's first CD, the clears after X and identity):
// A 2, B 3 (its CD is live), X 2, identity 2.
TEST(ExploreAttach612, SwitchesRunTheTreesInstallPathAndAreJudged) {
  Exploration e = exploration(testing::kernel("6.12"), "coherent", false, true);
  const Sequence s = parse_sequence("config granule=4K stage=1 walk=coherent range-inv=on ias=48 ats=off cd-table=linear\n"
                                    "map 0x80000000 -> 0x880000000 pgsize=0x1000 count=1\n"
                                    "attach A\nattach B\nattach X\nattach identity\n",
                                    "switches");
  const SequenceVerdict v = e.checker->check(s);
  EXPECT_TRUE(v.clean()) << (v.findings.empty() ? (v.unknowns.empty() ? "" : v.unknowns[0]) : v.findings[0].witness);
  EXPECT_EQ(v.entry_updates, 9u);
  EXPECT_GT(v.publications, 0u);
  std::map<uint8_t, int> ops;
  for (const auto &ev : e.checker->run(s).trace.events)
    if (ev.kind == harness::EventKind::Command) ++ops[harness::decode_command(ev.cmd).opcode];
  EXPECT_GT(ops[0x03], 0) << "CFGI_STE";
  EXPECT_GT(ops[0x05], 0) << "CFGI_CD";
}

TEST(ExploreCli, ReplaysAttachesAndRefusesThemWithoutAMaster) {
  const fs::path dir = fs::temp_directory_path() / "smmu-check-explore-attach";
  fs::create_directories(dir);
  const std::string head = "config granule=4K stage=2 walk=non-coherent range-inv=on ias=48 ats=off";
  std::ofstream(dir / "switch.ops") << head << " cd-table=linear stall=on\n"
                                       "map 0x80000000 -> 0x880000000 pgsize=0x1000 count=1\n"
                                       "attach A\nattach X\nattach B\nattach blocked\n";
  auto r = testing::run_cli({"explore", "--debian", "6.12", "--quiet", "--replay", (dir / "switch.ops").string()});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("master with a linear CD table, stall"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no finding: every model passed"), std::string::npos) << r.out;
  std::ofstream(dir / "nomaster.ops") << head << "\nattach A\n";
  r = testing::run_cli({"explore", "--debian", "6.12", "--quiet", "--replay", (dir / "nomaster.ops").string()});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("nomaster.ops:2: expected cd-table=linear|2lvl in the config before an attach"),
            std::string::npos)
      << r.out;
}

// The CD writer's sync loses its CFGI_CDs (arm_smmu_sync_cd issues the
// CMD_SYNC alone): only attach generation writes CDs, so map/unmap
// generation of the same mutant finds nothing the pristine tree lacks.
TEST(ExploreMutant612, CdInvalidationDroppedFromTheCdSync) {
  const fs::path mutant =
      mutated_tree("drop-cfgi-cd", kDriver, "static void arm_smmu_sync_cd(", "i < master->num_streams", "i < 0");
  expect_found_by_generation(mutant, "coherent,nc", 150, false, nullptr, "CD update", true);
  Exploration pristine = exploration(testing::kernel("6.12"), "coherent", false, false);
  Exploration without = exploration(testing::kernel_at(mutant), "coherent", false, false);
  EXPECT_EQ(signatures(explore_n(*without.explorer, 40)), signatures(explore_n(*pristine.explorer, 40)));
}

// The same on a copy of 7.3, whose arm_smmu_sync_cd loops alike.
TEST(ExploreMutant73, CdInvalidationDroppedFromTheCdSync) {
  TREE_OR_SKIP(root, "7.3");
  expect_found_by_generation(mutated_tree("drop-cfgi-cd-73", kDriver, "static void arm_smmu_sync_cd(",
                                          "i < master->num_streams", "i < 0", root),
                             "coherent,nc", 150, false, &testing::kernel_at(root), "CD update", true);
}

}  // namespace
}  // namespace smmu::explore
