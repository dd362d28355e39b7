// How the kernel code's own run bears on the verdicts of its trace: the one
// rule 'kunit', 'kernel', 'explain', 'pt' and 'sweep' apply.
//
// A run whose own expectations failed (a KUnit EXPECT, a driver's check) but
// that ran to its end left a complete trace: it is judged like any other, and
// the failure is reported beside the verdict, never instead of it. A run that
// stopped part way (BUG_ON, a failed assertion, a skipped case) left a prefix:
// a violation found in it stands (its witness replays on the prefix), but
// finding none is no pass, as the rest of the run was never checked.
#pragma once

#include <string>

#include "kernel_runner.h"
#include "verdict.h"

namespace smmu::checker {

struct KernelStatus {
  harness::RunStatus status = harness::RunStatus::Pass;
  bool complete = true;  // the trace holds the whole run
  bool died = false;     // the process running it died (a crash, the time limit): no trace at all
  // Why the run did not pass, starting with the first KUnit failure or BUG
  // and its kernel file:line ("kernel expectation failed: FILE:LINE: ...");
  // "" when it passed.
  std::string message;
  std::string file;  // where the first failure is, as the trace records it; "" if unknown
  int line = 0;

  bool passed() const { return status == harness::RunStatus::Pass && complete; }
  const char *name() const { return harness::to_string(status); }
};

KernelStatus kernel_status(const harness::RunResult &run);

// The trace a verdict can rest on: a complete run's whole trace; of a run
// that stopped part way, the part before an STE/CD update it stopped inside
// (that update's last epoch never reached the sync that would end it). A page
// -table walk is judged up to its last operation boundary anyway.
harness::Trace judgeable_trace(const harness::RunResult &run);

// The verdict of a run's trace under a model, as the run allows: a complete
// trace keeps it; a prefix keeps a violation, and turns a pass into unknown
// (an unknown keeps its reason, after the run's).
void apply_kernel_status(const KernelStatus &k, Outcome &outcome, ViolationKind &kind, std::string &reason);

template <class V>
V judged(const KernelStatus &k, V v) {
  apply_kernel_status(k, v.outcome, v.kind, v.reason);
  return v;
}

}  // namespace smmu::checker
