#include "one_run_check.h"

#include "check_run.h"
#include "judged_run.h"
#include "kernel_semantics.h"
#include "pt_seq_layout.h"
#include "pt_slice.h"

namespace smmu::checks {

OneRunVerdict check_one_run(const harness::RunResult &run, const harness::KernelRunner &runner,
                            const models::Model &model, const std::string &what, const OneRunOptions &options) {
  const JudgedRun judged(run);
  OneRunVerdict out;
  out.kernel = judged.kernel;
  out.trace = judged.trace;
  if (judged.kernel.died) return out;  // no trace came back: nothing to judge
  if (run.trace.count(harness::EventKind::WalkContext) > 0) {
    checker::PtSemantics sem = checker::pt_semantics(runner.slice());
    if (options.seq) require_pt_layout(*options.seq, sem);
    checker::Heartbeat beat =
        options.heartbeat_for ? options.heartbeat_for(what + " under " + model.name) : checker::Heartbeat();
    out.walk = judged.judge(checker::check_pt_trace(judged.trace, model, sem, &beat));
    out.outcome = out.walk->outcome;
    return out;
  }
  if (run.trace.count(harness::EventKind::UpdateBegin) == 0)
    throw harness::UserError(what + " records no STE/CD update and no page-table walk context");
  checker::CheckOptions check_options;
  check_options.clean_at_sync = options.clean_at_sync;
  std::vector<CheckRow> rows = check_runs({run}, {model}, kernel_semantics(runner, false),
                                          checker::EngineChoice::Explicit, check_options);
  out.entry = std::move(rows.at(0).verdict);
  out.outcome = out.entry->outcome;
  return out;
}

}  // namespace smmu::checks
