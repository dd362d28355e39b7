// `smmu-check pt`'s rows (a tree's scenario or a proposed case under one
// model) and their report: the table as it grows, each row's details (reason,
// the run's own status, notes once per report, warnings, the walk), and JSON.
#pragma once

#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "field_map.h"
#include "kernel_run.h"
#include "kernel_tree.h"
#include "notes_once.h"
#include "pt_check.h"
#include "trace.h"

namespace smmu::report {

struct PtRun {
  std::string case_file;  // empty for the tree's scenarios
  harness::RunResult run;
};

struct PtRow {
  const PtRun *run;
  std::string model;
  checker::PtVerdict verdict;    // as the run allows (checker::judged)
  checker::KernelStatus kernel;  // the run's own status, beside the verdict

  bool passed() const { return verdict.outcome == checker::Outcome::Pass && kernel.passed(); }
};

void print_pt_table_header(std::ostream &out);
void print_pt_table_row(std::ostream &out, const PtRow &row);
// Why a row does not pass, and its walk; a note `notes` said already is not repeated.
std::string pt_row_details(const PtRow &row, checker::NotesOnce &notes, const checker::FieldMap *fields);

// Every field of every verdict, one object per row, then a summary.
void print_pt_json(std::ostream &out, const harness::KernelTree &tree, const std::vector<PtRow> &rows,
                   const checker::FieldMap &fields);

}  // namespace smmu::report
