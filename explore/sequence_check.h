// Runs one concrete sequence through the tree's code and judges its trace
// with the walker under each model, exactly as the pt_* scenarios are judged,
// and (given EntryChecks) the STE/CD updates and pointer publications of its
// attaches as the writer rows and the structure graph judge them.
// A finding is named by its signature: the violation kind (or the kernel's
// own failure) and the kernel file:line of its first relevant event, so the
// same root cause found by many sequences is one finding.
#pragma once

#include <string>
#include <vector>

#include <optional>

#include "entry_semantics.h"
#include "kernel_run.h"
#include "kernel_runner.h"
#include "model.h"
#include "pt_check.h"
#include "sequence.h"
#include "sequence_runner.h"
#include "structure_graph.h"

namespace smmu::explore {

struct Finding {
  std::string signature;  // "stale at drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:969"
  std::string kind;       // torn, misordered, stale, kernel-failure, kernel-bug, kernel-warning
  std::string location;   // kernel file:line, or the failure's "file:line: message"
  std::string model;      // empty for the kernel's own failures
  std::string witness;    // the walk (or the failure) as text, event numbers of the trace
  std::vector<std::string> notes;  // the assumptions its verdict rests on (verdict.h)
};

// What judges the STE/CD updates an attach makes, handed over as values by
// the caller (the CLI builds them from the slice as `smmu-check kernel` does):
// the tree's get_used (the writer rows' hitless-update check) and the
// pointers the SMMU follows (the structure graph).
struct EntryChecks {
  checker::EntrySemantics semantics;
  checker::StructureGraph graph;
};

struct SequenceVerdict {
  harness::RunStatus status = harness::RunStatus::Pass;
  std::vector<Finding> findings;  // at most one per model, plus the kernel's own
  // Every model passed on a complete run: nothing to report for this sequence.
  bool clean() const { return findings.empty() && unknowns.empty(); }
  std::vector<std::string> unknowns;  // "MODEL: reason"
  uint64_t walks = 0;
  uint64_t entry_updates = 0;   // STE/CD updates judged (per model)
  uint64_t publications = 0;    // pointer publications judged (per model)
};

class SequenceChecker {
 public:
  // Without `entries`, a sequence that updates an STE or CD is unknown (not judged).
  SequenceChecker(const harness::KernelRunner &runner, std::vector<models::Model> models,
                  checker::PtSemantics semantics, std::optional<EntryChecks> entries = std::nullopt);

  const harness::SequenceRunner &runner() const { return sequences_; }
  SequenceVerdict check(const Sequence &s) const;
  // Each of `s`, run in one child process (harness::SequenceRunner::run_all).
  std::vector<SequenceVerdict> check_all(const std::vector<Sequence> &s) const;
  // The run and its verdicts, for a replay that prints the whole trace.
  harness::RunResult run(const Sequence &s) const { return sequences_.run(s.config, s.ops); }
  SequenceVerdict judge(const harness::RunResult &run) const;

 private:
  harness::SequenceRunner sequences_;
  std::vector<models::Model> models_;
  checker::PtSemantics semantics_;
  std::optional<EntryChecks> entries_;
  // The STE/CD updates and pointer publications of trace t (its updates given), under model m.
  void judge_entries(const harness::Trace &t, const std::vector<checker::EntryUpdate> &updates,
                     const checker::KernelStatus &kernel, const models::Model &m, SequenceVerdict &v) const;
};

}  // namespace smmu::explore
