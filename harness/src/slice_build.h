// Turns a kernel tree into a loaded slice: slice each unit with libTooling,
// compile the units as C with the system compiler, link one shared object,
// dlopen it. Builds are cached by a hash of every input.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "header_closure.h"
#include "kernel_tree.h"
#include "profile.h"
#include "slicer.h"

namespace smmu::harness {

struct BuildOptions {
  std::filesystem::path cache;               // default_cache_dir() if empty
  std::function<void(const std::string &)> progress;  // one line per step; may be empty
  bool force = false;                        // rebuild even if cached
  // Build the slice with Clang source-based coverage (-fprofile-instr-generate
  // -fcoverage-mapping) and the profile runtime: another slice, cached under
  // its own key, whose counters SliceCoverage (coverage.h) reads.
  bool coverage = false;
};

struct SliceBuild {
  std::filesystem::path dir;        // build directory of this slice
  std::filesystem::path shared_object;
  std::string key;                  // content hash of all inputs
  bool cached = false;              // true when nothing was rebuilt
  bool coverage = false;            // built with BuildOptions::coverage
  Profile profile;
  // Check families the tree cannot run, each with the roots (or optional
  // files) it lacks. Empty: every family of the profile is supported.
  std::map<std::string, std::vector<std::string>> unsupported;
};

// Throws UserError with a file:line or the compiler log's path on failure.
SliceBuild build_slice(const KernelTree &tree, const BuildOptions &options);

// A proposed sequence (smmu-check pt --case FILE.c), built like a slice's driver:
// the same compiler, -nostdinc and base flags, but against harness/include only
// (kshim_hooks.h and its helper header kshim_case.h; no kernel code, no shim),
// with the case runtime (kdrivers/case_runtime.c), linked -z defs against the
// hooks and cached by a hash of every input. `source` goes to the compiler as
// given, so events and diagnostics name it as the user wrote it. Throws
// UserError carrying the compiler's file:line:col diagnostics.
SliceBuild build_case(const std::filesystem::path &source, const BuildOptions &options);

// A dlopen'ed slice (or case). Kernel functions and kshim_slice_* exports are looked up by name.
class LoadedSlice {
 public:
  explicit LoadedSlice(const std::filesystem::path &shared_object);
  ~LoadedSlice();
  LoadedSlice(const LoadedSlice &) = delete;
  LoadedSlice &operator=(const LoadedSlice &) = delete;

  void *symbol(const std::string &name) const;  // nullptr if absent
  template <class F>
  F *function(const std::string &name) const {
    return reinterpret_cast<F *>(symbol(name));
  }

 private:
  void *handle_ = nullptr;
};

// Where our shim, hook header and C drivers live (the source tree, or $SMMU_CHECK_DATA_DIR).
std::filesystem::path harness_data_dir();

// The C compiler and the flags (no codegen options) every kernel unit of `build` is
// compiled with; function_ir() recompiles units with the same ones.
std::string slice_compiler();
std::vector<std::string> slice_unit_flags(const SliceBuild &build);

// How build_slice() parses each unit, for tools that read the tree without building
// it (smmu-check lint): copy the profile's real kernel headers and those they
// include (real_header_closure) into `realinc`, then take the unit's request
// (prelude, flags; parse it with parse_kernel_file()).
HeaderClosure stage_real_headers(const KernelTree &tree, const Profile &profile,
                        const std::filesystem::path &realinc);
SliceRequest unit_slice_request(const KernelTree &tree, const Profile &profile,
                                const UnitSpec &unit, const std::filesystem::path &realinc);

}  // namespace smmu::harness
