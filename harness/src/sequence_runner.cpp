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

RunResult SequenceRunner::run(const kshim_explore_config &cfg,
                              const std::vector<kshim_explore_op> &ops) const {
  RunResult r;
  r.suite = "explore";
  r.name = "sequence";
  auto fn = runner_.slice().function<decltype(kshim_slice_explore_run)>("kshim_slice_explore_run");
  if (!fn || !available()) {
    r.status = RunStatus::Skip;
    r.trace.log.push_back("the slice has no explore driver");
    return r;
  }
  if (cfg.ats && !can_ats()) {
    r.status = RunStatus::Skip;
    r.trace.log.push_back("ats=on: the tree has no ATS invalidation path the harness can drive (family ats)");
    return r;
  }
  if ((cfg.attach && !can_attach()) || (cfg.cd_2lvl && !can_cd_2lvl())) {
    r.status = RunStatus::Skip;
    r.trace.log.push_back(cfg.attach && !can_attach()
                              ? "attach: the slice has no attach driver (kdrivers/explore_attach.c)"
                              : "cd-table=2lvl: the tree's slice has no 2-level CD table code (family l1)");
    return r;
  }
  int status;
  {
    RecordingScope scope(r.trace);
    status = fn(&cfg, ops.data(), static_cast<int>(ops.size()));
  }
  release_kernel_allocations();
  set_run_status(r, status);
  return r;
}

}  // namespace smmu::harness
