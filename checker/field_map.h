// The tree's names for the bits of an STE, a CD and a page-table entry, handed
// over by the harness as values (checks/kernel_fields.cpp fills it from the
// tree's own macros). Witnesses name the bits a read touches by them; a bit no
// macro names stays raw. The checker never opens a kernel file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "event.h"

namespace smmu::checker {

struct FieldSpec {
  unsigned qword = 0;
  uint64_t mask = 0;   // one contiguous run of bits of that qword
  std::string name;    // short: S1CTXPTR, CFG, AF, SH
  std::string macro;   // as the tree spells it: STRTAB_STE_0_S1CTXPTR_MASK, ARM_LPAE_PTE_SH_*
};

struct FieldMap {
  std::vector<FieldSpec> ste, cd, pte;  // pte: qword 0 of a descriptor of any level

  const std::vector<FieldSpec> &of(harness::DescKind kind) const;
  bool empty() const { return ste.empty() && cd.empty() && pte.empty(); }
  // The fields of `kind` on `qword` that share a bit with `mask`, low bits first.
  std::vector<const FieldSpec *> touching(harness::DescKind kind, unsigned qword, uint64_t mask) const;
};

using FieldMapPtr = std::shared_ptr<const FieldMap>;

// "51:6", or "0" for one bit.
std::string bit_range(uint64_t mask);
// The field's value in `q`: shifted down for a field of up to 16 bits, in
// place for a wider one (an address reads as an address).
uint64_t field_value(const FieldSpec &f, uint64_t q);

// What a read of bits `mask` of `qword` touches, as one phrase: one field
// gives "S1CTXPTR (STRTAB_STE_0_S1CTXPTR_MASK, bits 51:6)"; several give
// "V[0] CFG[3:1] S1FMT[5:4]", only those with a bit in `changed` when some
// have (the rest counted: "+2 unchanged"). "" when no field is named.
std::string fields_phrase(const FieldMap &fields, harness::DescKind kind, unsigned qword, uint64_t mask,
                          uint64_t changed);

// The fields whose value differs between `before` and `after`:
// "TYPE 0x1 -> 0x3, AF 0x1 -> 0x0" ("" when none named differs).
std::string changed_fields(const std::vector<FieldSpec> &fields, uint64_t before, uint64_t after);
// The fields with a non-zero value in `q`: "VALID=0x1 TYPE=0x3 ADDR=0x200000004000".
std::string field_values(const std::vector<FieldSpec> &fields, uint64_t q);

}  // namespace smmu::checker
