// smmu-check sweep's checks: every ordered pair of the tree's STE and CD
// parameter grids (sweep_*_pairs) written by the real writer, tallied per
// model, and the level-1 descriptors that install a new level-2 table.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine_set.h"
#include "kernel_runner.h"
#include "model.h"

namespace smmu::checks {

struct SweepRow {
  std::string scenario, model;
  size_t checked = 0;            // transitions, or publications for a level-1 row
  bool publications = false;     // a level-1 row: `unpublished` counts what is not pass
  int hitless = 0, breaking = 0, unknown = 0, unpublished = 0;
  std::map<std::string, int> violations;  // kind -> transitions
};

struct SweepResult {
  std::vector<SweepRow> rows;
  std::vector<std::string> details;  // each verdict that is not pass, then each failed driver run
  int total = 0, not_pass = 0, kernel_failed = 0;
};

struct SweepOptions {
  checker::EngineChoice engine = checker::EngineChoice::Auto;
  bool clean_at_sync = false;
  bool witnesses = false;
  std::function<void(const std::string &)> progress;
};

SweepResult run_sweep(const harness::KernelRunner &runner, const std::vector<models::Model> &models,
                      const SweepOptions &options);

}  // namespace smmu::checks
