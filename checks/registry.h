// The checks `smmu-check kernel` runs: every family, registered in one place
// (registry.cpp) in table order; what a tree supports, planned as the rows of
// one table; and how one row is checked, through the same code as
// `kunit --model`, `sweep`, `pt` and `lint`.
#pragma once

#include <string>
#include <vector>

#include "family.h"

namespace smmu::lint {
struct LintResult;
}

namespace smmu::checks {

// Every family, in table order.
const std::vector<const Family *> &families();

// The table families --only accepts (kunit, sweep, writer, prove, graph, pt, lint).
std::vector<std::string> family_names();

// The rows of the families `k` leaves off (prove/ste, prove/cd without
// --prove): an --expect line naming only these gates nothing, and is no typo.
std::vector<std::string> disabled_rows(const KernelChecks &k);

// Every check the tree supports, in table order; `skipped` gets what it does
// not support, and why. Loads the semantics the checks need into `k`.
std::vector<PlannedCheck> plan_checks(KernelChecks &k, std::vector<std::string> &skipped);

// The verdicts of one row under `models` (lint ignores them: it is one
// model-independent cell): per model, every item. A kernel run that failed
// its own checks is judged as any other, its status carried by each item; one
// that stopped part way keeps only violations (judged_run.h).
// Internal errors become `unknown` items that say so.
std::vector<ReportItem> run_check(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                  const std::vector<models::Model> &models);

// `unknown` items standing for a row that could not be checked (a worker died).
std::vector<ReportItem> unknown_items(const PlannedCheck &c, size_t row, const std::vector<models::Model> &models,
                                      const std::string &reason);

// Scenarios whose pointer publications a graph/SCENARIO row judges.
bool is_graph_scenario(const std::string &scenario);

// The lint row's items: a warning per finding; unknown for each file not
// checked (it did not parse), first; pass only if neither.
std::vector<ReportItem> lint_items(const PlannedCheck &c, size_t row, const lint::LintResult &r);

}  // namespace smmu::checks
