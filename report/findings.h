// The findings of a report grouped by root cause: every item that does not
// pass, keyed by its kind and the kernel file:line it points at first, so a
// location that fails many cells (every STE update under two models) is read
// once, with the models and the number of cells it explains.
#pragma once

#include <string>
#include <vector>

#include "cells.h"

namespace smmu::report {

struct Finding {
  // torn, misordered, stale, unknown, unsupported, a lint check, or
  // "kernel fail" (the kernel code's own run failed, beside the verdicts).
  std::string kind;
  SourceRef at;                     // the first relevant event in the tree; file "" when none
  std::string reason;               // the example's
  std::vector<std::string> models;  // report column order; "any" for lint
  size_t cells = 0;                 // the cells that do not pass because of it
  std::string check, model, item;   // the example: the first such cell, and its item
  bool required = false;            // one of its cells gates (Cell::gates)
};

// In the order of the first cell each explains. Items the baseline accounts
// for (ReportItem::baseline "known") are left out. A finding without a location
// is keyed by its reason instead, so that unrelated unknowns stay apart.
std::vector<Finding> group_findings(const Report &r, const std::vector<Cell> &cells);

// One line: "stale at FILE:LINE under m1,m2: 22 cells, e.g. CHECK under M (ITEM): REASON",
// the reason cut at 100 characters where a file:line says where to look.
std::string finding_line(const Finding &f);

}  // namespace smmu::report
