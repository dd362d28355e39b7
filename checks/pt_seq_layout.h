// A `pte` .seq file's tables against the tree's decoding: the walker reads
// them with the tree's own ARM_LPAE_LVL_IDX, so the layout the parser built
// must be the one it walks, or every walk would miss the PTE. For `seq` and
// `explain`, before they check the sequence.
#pragma once

#include "pt_check.h"
#include "seq_parser.h"

namespace smmu::checks {

// Throws std::runtime_error naming the level and both indices on a mismatch.
void require_pt_layout(const harness::Sequence &s, const checker::PtSemantics &sem);

}  // namespace smmu::checks
