// A family of the checks `smmu-check kernel` runs (KUnit updates, writer
// scenarios, the sweep, the writer's proof, pointer publications, page tables, lint): what rows it
// plans for a tree, and how it checks one row under a list of models. The
// families are registered in one place, registry.cpp, in table order.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check_run.h"
#include "kernel_runner.h"
#include "model.h"
#include "pt_check.h"
#include "report.h"
#include "structure_graph.h"

namespace smmu::checker {
class WriterProver;
}

namespace smmu::checks {

using report::ReportItem;
using report::SourceRef;

class Family;

struct PlannedCheck {
  std::string check;                 // kunit/CASE, writer/SCENARIO, sweep/ste, sweep/cd, sweep/l1, prove/ste, prove/cd, graph/SCENARIO, pt/SCENARIO, lint
  std::string family;                // the table family, as --only names it: kunit, writer, sweep, prove, graph, pt, lint
  std::vector<std::string> targets;  // the KUnit case or scenarios it runs
  std::string unsupported;           // non-empty: the tree cannot run it, and why
  const Family *runs = nullptr;      // the family that checks it; null for an unsupported row

  // One cell whatever the models (lint).
  bool model_independent() const;
};

struct KernelChecks {
  const harness::KernelTree *tree = nullptr;
  const harness::KernelRunner *runner = nullptr;  // null: the slice could not be built (lint still runs)
  std::string no_slice;                           // why runner is null
  std::vector<models::Model> models;
  checker::EngineChoice engine = checker::EngineChoice::Auto;
  checker::CheckOptions options;
  std::optional<checker::EntrySemantics> entry;  // the tree's get_used (set by plan_checks)
  std::string no_entry;                          // why entry is unset
  checker::PtSemantics pt;                       // the tree's io-pgtable decoding (set by plan_checks)
  checker::StructureGraph graph;                 // the pointers the SMMU follows (set by plan_checks)
  std::vector<std::string> scenarios;            // the slice's scenario drivers, in its order (set by plan_checks)
  bool prove = false;                            // --prove: plan the prove family (tens of seconds of CPU per model)
  // The prove family's symbolic writers, built on its first row and kept for
  // the others in this process (seconds each). Last: destroyed first, as it
  // refers to the runner and `entry`.
  mutable std::shared_ptr<checker::WriterProver> prover;
  // The engines of the run (for `entry`), made on first use and kept: each
  // caches what it derives from the IR. Rows checked in worker processes make their own.
  checker::EngineSet &engines() const;
  mutable std::shared_ptr<checker::EngineSet> engine_set;

  bool has_scenario(const std::string &name) const;
};

class Family {
 public:
  virtual ~Family() = default;
  // The table family of its rows, as --only names it (two families may share one).
  virtual const char *name() const = 0;
  // Appends the rows the tree supports to `plan`, in table order. A row whose
  // slice family the tree lacks is planned `unsupported`; one it cannot run
  // for another reason goes to `skipped`, with why.
  virtual void plan(const KernelChecks &k, std::vector<PlannedCheck> &plan, std::vector<std::string> &skipped) const = 0;
  // The verdicts of one planned row under `models`: per model, every item.
  virtual std::vector<ReportItem> run(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                      const std::vector<models::Model> &models) const = 0;
  // Runs no kernel code: planned even when the slice could not be built.
  virtual bool needs_slice() const { return true; }
  // One model-independent cell ("any").
  virtual bool model_independent() const { return false; }
  // Planned at all in `k` (prove only with --prove); a family that is not
  // plans no row, not even an unsupported one.
  virtual bool enabled(const KernelChecks &k) const { return true; }
};

// Plans `row` as unsupported if a slice family it needs is one the tree lacks
// (family_support.h); true if it did.
bool plan_unsupported(const KernelChecks &k, const std::string &row, const std::string &family,
                      std::vector<PlannedCheck> &plan);

}  // namespace smmu::checks
