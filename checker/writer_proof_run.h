// The proof of issue #11 for a loaded tree: its STE or CD writer run
// symbolically from the slice's IR, the proof query under a model, and a
// counterexample replayed natively through the production writer in the
// slice (scenario sweep_replay_{ste,cd}_pair) and judged by the explicit
// engine, like a sweep pair. A counterexample that does not replay to a
// violation is `unknown`, never reported as one, never a pass.
#pragma once

#include <z3++.h>

#include <map>
#include <memory>
#include <optional>

#include "change_conditions.h"
#include "check_update.h"
#include "kernel_runner.h"
#include "writer_proof.h"

namespace smmu::checker {

struct EntryProof {
  harness::DescKind kind = harness::DescKind::Ste;
  std::string model;
  ProofResult proof;
  double symbolic_seconds = 0;  // running the writer symbolically (once per kind, shared)
  std::optional<Verdict> replay;  // counterexample: the native run's verdict
  harness::Trace replay_trace;    // and its trace (the witness's events)
};

const char *entry_name(harness::DescKind kind);  // "STE", "CD"

class WriterProver {
 public:
  WriterProver(const harness::KernelRunner &runner, const EntrySemantics &semantics);
  ~WriterProver();
  EntryProof prove(harness::DescKind kind, const models::Model &model, const ProofOptions &options = {});
  // Per make function and parameter, whether changing it alone is safe
  // (change_conditions.h); each example is replayed natively, else unknown.
  ChangeConditions conditions(harness::DescKind kind, const models::Model &model, const ProofOptions &options = {},
                              bool pairs = false, const std::string &only_maker = "");

 private:
  struct Write {
    std::optional<SymbolicWrite> write;
    std::string error;
    double seconds = 0;
  };
  const Write &write(harness::DescKind kind);  // run symbolically once per kind
  // `options` with the tree's debug names, read once (without them: offsets).
  ProofOptions named(const ProofOptions &options);
  // A counterexample's verdict: the native writer in the slice, the explicit engine.
  void replay(EntryProof &p, const models::Model &model, const ProofOptions &options);
  // The pair written by the production writer and judged; `why` is set unless a violation.
  std::optional<Verdict> replay_pair(harness::DescKind kind, const Qwords &current, const Qwords &target,
                                     const models::Model &model, const ProofOptions &options, harness::Trace &trace,
                                     std::string &why);

  const harness::KernelRunner &runner_;
  const EntrySemantics &semantics_;
  z3::context ctx_;  // before the module and the writes: destroyed last
  std::unique_ptr<IrModule> module_;
  std::string module_error_;
  std::map<harness::DescKind, Write> writes_;
  std::optional<harness::DebugNames> names_;
  bool names_tried_ = false;
};

}  // namespace smmu::checker
