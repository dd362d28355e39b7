// Debian's linux-source-X packages that this machine's apt suites do not
// carry (7.2 from sid, 7.3 from trixie-backports, older 6.12 point releases),
// fetched with a private apt configuration under the cache: its own sources
// list, lists, archives and an empty dpkg status. The system's sources are
// only read, for their mirror URIs and keyrings; apt verifies every package
// against Debian's archive keyring as usual.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace smmu::harness {

struct SourcePackage {
  std::string series;          // 7.3
  std::string debian_version;  // 7.3.4-1~bpo13+1
  std::string suite;           // where apt found it, for messages
};

class DebianArchive {
 public:
  // `dir` holds the private apt state (the cache's apt/ folder).
  DebianArchive(std::filesystem::path dir, std::function<void(const std::string &)> progress);

  // The linux-source-<series> versions apt can fetch, newest first. Reads the
  // private lists; downloads them first when there are none or `refresh`.
  std::vector<SourcePackage> versions(const std::string &series, bool refresh = false);

  // The version to use for `wanted` ("" = newest; "6.12.115" = that upstream
  // release; or an exact Debian version). Refreshes the lists once if absent.
  SourcePackage pick(const std::string &series, const std::string &wanted);

  // Downloads the package (apt verifies it) and returns the path of its
  // linux-source-<series>.tar.xz, moved into `dest_dir`.
  std::filesystem::path fetch_tarball(const SourcePackage &p, const std::filesystem::path &dest_dir);

  // The private sources.list: the system's Debian mirrors with its own suites
  // plus the suites that carry newer kernels.
  static std::string sources_list();

 private:
  void write_config();
  void update();
  std::vector<std::string> apt(const std::string &tool) const;

  std::filesystem::path dir_;
  std::function<void(const std::string &)> progress_;
};

// The suites, beyond the system's own, that carry newer kernel sources.
const std::vector<std::string> &extra_kernel_suites();

}  // namespace smmu::harness
