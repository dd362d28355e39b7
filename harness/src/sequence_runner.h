// Runs a generated operation sequence (kdrivers/explore_pt.c) in a loaded
// slice under the recorder, like a scenario: the harness runs, never judges.
#pragma once

#include <optional>
#include <vector>

#include "kernel_runner.h"
#include "kshim_hooks.h"

namespace smmu::harness {

struct SequenceGeometry {
  uint64_t base = 0;      // the IOVA window starts here (two level-1 spans up)
  uint64_t pgsizes = 0;   // the domain's pgsize_bitmap after io-pgtable restricted it
};

class SequenceRunner {
 public:
  explicit SequenceRunner(const KernelRunner &runner);

  // False when the slice has no explore driver (the families sweep and pt-smmu).
  bool available() const { return caps_ >= 0; }
  bool can_split_blocks() const { return caps_ > 0 && (caps_ & KSHIM_XCAP_SPLIT); }
  // The tree's SVA unit has its mmu notifier (family sva): domain=sva runs.
  bool can_sva() const { return caps_ > 0 && (caps_ & KSHIM_XCAP_SVA); }
  // The tree's invalidation paths send ATC_INVs to an ATS master (family ats).
  bool can_ats() const { return caps_ > 0 && (caps_ & KSHIM_XCAP_ATS); }
  // ATTACH ops: the master's STEs and CD table through the tree's install
  // functions (kdrivers/explore_attach.c); 2-level CD tables need family l1.
  bool can_attach() const { return caps_ > 0 && (caps_ & KSHIM_XCAP_ATTACH); }
  bool can_cd_2lvl() const { return caps_ > 0 && (caps_ & KSHIM_XCAP_CD_2LVL); }
  // The domain cfg sets up; nullopt if the set-up itself failed.
  std::optional<SequenceGeometry> geometry(const kshim_explore_config &cfg) const;
  // In a child within the runner's timeout() (KernelRunner::run_guarded): a
  // sequence that crashes or hangs is a run that died (RunResult::died).
  RunResult run(const kshim_explore_config &cfg, const std::vector<kshim_explore_op> &ops) const;
  // Several in order, in one child (a fork costs more than a short sequence).
  struct SequenceInput {
    kshim_explore_config cfg;
    std::vector<kshim_explore_op> ops;
  };
  std::vector<RunResult> run_all(const std::vector<SequenceInput> &sequences) const;

 private:
  const KernelRunner &runner_;
  int caps_ = -1;
};

}  // namespace smmu::harness
