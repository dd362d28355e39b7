// The checks `smmu-check kernel` runs: what a tree supports, planned as the
// rows of one table, and how one row is checked, through the same code as
// `kunit --model`, `sweep`, `pt` and `lint`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check_run.h"
#include "kernel_report.h"
#include "kernel_runner.h"
#include "model.h"
#include "pt_check.h"

namespace smmu::lint {
struct LintResult;
}

namespace smmu::cli {

struct PlannedCheck {
  std::string check;                 // kunit/CASE, writer/SCENARIO, sweep/ste, sweep/cd, sweep/l1, graph/SCENARIO, pt/SCENARIO, lint
  std::string family;                // kunit, writer, sweep, graph, pt, lint
  std::vector<std::string> targets;  // the KUnit case or scenarios it runs
  std::string unsupported;           // non-empty: the tree cannot run it, and why
};

struct KernelChecks {
  const harness::KernelTree *tree = nullptr;
  const harness::KernelRunner *runner = nullptr;  // null: the slice could not be built (lint still runs)
  std::string no_slice;                           // why runner is null
  std::vector<models::Model> models;
  checker::EngineChoice engine = checker::EngineChoice::Auto;
  checker::CheckOptions options;
  std::optional<checker::EntrySemantics> entry;  // the tree's get_used (set by plan_checks)
  checker::PtSemantics pt;                       // the tree's io-pgtable decoding (set by plan_checks)
  checker::StructureGraph graph;                 // the pointers the SMMU follows (set by plan_checks)
};

// Scenarios whose pointer publications a graph/SCENARIO row judges.
bool is_graph_scenario(const std::string &scenario);

// Every check the tree supports, in table order; `skipped` gets what it does
// not support, and why. Loads the semantics the checks need into `k`.
std::vector<PlannedCheck> plan_checks(KernelChecks &k, std::vector<std::string> &skipped);

// The verdicts of one row under `models` (lint ignores them: it is one
// model-independent cell): per model, every item. A kernel run that failed
// its own checks is judged as any other, its status carried by each item; one
// that stopped part way keeps only violations (checker/kernel_run.h).
// Internal errors become `unknown` items that say so.
std::vector<ReportItem> run_check(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                  const std::vector<models::Model> &models);

// The lint row's items: a warning per finding; unknown for each file not
// checked (it did not parse), first; pass only if neither.
std::vector<ReportItem> lint_items(const PlannedCheck &c, size_t row, const lint::LintResult &r);

// `unknown` items standing for a row that could not be checked (a worker died).
std::vector<ReportItem> unknown_items(const PlannedCheck &c, size_t row, const std::vector<models::Model> &models,
                                      const std::string &reason);

}  // namespace smmu::cli
