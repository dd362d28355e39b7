#include "pt_seq_layout.h"

#include <stdexcept>

#include "hex.h"

namespace smmu::checks {

void require_pt_layout(const harness::Sequence &s, const checker::PtSemantics &sem) {
  const harness::Event *ctx = nullptr;
  for (const auto &e : s.trace.events)
    if (e.kind == harness::EventKind::WalkContext) {
      ctx = &e;
      break;
    }
  for (int l = 0; ctx && l <= s.pte.level; ++l)
    if (sem.index(ctx->walk, s.pte.iova, l) != s.pte.index[l])
      throw std::runtime_error(s.file + ": the tables built for IOVA " + hex(s.pte.iova) +
                               " put the level-" + std::to_string(l) + " descriptor at index " +
                               std::to_string(s.pte.index[l]) + ", the tree's ARM_LPAE_LVL_IDX says " +
                               std::to_string(sem.index(ctx->walk, s.pte.iova, l)));
}

}  // namespace smmu::checks
