// Test fixtures: the real kernel code of a Debian linux-source series, sliced,
// built and loaded once per test process, its lines found by content, and a
// runner for the CLI binary.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kernel_runner.h"

namespace smmu::testing {

// "6.12" or "6.1". The cache is $SMMU_CHECK_CACHE (set by CTest to the build dir).
const harness::KernelRunner &kernel(const std::string &series);
harness::RunResult run_case(const std::string &series, const std::string &name);
// The tree kernel(series) runs, extracted but not built (for reading its sources).
const harness::KernelTree &kernel_tree(const std::string &series);

// Kernel lines found by content, so that tests survive point releases.
// The 1-based number of the nth line at or after line `from` of `file` (relative
// to the root of kernel_tree(series)) that contains `needle`. Throws, failing
// the test with the needle and file named, if there is none.
int kernel_line(const std::string &series, const std::string &file, const std::string &needle,
                int nth = 1, int from = 1);
// The line of the last of `needles`, each searched from the line of the one
// before (a function's definition, a branch in it, the store); throws likewise.
int kernel_line_after(const std::string &series, const std::string &file,
                      const std::vector<std::string> &needles);
// The 1-based byte column (as clang counts) where `needle` starts on `line`; throws likewise.
int kernel_column(const std::string &series, const std::string &file, int line,
                  const std::string &needle);

// Lines several tests name. The 6.9+ writer: entry_set's
// WRITE_ONCE(entry[i], target[i]), the only store into a live STE/CD, and the
// dma_wmb() of arm_smmu_write_entry before it. io-pgtable-arm's plain PTE
// stores: ptep[i] = 0 (__arm_lpae_clear_pte), ptep[i] = pte | paddr_to_iopte(...)
// (__arm_lpae_init_pte).
extern const char *const kDriverFile;   // drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c
extern const char *const kPgtableFile;  // drivers/iommu/io-pgtable-arm.c
int entry_set_line(const std::string &series);
int write_entry_barrier_line(const std::string &series);
int clear_pte_line(const std::string &series);
int init_pte_line(const std::string &series);

// A series whose tree a setup may lack (7.3, 7.2): $SMMU_CHECK_TREE_<series>
// ('.' as '_', e.g. SMMU_CHECK_TREE_7_3), else the cache's extracted Debian
// tree (trees/debian-<series>); empty when neither exists, for GTEST_SKIP.
std::filesystem::path optional_tree(const std::string &series);
// Why optional_tree(series) found nothing, and how to provide the tree.
std::string no_tree_message(const std::string &series);
// Declares `root`, the series' tree, or skips the test saying why.
#define TREE_OR_SKIP(root, series)                                \
  const auto root = ::smmu::testing::optional_tree(series);       \
  if (root.empty()) GTEST_SKIP() << ::smmu::testing::no_tree_message(series)
// The tree at root (e.g. optional_tree()), sliced, built and loaded once.
const harness::KernelRunner &kernel_at(const std::filesystem::path &root);
harness::RunResult run_case_at(const std::filesystem::path &root, const std::string &name);

// A fresh copy of the 6.12 tree (in the temporary directory, named after
// `name`) with, in `file` (default the driver), the first `old` after
// `anchor` replaced: a seeded bug. Throws if the text is not there.
std::filesystem::path driver_mutant_tree(const std::string &name, const std::string &anchor,
                                         const std::string &old, const std::string &replacement,
                                         const std::string &file = kDriverFile);

struct CliResult {
  int status = -1;
  std::string out;  // stdout and stderr, interleaved
};
CliResult run_cli(const std::vector<std::string> &args);

size_t count(const harness::Trace &t, harness::EventKind kind);

// A trace of one STE/CD update whose first step writes qwords 0..n-1 of `before`
// with those of `after` (8 each; later qwords keep their value) and syncs once.
harness::Trace one_step_update(harness::DescKind kind, const std::vector<uint64_t> &before,
                               const std::vector<uint64_t> &after, int n);

// Asserts (gtest) that `cmd` is what the driver encodes for 4 x 4K unmapped at
// 0x10000 in ASID 5 with range invalidation: TLBI_NH_VA, SCALE=2, NUM=0 (one
// unit of 4 pages), TG=1 (4K), TTL=3, leaf. 6.12 and 7.x encode it alike.
void expect_four_page_range_tlbi(const std::array<uint64_t, 2> &cmd);

}  // namespace smmu::testing
