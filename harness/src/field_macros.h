// The tree's own names for the bits of an STE, a CD and a page-table entry:
// the STRTAB_STE_<q>_*, CTXDESC_CD_<q>_* and ARM_LPAE_PTE_* macros the slice
// is built with, each evaluated by the compiler against the tree (never
// retyped). Which of them are field masks is the caller's business: this
// lists every object-like one with a constant integer value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slice_build.h"

namespace smmu::harness {

struct FieldMacro {
  std::string unit;        // the slice unit that defines it ("arm-smmu-v3", "io-pgtable-arm")
  std::string name;        // STRTAB_STE_0_S1CTXPTR_MASK
  std::string definition;  // its replacement text as written (GENMASK_ULL(51, 6))
  uint64_t value = 0;      // as the compiler evaluates it
};

// The prefixes looked for; a macro named <prefix><more> with no parameters.
bool is_field_macro_name(const std::string &name);

// Every such macro of the slice's arm-smmu-v3 and io-pgtable-arm units (a
// unit the slice lacks gives none), cached in the slice's directory. A macro
// that is not a constant integer expression in its unit is left out. Throws
// UserError (with the compiler log's path) when a unit cannot be preprocessed.
std::vector<FieldMacro> field_macros(const SliceBuild &build);

}  // namespace smmu::harness
