// Where the harness hands the kernel's own STE/CD semantics to the checker as
// values: the compiled get_used functions and (for Z3) their LLVM IR.
#pragma once

#include "entry_semantics.h"
#include "kernel_runner.h"

namespace smmu::cli {

// with_ir: also compile get_used to LLVM IR (needed by the Z3 engine).
checker::EntrySemantics kernel_semantics(const harness::KernelRunner &kernel, bool with_ir);

}  // namespace smmu::cli
