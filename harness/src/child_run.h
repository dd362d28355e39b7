// Runs code that may crash or hang (a proposed C case, the tree's own code) in
// a forked child with a time limit, so that a crash or an endless loop in it
// is reported instead of killing or hanging the tool. The child records as usual and sends the
// RunResult back over a pipe (run_wire.h); while it runs, the index and the
// file:line of its last recorded event are kept in memory shared with the
// parent, so a child that dies still says where it got to.
#pragma once

#include <functional>
#include <string>

#include "kernel_runner.h"

namespace smmu::harness {

// One run for a child: the code, and how a report names it.
struct ChildRun {
  std::function<RunResult()> run;
  // The source file whose lines locate the report (a case's file as given):
  // the last event recorded at a line of it, else the last event at all.
  std::string source;
  std::string what;  // e.g. "case pte_plain_one_store", for the message
};

// Runs each of `runs` in turn in one forked child (a fork costs ~5 ms: one
// per command, not per case), each within `timeout_seconds`, and returns
// their results. A signal or the time limit in the child throws UserError:
// "FILE:LINE: case X crashed with SIGSEGV after event 4 (store ...)" or
// "... did not finish within 60 s ...". An exception thrown by a run in the
// child is rethrown as a UserError or runtime_error.
std::vector<RunResult> run_in_child(const std::vector<ChildRun> &runs, int timeout_seconds);

// What a child did with its runs: the results of the runs it finished, in
// order, and, if it died before the rest, why (the message run_in_child
// throws); the run it died in is results.size().
struct ChildOutcome {
  std::vector<RunResult> results;
  std::string died;
};
// run_in_child for code whose crash is no bad input (the tree's own): the
// caller decides what a death means.
ChildOutcome run_children(const std::vector<ChildRun> &runs, int timeout_seconds);

// The --timeout default, in seconds.
constexpr int kDefaultCaseTimeout = 60;

}  // namespace smmu::harness
