// Checks planned rows, each row under each model a unit of work (a
// model-independent row is one unit), in this process or in worker processes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "coverage.h"
#include "family.h"

namespace smmu::checks {

// The rows to check, each with its index in the whole plan.
using PlannedRows = std::vector<std::pair<size_t, PlannedCheck>>;

// What run_rows reports as it goes (the CLI draws a progress bar).
class RowProgress {
 public:
  virtual ~RowProgress() = default;
  virtual void start(size_t unit, const std::string &what) = 0;
  virtual void done(size_t unit) = 0;
  virtual void tick() {}  // while waiting for workers
};

// How many units run_rows checks for `rows`.
size_t unit_count(const KernelChecks &k, const PlannedRows &rows);

// Checks `rows` in `jobs` worker processes forked after the slice is loaded
// (the kernel code is global state inside the slice, so workers are processes,
// not threads). Workers take the next unit from a counter they share, report
// "S <unit>" when they start it and "R <unit> <json items>" when done. A
// worker that dies leaves its unit `unknown`; the others finish the rest.
// With `coverage`, each worker counts from zero and hands its counters over
// ("C <hex raw profile>") when it has no unit left. The items come in unit
// order, whatever order the workers finish in.
std::vector<ReportItem> run_rows(const KernelChecks &k, const PlannedRows &rows, int jobs, RowProgress &progress,
                                 harness::SliceCoverage *coverage);

}  // namespace smmu::checks
