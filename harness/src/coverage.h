// Kernel line and branch coverage of what ran in a slice built with
// BuildOptions::coverage (Clang source-based coverage). The slice's counters
// live in the loaded shared object and grow with every run of it in this
// process; reports read them (and profiles other processes handed over) with
// LLVM's own profile and coverage-mapping readers, and map the sliced files'
// lines back to kernel file:line (LineMap). Reports judge nothing: they say
// what executed.
//
// A generator of runs, in one process:
//   KernelRunner runner(tree, {.coverage = true});
//   SliceCoverage cov(runner);
//   cov.reset();
//   CoverageReport before = cov.report({"__arm_lpae_map"});
//   runner.run(c);
//   CoverageReport after = cov.report({"__arm_lpae_map"});
//   if (!coverage_added(before, after).empty()) ...  // the run executed new lines or branch sides
//   after.find("__arm_lpae_map")->unexecuted          // kernel lines not executed yet
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernel_runner.h"
#include "line_map.h"

namespace smmu::harness {

// A condition of the function (an `if`, `&&` operand, loop test, `?:`): how
// often it was true and false. A side taken 0 times was never executed.
struct BranchCoverage {
  int line = 0, column = 0;  // kernel line (in the function's file) and column of the condition
  uint64_t true_count = 0, false_count = 0;
};

struct FunctionCoverage {
  std::string function;
  bool present = false;            // a kernel unit of the slice defines it: its lines are counted
  // Not present, but a line of a unit's kernel file starts its definition:
  // the slice left it out, as nothing the harness runs calls it. Neither: the
  // tree does not have it.
  bool in_tree = false;
  bool variable = false;           // in_tree: the name is a variable (a root such as an ops table), no function
  std::string file;                // kernel file, relative to the tree root (in_tree: where it is defined)
  std::vector<int> executable;     // kernel lines with code, ascending
  std::vector<uint64_t> counts;    // per executable line: times executed
  std::vector<int> executed;       // executable lines run at least once
  std::vector<int> unexecuted;     // executable lines never run
  std::vector<BranchCoverage> branches;  // in source order

  size_t lines_executable() const { return executable.size(); }
  size_t lines_executed() const { return executed.size(); }
  // Conditions with a side never taken.
  std::vector<BranchCoverage> unexecuted_branches() const;
};

// Counts `more` (the same function, from another run, process or shard) into
// `into`: a line or branch side is executed if either executed it; counts add.
void accumulate(FunctionCoverage &into, const FunctionCoverage &more);

struct CoverageReport {
  std::vector<FunctionCoverage> functions;  // in the order asked for
  const FunctionCoverage *find(const std::string &function) const;  // nullptr when not asked for
  size_t lines_executable() const;  // over the present functions
  size_t lines_executed() const;
};

// What `after` executed that `before` had not: per function, kernel lines and
// branch sides (a branch appears when a side with count 0 before is now taken).
struct CoverageAdded {
  struct Lines {
    std::string function, file;
    std::vector<int> lines;
  };
  std::vector<Lines> lines;
  std::vector<std::pair<std::string, BranchCoverage>> branches;  // function, branch as in `after`
  bool empty() const { return lines.empty() && branches.empty(); }
};
CoverageAdded coverage_added(const CoverageReport &before, const CoverageReport &after);

// "412-413,430": ascending lines as ranges.
std::string line_ranges(const std::vector<int> &lines);

class SliceCoverage {
 public:
  // Throws UserError when the slice was not built with BuildOptions::coverage.
  // `tree_root`: the tree the slice was built from (for in_tree); may be empty.
  SliceCoverage(const SliceBuild &build, const LoadedSlice &slice, const std::filesystem::path &tree_root);
  explicit SliceCoverage(const KernelRunner &runner);
  ~SliceCoverage();
  SliceCoverage(const SliceCoverage &) = delete;
  SliceCoverage &operator=(const SliceCoverage &) = delete;

  // Zeroes the slice's counters and forgets the profiles added.
  void reset();
  // This process's counters as a raw profile (the bytes of a .profraw), to
  // hand to the SliceCoverage of another process (forked workers).
  std::string raw_profile() const;
  // Counts another process's raw_profile() in, on top of this one's.
  void add_raw_profile(const std::string &raw);

  // The coverage so far of each named function; a name no kernel unit of the
  // slice defines is reported with present = false. Reads the counters now.
  CoverageReport report(const std::vector<std::string> &functions) const;
  // Every function the slice's kernel units define, by name.
  CoverageReport report_all() const;
  FunctionCoverage function(const std::string &name) const;

  // The kernel line of each line of a sliced unit (its C file in the build dir).
  const LineMap &line_map(const std::string &unit_name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smmu::harness
