// Where the harness hands the kernel's own STE/CD semantics to the checker as
// values: the compiled get_used functions and (for Z3) their LLVM IR.
#pragma once

#include <string>
#include <vector>

#include "entry_semantics.h"
#include "kernel_runner.h"

namespace smmu::checks {

// with_ir: also compile get_used to LLVM IR (needed by the Z3 engine).
// conservative_ok: a tree with no get_used of its own (6.1) gets the slice's
// kshim_conservative_{ste,cd}_used instead (every bit of a valid entry counts);
// without it such a tree is a UserError.
checker::EntrySemantics kernel_semantics(const harness::KernelRunner &kernel, bool with_ir,
                                         bool conservative_ok = false);

// What every verdict judged with `s` must say about its semantics (empty for
// the tree's own get_used).
std::vector<std::string> semantics_notes(const checker::EntrySemantics &s);

}  // namespace smmu::checks
