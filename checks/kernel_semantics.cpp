#include "kernel_semantics.h"

#include "function_ir.h"
#include "kernel_fields.h"

namespace smmu::checks {

namespace {

// Exported by the 6.1 glue (harness/kdrivers/arm_smmu_v3_61_glue.c).
const char *kConservativeSte = "kshim_conservative_ste_used";
const char *kConservativeCd = "kshim_conservative_cd_used";

}  // namespace

checker::EntrySemantics kernel_semantics(const harness::KernelRunner &kernel, bool with_ir,
                                         bool conservative_ok) {
  using UsedPtr = void(const uint64_t *, uint64_t *);
  checker::EntrySemantics s;
  auto *ste = kernel.slice().function<UsedPtr>(s.ste_used_symbol);
  auto *cd = kernel.slice().function<UsedPtr>(s.cd_used_symbol);
  if ((!ste || !cd) && conservative_ok) {
    ste = kernel.slice().function<UsedPtr>(kConservativeSte);
    cd = kernel.slice().function<UsedPtr>(kConservativeCd);
    if (ste && cd) {
      s.ste_used_symbol = kConservativeSte;
      s.cd_used_symbol = kConservativeCd;
    }
  }
  if (!ste || !cd)
    throw harness::UserError(kernel.tree().origin + ": the slice has no " + s.ste_used_symbol +
                             " / " + s.cd_used_symbol + "; this tree's writer has no used-bits analysis");
  s.ste_used = ste;
  s.cd_used = cd;
  s.fields = kernel_fields(kernel);
  if (with_ir) {
    // IR that does not compile leaves the engines that read it `unknown` with
    // the reason (the default chain then enumerates); it stops no run.
    try {
      s.ir = harness::function_ir(kernel.build(), "arm-smmu-v3", {s.ste_used_symbol, s.cd_used_symbol});
      s.derived_cache = kernel.build().dir.string();
    } catch (const harness::UserError &e) {
      s.no_ir = e.what();
    }
  }
  return s;
}

std::vector<std::string> semantics_notes(const checker::EntrySemantics &s) {
  if (s.ste_used_symbol != kConservativeSte) return {};
  return {"6.1 has no used-bits analysis: every bit of a valid entry counts (an over-approximation of what "
          "the SMMU reads: it can add violations, never hide one)"};
}

}  // namespace smmu::checks
