// Test fixtures: the real kernel code of a Debian linux-source series, sliced,
// built and loaded once per test process, and a runner for the CLI binary.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kernel_runner.h"

namespace smmu::testing {

// "6.12" or "6.1". The cache is $SMMU_CHECK_CACHE (set by CTest to the build dir).
const harness::KernelRunner &kernel(const std::string &series);
harness::RunResult run_case(const std::string &series, const std::string &name);

// A series whose tree a setup may lack (7.3, 7.2): $SMMU_CHECK_TREE_<series>
// ('.' as '_', e.g. SMMU_CHECK_TREE_7_3), else the cache's extracted Debian
// tree (trees/debian-<series>); empty when neither exists, for GTEST_SKIP.
std::filesystem::path optional_tree(const std::string &series);
// The tree at root (e.g. optional_tree()), sliced, built and loaded once.
const harness::KernelRunner &kernel_at(const std::filesystem::path &root);
harness::RunResult run_case_at(const std::filesystem::path &root, const std::string &name);

struct CliResult {
  int status = -1;
  std::string out;  // stdout and stderr, interleaved
};
CliResult run_cli(const std::vector<std::string> &args);

size_t count(const harness::Trace &t, harness::EventKind kind);

}  // namespace smmu::testing
