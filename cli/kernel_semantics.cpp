#include "kernel_semantics.h"

#include "function_ir.h"

namespace smmu::cli {

checker::EntrySemantics kernel_semantics(const harness::KernelRunner &kernel, bool with_ir) {
  using UsedPtr = void(const uint64_t *, uint64_t *);
  checker::EntrySemantics s;
  auto *ste = kernel.slice().function<UsedPtr>(s.ste_used_symbol);
  auto *cd = kernel.slice().function<UsedPtr>(s.cd_used_symbol);
  if (!ste || !cd)
    throw harness::UserError(kernel.tree().origin + ": the slice has no " + s.ste_used_symbol +
                             " / " + s.cd_used_symbol + "; this tree's writer has no used-bits analysis");
  s.ste_used = ste;
  s.cd_used = cd;
  if (with_ir) s.ir = harness::function_ir(kernel.build(), "arm-smmu-v3", {s.ste_used_symbol, s.cd_used_symbol});
  return s;
}

}  // namespace smmu::cli
