// The table of a report: one cell per check and model, what makes it pass,
// and the totals every format prints.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "expectations.h"
#include "report.h"

namespace smmu::report {

// One table cell: every item of a check under a model (lint: one cell).
// It passes when every verdict is pass and the kernel code's own run passed.
struct Cell {
  std::string check, model;
  std::string verdict;             // the worst: violation, unknown, unsupported, warning, pass
  std::vector<std::pair<std::string, int>> kinds;  // violation kinds and unknowns, with counts
  size_t items = 0, not_pass = 0;
  const ReportItem *first = nullptr;  // the first item that is not pass
  size_t kernel_failed = 0;        // items whose kernel run failed its own checks or stopped
  const ReportItem *first_kernel = nullptr;  // the first of them
  bool required = false;           // the expectations (or, without any, everything) require pass
  // --baseline: it does not pass, and every item that fails failed so in the
  // baseline; such a cell is reported (json, sarif, junit) but does not gate.
  bool known = false;
  bool ok() const { return not_pass == 0 && kernel_failed == 0; }
  // It fails the gate: required, not passing, and not known from the baseline.
  bool gates() const { return required && !ok() && !known; }
  // "pass", "torn", "torn+stale 147/272", "warnings 2"; "misordered (kernel fail)"
  // when the kernel run failed too.
  std::string text() const;
};
std::vector<Cell> report_cells(const Report &r, const Expectations *expect);

// 0 when every required cell passes (its verdicts, and the kernel run's own
// checks) or fails only as in the baseline, 1 otherwise.
int report_status(const Report &r, const Expectations *expect);

struct Totals {
  size_t cells = 0, pass = 0, violation = 0, unknown = 0, unsupported = 0, warnings = 0, required = 0,
         required_failed = 0;
  size_t kernel_failed = 0;  // checks (rows) whose kernel run failed its own checks or stopped
  size_t known = 0, required_known = 0;  // --baseline: cells that fail as there (of them required)
};
Totals totals(const std::vector<Cell> &cells);

// The cell's verdict without the kernel run: "torn+stale 147/272".
std::string verdict_text(const Cell &c);
// "fail", "bug", "fail, stopped": what the kernel run said, for a cell's text.
std::string kernel_text(const ReportItem &it);
// "FILE:LINE[:COL]", or "" for a reference to no file.
std::string where(const SourceRef &s);
// The family of a check: "pt" of "pt/iopt_map".
std::string family(const std::string &check);

}  // namespace smmu::report
