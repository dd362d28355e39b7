// What to cut out of a kernel tree and how to build it: one entry per
// translation unit of the slice shared object.
#pragma once

#include <string>
#include <vector>

#include "kernel_tree.h"

namespace smmu::harness {

// Roots that one check family needs. A tree that lacks any of them disables
// that family alone (its rows say `unsupported`, naming what is missing);
// everything else is still sliced and run.
struct RootFamily {
  std::string family;                      // "pt-smmu", "invalidation", ...
  std::vector<std::string> roots;
};

struct UnitSpec {
  std::string name;                        // file stem in the build dir
  std::string file;                        // kernel .c file, relative to the tree root
  std::vector<std::string> roots;          // empty: the whole file; each one required
  std::vector<RootFamily> families;        // optional roots, per check family
  std::vector<std::string> wraps;          // see SliceRequest
  std::vector<std::string> replaces;
  std::vector<std::string> tree_headers;   // the tree's local headers the prelude includes
  std::vector<std::string> prelude_headers;  // shim or kdrivers headers included before the kernel code
  std::vector<std::string> glue;           // harness/kdrivers files included after the kernel code
  bool optional = false;                   // a tree may lack this file (e.g. the KUnit test)
  std::string family;                      // with optional: the family that needs the file
};

struct Profile {
  std::string name;                        // "writer-6.9+" or "writer-6.1"
  std::vector<UnitSpec> units;
  std::vector<std::string> drivers;        // harness/kdrivers/*.c compiled as their own units
  std::vector<std::string> real_headers;   // include/... headers taken unmodified from the tree
  std::vector<std::string> defines;        // -D flags for every unit
};

// Picks the profile from what the tree's driver defines (arm_smmu_write_entry
// or the older arm_smmu_write_strtab_ent), not from its version number.
Profile profile_for(const KernelTree &tree);

}  // namespace smmu::harness
