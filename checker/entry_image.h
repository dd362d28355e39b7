// The entries the driver can produce, as the image of the tree's own make
// functions (arm_smmu_make_abort_ste, _bypass_ste, _cdtable_ste,
// _s2_domain_ste, _s1_cd, ...), executed from their LLVM IR on symbolic
// parameters: every byte of the structures they read (master, domain, the
// SMMU's features, the page-table configuration), every value of their
// integer arguments (ATS, S1DSS). Nothing of them is re-implemented.
#pragma once

#include <z3++.h>

#include <string>
#include <vector>

#include "debug_names.h"
#include "used_bits_ir.h"

namespace smmu::checker {

// One make function's entries: `entry` over its parameters, under `assumptions`.
struct MadeEntry {
  std::string function;  // "" for the zero entry
  std::vector<z3::expr> entry;
  z3::expr assumptions;                  // what the IR states of the fields read (a bool is 0 or 1)
  std::vector<IrInputRead> parameters;   // the fields read and the integer arguments, named
};

struct EntryImage {
  std::string entry_struct;      // the entry's type in the IR: arm_smmu_ste, arm_smmu_cd
  std::vector<MadeEntry> makers;  // every make function of that type, then the zero entry

  // `e` is in the image: some maker, with some parameters, makes it.
  z3::expr contains(const std::vector<z3::expr> &e) const;
  // Which maker made `e` in model `m`, with its parameters' values, e.g.
  // "arm_smmu_make_s2_domain_ste(arm_smmu_domain+0x78=0x1 (2 bytes), ...)".
  std::string describe(const z3::model &m, const std::vector<z3::expr> &e) const;
  // As describe(), but where `base` (another image's entry in `m`) comes from
  // the same make function, only the parameters whose values differ.
  std::string describe_change(const z3::model &m, const std::vector<z3::expr> &e, const EntryImage &base_image,
                              const std::vector<z3::expr> &base) const;
  // "arm_smmu_make_abort_ste, ..., and the zero entry".
  std::string functions() const;
};

// Runs every defined function named arm_smmu_make_* whose parameters include
// one pointer to `entry_struct`, on parameters named after `tag` (one image
// per entry of a pair: "cur", "tgt"). The zero entry (a cleared CD, a fresh
// table) is in the image too. Throws UnsupportedIR if a make function does
// something the executor does not model, or if there is none: the image would
// be incomplete, and a proof over it would say more than it showed.
// With `names` (the tree's debug information), parameters are named by the C
// parameter and member they are read from ("master->cd_table.s1fmt"), else by
// struct type and offset ("arm_smmu_master+0x4d").
EntryImage entry_image(const IrModule &module, z3::context &ctx, const std::string &entry_struct,
                       const std::string &tag, int qwords = 8, const harness::DebugNames *names = nullptr);

}  // namespace smmu::checker
