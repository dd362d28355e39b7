#include "pt_rows.h"

#include "judged_run.h"

namespace smmu::checks {

std::vector<report::PtRow> check_pt_runs(std::vector<std::unique_ptr<report::PtRun>> &runs,
                                         const std::vector<models::Model> &models,
                                         const checker::PtSemantics &semantics, const PtRowsOptions &o) {
  std::vector<report::PtRow> rows;
  for (auto &pr : runs) {
    harness::RunResult &run = pr->run;
    if (o.injection && !harness::inject(run.trace, o.injection->first, o.injection->second) && o.note)
      o.note(run.name + " has no " + harness::to_string(o.injection->first) + " " +
             std::to_string(o.injection->second) + " to inject; checked as recorded");
    const JudgedRun judged(run);
    for (const auto &m : models) {
      checker::Heartbeat beat = o.heartbeat_for ? o.heartbeat_for(run.name + " under " + m.name) : checker::Heartbeat();
      rows.push_back({pr.get(), m.name, judged.judge(checker::check_pt_trace(judged.trace, m, semantics, &beat)),
                      judged.kernel});
      if (o.on_row) o.on_row(rows.back());
    }
  }
  return rows;
}

}  // namespace smmu::checks
