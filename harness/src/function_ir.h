// LLVM IR of kernel functions, the symbolic engine's input: a sliced unit
// compiled again with the slice's own flags, at -O2, with the shim's store
// hooks compiled out (KSHIM_IR_ONLY) so pure functions are plain integer code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "slice_build.h"

namespace smmu::harness {

// IR text of `unit` (a UnitSpec name, e.g. "arm-smmu-v3") of `build`. The whole
// module's .ll is cached in build.dir. With `functions` non-empty, returns a
// module holding only those definitions and the module functions they call
// (like llvm-extract --recursive). Throws UserError (with the compiler log's
// path) if the unit does not compile or a function is not defined in it.
std::string function_ir(const SliceBuild &build, const std::string &unit,
                        const std::vector<std::string> &functions);

// The cached .ll file of `unit`'s whole module, compiled as above plus
// `extra_flags` (e.g. -g, for debug_names.h). Throws as function_ir.
std::filesystem::path module_ir(const SliceBuild &build, const std::string &unit,
                                const std::vector<std::string> &extra_flags = {});

}  // namespace smmu::harness
