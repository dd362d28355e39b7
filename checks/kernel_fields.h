// Where the harness hands the tree's field macros to the checker as a plain
// FieldMap: which of the evaluated macros are field masks, and their names.
#pragma once

#include <vector>

#include "field_macros.h"
#include "field_map.h"
#include "kernel_runner.h"

namespace smmu::checks {

// The field masks among `macros` (harness::field_macros):
//  - STE/CD (STRTAB_STE_<q>_*, CTXDESC_CD_<q>_*): a GENMASK/BIT/shift-style
//    definition with one contiguous run of bits, on qword q;
//  - PTE (ARM_LPAE_PTE_*): X_MASK (shifted by X_SHIFT when the tree has one);
//    a single contiguous value; a family of values X_A, X_B... (one zero, or
//    overlapping: an enumeration such as SH_NS/SH_OS/SH_IS) names field X by
//    their union.
// Left out everywhere: *_SHIFT and *_BIT (positions), values of a field the
// tree names (CFG_BYPASS of CFG), several bits apart (a composite such as
// ATTR_MASK), and a mask spanning two or more other fields (ATTR_LO_MASK).
checker::FieldMap field_map(const std::vector<harness::FieldMacro> &macros);

// field_map() of the runner's slice; empty (witnesses keep raw bits) when the
// macros cannot be extracted.
checker::FieldMapPtr kernel_fields(const harness::KernelRunner &kernel);

}  // namespace smmu::checks
