// The kernel's own meaning of an STE or CD, handed over by the harness as
// values: the compiled get_used functions and their LLVM IR. The checker never
// opens a kernel file.
#pragma once

#include <functional>
#include <string>

#include "entry_update.h"
#include "field_map.h"

namespace smmu::checker {

using UsedFn = std::function<void(const uint64_t *entry, uint64_t *used)>;

struct EntrySemantics {
  UsedFn ste_used, cd_used;        // arm_smmu_get_ste_used / arm_smmu_get_cd_used, compiled
  std::string ir;                  // their LLVM IR (for the Z3 and decompose engines); may be empty
  std::string no_ir;               // why ir is empty, where it was asked for
  // A directory where the checker may keep what it derives from `ir` across
  // runs (the slice's build directory); "": derive it in each process.
  std::string derived_cache;
  std::string ste_used_symbol = "arm_smmu_get_ste_used";
  std::string cd_used_symbol = "arm_smmu_get_cd_used";
  FieldMapPtr fields;              // the tree's names for entry bits, for witnesses; may be null

  // e & used(e), per qword: what the SMMU acts on (docs/model.md §4.1).
  Entry meaning(harness::DescKind kind, const Entry &e) const;
  Entry used(harness::DescKind kind, const Entry &e) const;
  // Why no IR is at hand, for an engine's `unknown`.
  std::string ir_missing() const {
    return "no LLVM IR of get_used" + (no_ir.empty() ? std::string(" was provided") : ": " + no_ir);
  }
};

}  // namespace smmu::checker
