// One run (a KUnit case, a scenario, a .seq file, a proposed C case) under one
// model, checked as the other commands check it: a run with a page-table walk
// context against the walker (as pt and seq do), an STE/CD update by the
// writer's checks with the explicit engine (check_runs, as kunit does), each
// verdict judged as the run allows. `explain` draws what comes back.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "heartbeat.h"
#include "kernel_run.h"
#include "kernel_runner.h"
#include "model.h"
#include "pt_check.h"
#include "seq_parser.h"
#include "verdict.h"

namespace smmu::checks {

struct OneRunOptions {
  bool clean_at_sync = false;              // cacheable models clean the entry at each sync
  const harness::Sequence *seq = nullptr;  // a .seq run: its tables must fit the tree's walker
  std::function<checker::Heartbeat(const std::string &what)> heartbeat_for;
};

struct OneRunVerdict {
  checker::KernelStatus kernel;  // the run's own status
  harness::Trace trace;          // the part of the run the verdict rests on
  checker::Outcome outcome = checker::Outcome::Unknown;
  std::optional<checker::PtVerdict> walk;  // a page-table run
  std::optional<checker::Verdict> entry;   // an STE/CD update
  // Neither: the run died before it recorded anything, so nothing could be checked.
};

// Throws harness::UserError when the run records neither an STE/CD update nor
// a walk context, or a .seq's tables do not fit the tree's walker. `what`
// names the run in progress lines and errors.
OneRunVerdict check_one_run(const harness::RunResult &run, const harness::KernelRunner &runner,
                            const models::Model &model, const std::string &what, const OneRunOptions &options);

}  // namespace smmu::checks
