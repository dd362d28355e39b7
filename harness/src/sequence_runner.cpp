#include "sequence_runner.h"

#include "recorder.h"

namespace smmu::harness {

SequenceRunner::SequenceRunner(const KernelRunner &runner) : runner_(runner) {
  if (auto caps = runner.slice().function<decltype(kshim_slice_explore_caps)>("kshim_slice_explore_caps"))
    caps_ = caps();
}

std::optional<SequenceGeometry> SequenceRunner::geometry(const kshim_explore_config &cfg) const {
  auto fn = runner_.slice().function<decltype(kshim_slice_explore_geometry)>(
      "kshim_slice_explore_geometry");
  if (!fn || !available()) return std::nullopt;
  SequenceGeometry g;
  Trace discarded;
  int status;
  {
    RecordingScope scope(discarded);
    kshim_u64 base = 0, pgsizes = 0;
    status = fn(&cfg, &base, &pgsizes);
    g.base = base;
    g.pgsizes = pgsizes;
  }
  release_kernel_allocations();
  if (status != KSHIM_RUN_PASS) return std::nullopt;
  return g;
}

namespace {

// A run the slice cannot make, said as a skipped run; nullopt if it can.
std::optional<RunResult> cannot_run(const SequenceRunner &s, bool has_driver, const kshim_explore_config &cfg) {
  const char *why = !has_driver || !s.available() ? "the slice has no explore driver"
                    : cfg.ats && !s.can_ats()
                        ? "ats=on: the tree has no ATS invalidation path the harness can drive (family ats)"
                    : cfg.attach && !s.can_attach() ? "attach: the slice has no attach driver (kdrivers/explore_attach.c)"
                    : cfg.cd_2lvl && !s.can_cd_2lvl()
                        ? "cd-table=2lvl: the tree's slice has no 2-level CD table code (family l1)"
                        : nullptr;
  if (!why) return std::nullopt;
  RunResult r;
  r.suite = "explore";
  r.name = "sequence";
  r.status = RunStatus::Skip;
  r.trace.log.push_back(why);
  return r;
}

}  // namespace

RunResult SequenceRunner::run(const kshim_explore_config &cfg, const std::vector<kshim_explore_op> &ops) const {
  return std::move(run_all({{cfg, ops}}).at(0));
}

std::vector<RunResult> SequenceRunner::run_all(const std::vector<SequenceInput> &sequences) const {
  auto fn = runner_.slice().function<decltype(kshim_slice_explore_run)>("kshim_slice_explore_run");
  std::vector<std::optional<RunResult>> out(sequences.size());
  std::vector<KernelRunner::GuardedRun> runs;
  std::vector<size_t> ran;  // the index in `sequences` of each of `runs`
  for (size_t i = 0; i < sequences.size(); ++i) {
    if ((out[i] = cannot_run(*this, fn != nullptr, sequences[i].cfg))) continue;
    ran.push_back(i);
    runs.push_back({"explore", "sequence", "explore sequence", [fn, &s = sequences[i]] {
                      RunResult r;
                      r.suite = "explore";
                      r.name = "sequence";
                      int status;
                      {
                        RecordingScope scope(r.trace);
                        status = fn(&s.cfg, s.ops.data(), static_cast<int>(s.ops.size()));
                      }
                      release_kernel_allocations();
                      set_run_status(r, status);
                      return r;
                    }});
  }
  // In one child with the runner's time limit each, as scenarios run: a crash
  // or a hang in the tree's code is a run that died, not the end of the tool.
  std::vector<RunResult> results = runner_.run_guarded(runs);
  for (size_t k = 0; k < ran.size(); ++k) out[ran[k]] = std::move(results[k]);
  std::vector<RunResult> all;
  for (auto &r : out) all.push_back(std::move(*r));
  return all;
}

}  // namespace smmu::harness
