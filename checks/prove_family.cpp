// prove/ste, prove/cd (--prove): the tree's arm_smmu_write_entry run
// symbolically from its IR and proved for every pair of the input set under
// each model ('smmu-check prove'). Proved is a pass; a counterexample the
// production writer replays to a violation is that violation, its native run
// the witness, as a sweep pair's; anything else is unknown with the reason.
#include <iomanip>
#include <sstream>

#include "items.h"
#include "registry.h"
#include "writer_proof_run.h"

namespace smmu::checks {

namespace {

using checker::ProofOutcome;

std::string hex_entry(const checker::Qwords &q) {
  std::ostringstream os;
  os << std::hex;
  for (size_t i = 0; i < q.size(); ++i) os << (i ? " " : "") << q[i];
  return os.str();
}

std::string figures(const checker::EntryProof &p) {
  const checker::ProofResult &r = p.proof;
  std::ostringstream os;
  os << std::fixed << std::setprecision(1) << r.steps << " conditional steps (" << r.syncs << " syncs), ";
  if (r.spans) os << r.spans << " spans, ";  // none counted when a first query found the counterexample
  os << r.queries << " solver queries (largest " << r.max_query_nodes << " nodes), " << r.seconds
     << " s (" << r.cpu_seconds << " s CPU); symbolic writer " << p.symbolic_seconds << " s";
  return os.str();
}

// The solver's pair and what the writer does on it, before the native witness.
std::string counterexample_text(const checker::EntryProof &p) {
  const checker::ProofCounterexample &cx = *p.proof.counterexample;
  std::ostringstream os;
  os << "counterexample (" << p.proof.reason << ")\n  current  " << hex_entry(cx.current) << "\n  target   "
     << hex_entry(cx.target) << "\n";
  if (!cx.current_made_by.empty())
    os << "  current made by " << cx.current_made_by << "\n  target made by  " << cx.target_made_by << "\n";
  if (!cx.observed.empty()) os << "  fetch    " << hex_entry(cx.observed) << "\n";
  os << "  the writer's steps:";
  for (const auto &s : cx.path) os << " [" << checker::to_string(s) << "]";
  os << "\nnative replay (sweep_replay_" << (p.kind == harness::DescKind::Cd ? "cd" : "ste")
     << "_pair, explicit engine):\n";
  return os.str();
}

class ProveFamily : public Family {
 public:
  const char *name() const override { return "prove"; }
  bool enabled(const KernelChecks &k) const override { return k.prove; }

  void plan(const KernelChecks &k, std::vector<PlannedCheck> &plan, std::vector<std::string> &skipped) const override {
    for (const auto &[row, replay] : {std::pair<const char *, const char *>{"prove/ste", "sweep_replay_ste_pair"},
                                      {"prove/cd", "sweep_replay_cd_pair"}}) {
      if (plan_unsupported(k, row, "prove", plan)) continue;
      // Without the replay driver (6.1's writer predates arm_smmu_write_entry) a counterexample could not be confirmed.
      if (!k.has_scenario(replay)) skipped.push_back(std::string(row) + ": the slice has no " + replay + " driver");
      else if (!k.entry) skipped.push_back(std::string(row) + ": " + k.no_entry);
      else plan.push_back({row, "prove", {replay}, "", this});
    }
  }

  std::vector<ReportItem> run(const KernelChecks &k, const PlannedCheck &c, size_t row,
                              const std::vector<models::Model> &models) const override {
    if (!k.prover) k.prover = std::make_shared<checker::WriterProver>(*k.runner, *k.entry);
    const harness::DescKind kind = c.check == "prove/cd" ? harness::DescKind::Cd : harness::DescKind::Ste;
    std::vector<ReportItem> items;
    for (const auto &m : models) {
      checker::ProofOptions options;
      options.clean_at_sync = k.options.clean_at_sync;  // --clean-at-sync, as the other rows take it
      checker::EntryProof p = k.prover->prove(kind, m, options);
      ReportItem it = base_item(c, row, m.name);
      if (p.proof.outcome == ProofOutcome::Counterexample && p.replay) {
        // The native run is the witness; the proof's own finding leads its text.
        std::vector<checker::EntryUpdate> updates = checker::extract_entry_updates(p.replay_trace);
        it = entry_item(c, row, m.name, *p.replay, p.replay_trace, updates, Refs(p.replay_trace, k.runner->tree().root),
                        k.entry->fields.get());
        it.item = "current " + hex_entry(p.proof.counterexample->current) + " -> target " +
                  hex_entry(p.proof.counterexample->target);
        it.reason = "counterexample (" + p.proof.reason + "), replayed natively: " + p.replay->reason;
        it.witness_text = counterexample_text(p) + it.witness_text;
      } else {
        set_outcome(it, p.proof.outcome == ProofOutcome::Proved ? checker::Outcome::Pass : checker::Outcome::Unknown,
                    checker::ViolationKind::None, p.proof.reason);
      }
      it.engine = "prove";
      it.seconds = p.proof.seconds + p.symbolic_seconds;
      if (!p.proof.input_set.empty()) it.notes.insert(it.notes.begin(), "over " + p.proof.input_set);
      it.notes.push_back(figures(p));
      items.push_back(std::move(it));
    }
    return items;
  }
};

}  // namespace

const Family &prove_family() {
  static const ProveFamily f;
  return f;
}

}  // namespace smmu::checks
