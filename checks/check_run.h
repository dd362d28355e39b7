// Runs the checker over recorded runs: every (case, model) pair with the chosen
// engine(s) (checker/engine_set.h).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "check_update.h"
#include "engine_set.h"
#include "json_io.h"
#include "kernel_run.h"
#include "kernel_runner.h"
#include "model.h"
#include "structure_graph.h"

namespace smmu::checks {

namespace json = llvm::json;

checker::EngineChoice parse_engine(const std::string &s);  // throws UserError
// The --engine line of every command's help.
inline constexpr const char *kEngineHelp =
    "  --engine E        STE/CD: auto (default: per epoch, decompose, else explicit,\n"
    "                    else z3), explicit, z3, decompose, or both (all three;\n"
    "                    any disagreement is unknown)\n";

struct CheckRow {
  std::string check;   // the KUnit case or scenario
  std::string model;
  checker::Verdict verdict;  // of the trace, as the run allows (checker::judged)
  checker::KernelStatus kernel;  // what the kernel code's own run said, beside the verdict
  const harness::Trace *trace = nullptr;
  bool kernel_ran = true;        // false: a written sequence (seq), no kernel code ran
  checker::FieldMapPtr fields;   // the tree's names for entry bits (null: raw bits)

  bool passed() const { return verdict.outcome == checker::Outcome::Pass && kernel.passed(); }
};

std::vector<CheckRow> check_runs(const std::vector<harness::RunResult> &runs,
                                 const std::vector<models::Model> &models,
                                 const checker::EntrySemantics &semantics, checker::EngineChoice engine,
                                 const checker::CheckOptions &options);

// The tree's structure graph: the pointers the SMMU follows, with the tree's
// own masks (kshim_slice_graph_edges); no edges when the slice exports none.
checker::StructureGraph structure_graph(const harness::KernelRunner &runner);

// A witness's fields (update, epoch, observed entry, meanings, parts) into an
// open JSON object; with `fields`, each part lists the `kind` entry's fields it touches.
void write_witness_fields(json::OStream &j, const checker::Witness &w, const checker::FieldMap *fields = nullptr,
                          harness::DescKind kind = harness::DescKind::Ste);

// The verdict table, then each row that does not pass (a verdict other than
// pass, or a kernel run that failed) with its reason and replayable witness.
// Returns the number of rows that do not pass.
int print_check_report(std::ostream &out, const std::vector<CheckRow> &rows, bool witnesses);

// Every field of every verdict, the witness and the CPU events of the update
// it falls in, and the kernel run's own status, as one JSON document. Returns
// the number of rows that do not pass.
int print_check_json(std::ostream &out, const std::vector<CheckRow> &rows);
// The same document as one value of a larger one (seq's per-file "check").
int write_check_json(json::OStream &j, const std::vector<CheckRow> &rows);

}  // namespace smmu::checks
