// Where the kernel sources come from: a Debian linux-source-X package (extracted
// once into the cache) or a tree the user names.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace smmu::harness {

// Bad input from the user or the system; the message says what to do.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct KernelTree {
  std::filesystem::path root;
  std::string origin;   // "debian 6.12" or the --src path, for reports
  std::string version;  // "6.12.117", from the tree's Makefile
  int major = 0, minor = 0;
};

// The cache: $SMMU_CHECK_CACHE, else $XDG_CACHE_HOME/smmu-check, else ~/.cache/smmu-check.
std::filesystem::path default_cache_dir();

// Extracts only the files smmu-check needs from /usr/src/linux-source-X.tar.xz, once.
KernelTree debian_tree(const std::string &series, const std::filesystem::path &cache);
KernelTree source_tree(const std::filesystem::path &dir);

// The files of the tree that the harness reads (relative paths); used for
// extraction and for the build cache key.
const std::vector<std::string> &kernel_paths_needed();

}  // namespace smmu::harness
