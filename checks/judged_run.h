// A kernel run as its verdicts may rest on it: the rule of checker/kernel_run.h
// (a failed run is judged all the same; one that stopped part way keeps only
// violations), applied in this one way by every check and command.
#pragma once

#include <utility>

#include "kernel_run.h"

namespace smmu::checks {

struct JudgedRun {
  explicit JudgedRun(const harness::RunResult &run)
      : kernel(checker::kernel_status(run)), trace(checker::judgeable_trace(run)) {}

  checker::KernelStatus kernel;  // the run's own status, reported beside each verdict
  harness::Trace trace;          // the part of the run a verdict can rest on

  // A verdict of `trace` (Verdict, PtVerdict, Publication) as the run allows.
  template <class V>
  V judge(V v) const {
    return checker::judged(kernel, std::move(v));
  }
};

}  // namespace smmu::checks
