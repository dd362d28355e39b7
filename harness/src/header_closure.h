// Which real kernel headers a slice stages: the profile's seeds and, through
// their #include lines, every header they reach that our shim does not
// provide. A point release that adds an include to a staged header (6.12.118:
// bitfield.h includes typecheck.h) then stages it too instead of breaking.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kernel_tree.h"

namespace smmu::harness {

struct StagedHeader {
  std::string tree_path;     // relative to the tree root: include/linux/typecheck.h
  std::string include_name;  // as code includes it: linux/typecheck.h
};

// An #include that neither the tree nor the shim resolves. Harmless while it
// sits under an #if the slice does not take; named if the compiler reaches it.
struct UnresolvedInclude {
  std::string include_name;
  std::string included_by;   // tree-relative file:line
};

struct HeaderClosure {
  std::vector<StagedHeader> staged;   // seeds first, then in discovery order
  std::vector<UnresolvedInclude> unresolved;
};

// `seeds` are tree-relative (include/linux/bitfield.h); a seed absent from the
// tree is skipped (headers only some series have). `shim_dirs` are searched
// before the tree: a header they provide stops the walk.
HeaderClosure real_header_closure(const KernelTree &tree, const std::vector<std::string> &seeds,
                                  const std::vector<std::filesystem::path> &shim_dirs);

// For a compiler message "'X' file not found": who includes X and why it
// could not be staged, or "" when X is not one of `closure`'s unresolved includes.
std::string explain_missing_header(const KernelTree &tree, const HeaderClosure &closure,
                                   const std::string &compiler_output);

}  // namespace smmu::harness
