// Runs the tree's own code inside a loaded slice and returns what it did:
// KUnit cases (through our KUnit shim) and harness scenario drivers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel_tree.h"
#include "recorder.h"
#include "slice_build.h"
#include "trace.h"

namespace smmu::harness {

struct ChildRun;  // child_run.h

enum class RunStatus { Pass = 0, Fail = 1, Skip = 2, Bug = 3 };
const char *to_string(RunStatus s);

// Fail: the code's own expectations failed; Bug: BUG_ON stopped it. Whether
// the code ran to its end is trace.complete (a failed assertion stops it too).
struct RunResult {
  std::string suite;   // KUnit suite, or "scenario"
  std::string name;
  RunStatus status = RunStatus::Pass;
  Trace trace;
  bool seeded = true;  // every LiveFaults asked for was seeded (false: the run never reached it)
  // Why the process running the code died (a signal, the time limit), with
  // the file:line of its last recorded event; "" if the code returned. The
  // trace of such a run is lost: status is Bug, trace.complete false.
  std::string died;
};

struct RunnableCase {
  std::string suite, name, help;
  bool kunit = false;
  int index = 0;  // index within its kind
};

// What the runtime (harness/kdrivers/runtime.c) returned, an enum
// kshim_run_status: passed, failed, or stopped part way, which leaves only a
// prefix of the run in r.trace (r.trace.complete false).
void set_run_status(RunResult &r, int kshim_status);

class KernelRunner {
 public:
  KernelRunner(const KernelTree &tree, const BuildOptions &options);

  const KernelTree &tree() const { return tree_; }
  const SliceBuild &build() const { return build_; }
  const LoadedSlice &slice() const { return *slice_; }

  std::vector<RunnableCase> kunit_cases() const;
  std::vector<RunnableCase> scenarios() const;
  // Finds a KUnit case or scenario by exact name; throws UserError listing the names.
  RunnableCase find(const std::string &name) const;
  // With `faults`, a bug is seeded into the running code (see LiveFaults).
  // The code runs in a forked child within timeout() (child_run.h): a crash
  // or a hang in the tree's code is a run that died (RunResult::died), not
  // the death of the caller. Memory the caller set in the slice before the
  // call (a scenario's parameters) is the child's; nothing the run leaves
  // in the slice comes back, only the RunResult.
  RunResult run(const RunnableCase &c, const LiveFaults &faults = {}) const;
  // The runs of `cases`, in order, in one child (a fork each costs ~5 ms);
  // after a run that died, the rest go on in a new child.
  std::vector<RunResult> run_all(const std::vector<RunnableCase> &cases) const;
  // Any other code of this slice (a generated sequence's driver) run as
  // run_all() runs cases: in order, in one child, each within timeout(), the
  // rest in a new child after one that died; in this process in a coverage
  // build. A run that died is named by its suite and name and says why.
  struct GuardedRun {
    std::string suite, name, what;  // what: how the message names it ("explore sequence")
    std::function<RunResult()> body;
  };
  std::vector<RunResult> run_guarded(const std::vector<GuardedRun> &runs) const;
  int timeout() const { return timeout_; }
  void set_timeout(int seconds) { timeout_ = seconds; }

 private:
  KernelTree tree_;
  SliceBuild build_;
  std::unique_ptr<LoadedSlice> slice_;
  int timeout_;
};

// A proposed sequence (smmu-check pt --case FILE.c): the file's KSHIM_CASE entry
// points, built by build_case() and run like scenarios, under the same recorder.
class CaseRunner {
 public:
  CaseRunner(const std::filesystem::path &source, const BuildOptions &options);

  const std::filesystem::path &source() const { return source_; }
  const SliceBuild &build() const { return build_; }
  std::vector<RunnableCase> cases() const;  // suite is the file as given
  // In-process: a crash in the case crashes the caller (tests, trusted cases).
  RunResult run(const RunnableCase &c) const;
  // In a forked child with a time limit (child_run.h): a crash or a hang in
  // the case is a UserError naming the case's file:line.
  RunResult run_isolated(const RunnableCase &c, int timeout_seconds) const;
  // The same as a step of run_in_child(), to run several cases in one child.
  ChildRun isolated(const RunnableCase &c) const;

 private:
  std::filesystem::path source_;
  SliceBuild build_;
  std::unique_ptr<LoadedSlice> so_;
};

}  // namespace smmu::harness
