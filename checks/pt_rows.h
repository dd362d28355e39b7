// `smmu-check pt`'s checks: each run (a tree's scenario, a proposed case)
// with the bug seeded, if asked, under each model against the walker, judged
// as its run allows (checker/kernel_run.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "fault_injection.h"
#include "heartbeat.h"
#include "model.h"
#include "pt_format.h"

namespace smmu::checks {

struct PtRowsOptions {
  std::optional<std::pair<harness::Fault, int>> injection;  // checked to exist in some run beforehand
  std::function<checker::Heartbeat(const std::string &what)> heartbeat_for;
  std::function<void(const std::string &)> note;           // a run without the injection site
  std::function<void(const report::PtRow &)> on_row;       // each row as it is made
};

std::vector<report::PtRow> check_pt_runs(std::vector<std::unique_ptr<report::PtRun>> &runs,
                                         const std::vector<models::Model> &models,
                                         const checker::PtSemantics &semantics, const PtRowsOptions &options);

}  // namespace smmu::checks
