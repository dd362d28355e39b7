#include "writer_proof_run.h"

#include <algorithm>
#include <chrono>

#include "explicit_engine.h"
#include "function_ir.h"
#include "kernel_run.h"

namespace smmu::checker {
namespace {

// The harness wraps arm_smmu_write_entry to record updates; the tree's body keeps this name.
const char *kWriter = "__kshim_real_arm_smmu_write_entry";

}  // namespace

const char *entry_name(harness::DescKind kind) { return kind == harness::DescKind::Cd ? "CD" : "STE"; }

WriterProver::WriterProver(const harness::KernelRunner &runner, const EntrySemantics &semantics)
    : runner_(runner), semantics_(semantics) {
  try {
    module_ = std::make_unique<IrModule>(harness::function_ir(runner.build(), "arm-smmu-v3", {}));
  } catch (const std::exception &e) {  // UnsupportedIR, or the unit did not compile (UserError)
    module_error_ = e.what();
  }
}

WriterProver::~WriterProver() = default;

EntryProof WriterProver::prove(harness::DescKind kind, const models::Model &model, const ProofOptions &options) {
  EntryProof p;
  p.kind = kind;
  p.model = model.name;
  if (!module_) {
    p.proof.reason = "the writer's IR: " + module_error_;
    return p;
  }
  const bool cd = kind == harness::DescKind::Cd;
  auto [it, fresh] = writes_.try_emplace(kind);
  Write &w = it->second;
  if (fresh) {
    auto t0 = std::chrono::steady_clock::now();
    try {
      w.write = symbolic_write(*module_, ctx_, {kWriter, cd ? "arm_smmu_cd_writer_ops" : "arm_smmu_ste_writer_ops"});
    } catch (const UnsupportedIR &e) {
      w.error = std::string("unsupported IR: ") + e.what();
    }
    w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  p.symbolic_seconds = w.seconds;
  if (!w.write) {
    p.proof.reason = w.error;
    return p;
  }
  p.proof = prove_writer(*module_, ctx_, *w.write, cd ? semantics_.cd_used_symbol : semantics_.ste_used_symbol,
                         model, options);
  if (p.proof.outcome == ProofOutcome::Counterexample) replay(p, model);
  return p;
}

void WriterProver::replay(EntryProof &p, const models::Model &model) {
  auto not_replayed = [&](const std::string &why) {
    p.proof.outcome = ProofOutcome::Unknown;
    p.proof.reason = "the solver's counterexample (" + p.proof.reason + ") did not replay natively: " + why;
  };
  const ProofCounterexample &cx = *p.proof.counterexample;
  auto *cur = runner_.slice().function<unsigned long long>("kshim_replay_current");
  auto *tgt = runner_.slice().function<unsigned long long>("kshim_replay_target");
  harness::RunnableCase c;
  try {
    c = runner_.find(p.kind == harness::DescKind::Cd ? "sweep_replay_cd_pair" : "sweep_replay_ste_pair");
  } catch (const harness::UserError &) {
    cur = nullptr;
  }
  if (!cur || !tgt) return not_replayed("the slice has no replay driver (harness/kdrivers/sweep_random.c)");
  std::copy(cx.current.begin(), cx.current.end(), cur);
  std::copy(cx.target.begin(), cx.target.end(), tgt);
  harness::RunResult run = runner_.run(c);
  const KernelStatus status = kernel_status(run);
  p.replay_trace = judgeable_trace(run);
  ExplicitEngine engine(semantics_);
  // Judged under the proof's assumptions: the same cleans at each sync.
  CheckOptions judge;
  judge.clean_at_sync = p.proof.clean_at_sync;
  std::vector<Verdict> each = check_each_update(p.replay_trace, model, engine, semantics_, judge);
  if (each.size() != 1)
    return not_replayed("the driver made " + std::to_string(each.size()) + " updates, not one");
  p.replay = judged(status, each[0]);
  if (p.replay->outcome != Outcome::Violation)
    not_replayed(std::string("the explicit engine says ") + to_string(p.replay->outcome) +
                 (p.replay->reason.empty() ? "" : ": " + p.replay->reason));
}

}  // namespace smmu::checker
