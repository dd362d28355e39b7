#include "writer_proof_run.h"

#include <algorithm>
#include <chrono>

#include "change_conditions.h"
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

const WriterProver::Write &WriterProver::write(harness::DescKind kind) {
  auto [it, fresh] = writes_.try_emplace(kind);
  Write &w = it->second;
  if (!fresh) return w;
  if (!module_) {
    w.error = "the writer's IR: " + module_error_;
    return w;
  }
  auto t0 = std::chrono::steady_clock::now();
  try {
    const bool cd = kind == harness::DescKind::Cd;
    w.write = symbolic_write(*module_, ctx_, {kWriter, cd ? "arm_smmu_cd_writer_ops" : "arm_smmu_ste_writer_ops"});
  } catch (const UnsupportedIR &e) {
    w.error = std::string("unsupported IR: ") + e.what();
  }
  w.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return w;
}

ProofOptions WriterProver::named(const ProofOptions &options) {
  ProofOptions o = options;
  if (!names_tried_) {
    names_tried_ = true;
    try {
      names_ = harness::debug_names(runner_.build(), "arm-smmu-v3");
    } catch (const harness::UserError &) {  // names only: the parameters keep their offsets
    }
  }
  if (!o.names && names_) o.names = &*names_;
  return o;
}

EntryProof WriterProver::prove(harness::DescKind kind, const models::Model &model, const ProofOptions &given) {
  const ProofOptions options = named(given);
  EntryProof p;
  p.kind = kind;
  p.model = model.name;
  const Write &w = write(kind);
  p.symbolic_seconds = w.seconds;
  if (!w.write) {
    p.proof.reason = w.error;
    return p;
  }
  const bool cd = kind == harness::DescKind::Cd;
  p.proof = prove_writer(*module_, ctx_, *w.write, cd ? semantics_.cd_used_symbol : semantics_.ste_used_symbol,
                         cd ? "arm_smmu_cd" : "arm_smmu_ste", model, options);
  if (p.proof.outcome == ProofOutcome::Counterexample) replay(p, model, options);
  return p;
}

ChangeConditions WriterProver::conditions(harness::DescKind kind, const models::Model &model,
                                          const ProofOptions &given, bool pairs, const std::string &only_maker) {
  const ProofOptions options = named(given);
  const Write &w = write(kind);
  if (!w.write) {
    ChangeConditions c;
    c.unknown = w.error;
    return c;
  }
  const bool cd = kind == harness::DescKind::Cd;
  ChangeConditions c = change_conditions(*module_, ctx_, *w.write, cd ? semantics_.cd_used_symbol : semantics_.ste_used_symbol,
                                         cd ? "arm_smmu_cd" : "arm_smmu_ste", model, options, pairs, only_maker);
  for (ChangeCondition &row : c.rows) {
    if (row.outcome != ProofOutcome::Counterexample) continue;
    harness::Trace trace;
    std::string why;
    std::optional<Verdict> v = replay_pair(kind, row.current, row.target, model, options, trace, why);
    if (why.empty()) {
      row.seen = to_string(v->kind);
    } else {
      row.outcome = ProofOutcome::Unknown;
      row.reason = "the example did not replay natively: " + why;
    }
  }
  return c;
}

void WriterProver::replay(EntryProof &p, const models::Model &model, const ProofOptions &options) {
  std::string why;
  p.replay = replay_pair(p.kind, p.proof.counterexample->current, p.proof.counterexample->target, model, options,
                         p.replay_trace, why);
  if (!why.empty()) {
    p.proof.outcome = ProofOutcome::Unknown;
    p.proof.reason = "the solver's counterexample (" + p.proof.reason + ") did not replay natively: " + why;
  }
}

std::optional<Verdict> WriterProver::replay_pair(harness::DescKind kind, const Qwords &current, const Qwords &target,
                                                 const models::Model &model, const ProofOptions &options,
                                                 harness::Trace &trace, std::string &why) {
  auto *cur = runner_.slice().function<unsigned long long>("kshim_replay_current");
  auto *tgt = runner_.slice().function<unsigned long long>("kshim_replay_target");
  harness::RunnableCase c;
  try {
    c = runner_.find(kind == harness::DescKind::Cd ? "sweep_replay_cd_pair" : "sweep_replay_ste_pair");
  } catch (const harness::UserError &) {
    cur = nullptr;
  }
  if (!cur || !tgt) {
    why = "the slice has no replay driver (harness/kdrivers/sweep_random.c)";
    return std::nullopt;
  }
  std::copy(current.begin(), current.end(), cur);
  std::copy(target.begin(), target.end(), tgt);
  harness::RunResult run = runner_.run(c);
  const KernelStatus status = kernel_status(run);
  trace = judgeable_trace(run);
  ExplicitEngine engine(semantics_);
  // Judged under the proof's assumptions: the same cleans at each sync.
  CheckOptions judge;
  judge.clean_at_sync = options.clean_at_sync;
  std::vector<Verdict> each = check_each_update(trace, model, engine, semantics_, judge);
  if (each.size() != 1) {
    why = "the driver made " + std::to_string(each.size()) + " updates, not one";
    return std::nullopt;
  }
  Verdict v = judged(status, each[0]);
  if (v.outcome != Outcome::Violation)
    why = std::string("the explicit engine says ") + to_string(v.outcome) + (v.reason.empty() ? "" : ": " + v.reason);
  return v;
}

}  // namespace smmu::checker
