// Where the kernel sources come from: a Debian linux-source-X package (extracted
// once into the cache) or a tree the user names.
#pragma once

#include <filesystem>
#include <functional>
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
  std::string package;  // Debian trees: "package PATH SIZE TIME" or "archive DEBIAN-VERSION"
  int major = 0, minor = 0;
};

// The cache: $SMMU_CHECK_CACHE, else $XDG_CACHE_HOME/smmu-check, else ~/.cache/smmu-check.
std::filesystem::path default_cache_dir();

// `spec` is SERIES (6.12, 7.3) or SERIES=VERSION (6.12=6.12.115). Extracts only
// the files smmu-check needs, once, from /usr/src/linux-source-SERIES.tar.xz when
// that package is installed and no version is named, else from the package
// fetched from Debian's archive (DebianArchive). A damaged cached tree is
// extracted again; `progress` hears of each slow step.
KernelTree debian_tree(const std::string &spec, const std::filesystem::path &cache,
                       const std::function<void(const std::string &)> &progress = {});
KernelTree source_tree(const std::filesystem::path &dir);

// The files of the tree that the harness reads (relative paths); used for
// extraction and for the build cache key.
const std::vector<std::string> &kernel_paths_needed();

}  // namespace smmu::harness
