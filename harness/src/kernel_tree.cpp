#include "kernel_tree.h"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include "file_lock.h"
#include "subprocess.h"

namespace fs = std::filesystem;

namespace smmu::harness {
namespace {

// Directories and files extracted from the Debian tarball. Directories are
// taken whole because their content differs between series.
const std::vector<std::string> kExtract = {
    "Makefile",
    "drivers/iommu/arm/arm-smmu-v3",
    "drivers/iommu/io-pgtable-arm.c",
    "drivers/iommu/io-pgtable-arm.h",
    "drivers/iommu/io-pgtable.c",
    "include/linux",
    "include/vdso",
    "include/uapi/linux",
    "include/asm-generic",
    "include/kunit",
};

void read_version(KernelTree &t) {
  std::ifstream mk(t.root / "Makefile");
  if (!mk) throw UserError(t.root.string() + ": no Makefile; is this a kernel tree?");
  std::string line, v, p, s;
  auto field = [](const std::string &line, const char *key, std::string &out) {
    std::smatch m;
    std::regex re(std::string("^") + key + R"(\s*=\s*(\S*))");
    if (std::regex_search(line, m, re)) out = m[1];
  };
  while (std::getline(mk, line)) {
    field(line, "VERSION", v);
    field(line, "PATCHLEVEL", p);
    field(line, "SUBLEVEL", s);
  }
  if (v.empty() || p.empty())
    throw UserError((t.root / "Makefile").string() + ": no VERSION/PATCHLEVEL; is this a kernel tree?");
  t.major = std::stoi(v);
  t.minor = std::stoi(p);
  t.version = v + "." + p + (s.empty() ? "" : "." + s);
}

}  // namespace

const std::vector<std::string> &kernel_paths_needed() { return kExtract; }

fs::path default_cache_dir() {
  if (const char *c = std::getenv("SMMU_CHECK_CACHE"); c && *c) return c;
  if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "smmu-check";
  if (const char *h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "smmu-check";
  return fs::temp_directory_path() / "smmu-check";
}

KernelTree debian_tree(const std::string &series, const fs::path &cache) {
  if (!std::regex_match(series, std::regex(R"(\d+\.\d+)")))
    throw UserError("--debian expects a series such as 6.12 or 6.1, got '" + series + "'");
  fs::path tarball = "/usr/src/linux-source-" + series + ".tar.xz";
  if (const char *d = std::getenv("SMMU_CHECK_DEBIAN_SRC"); d && *d)
    tarball = fs::path(d) / tarball.filename();
  KernelTree t;
  t.origin = "debian " + series;
  t.root = cache / "trees" / ("debian-" + series) / ("linux-source-" + series);
  fs::path stamp = t.root.parent_path() / ".extracted";
  FileLock lock(cache / "trees" / (".lock-debian-" + series));
  if (!fs::exists(stamp)) {
    if (!fs::exists(tarball))
      throw UserError(tarball.string() + " not found: install Debian's linux-source-" + series +
                      " package (scripts/setup installs it)");
    fs::create_directories(t.root.parent_path());
    std::vector<std::string> cmd = {"tar", "-xJf", tarball.string(), "-C",
                                    t.root.parent_path().string()};
    for (const auto &p : kExtract) cmd.push_back("linux-source-" + series + "/" + p);
    ProcessResult r = run_process(cmd);
    if (r.status != 0)
      throw UserError("extracting " + tarball.string() + " failed:\n" + r.output);
    std::ofstream(stamp) << tarball.string() << "\n";
  }
  read_version(t);
  return t;
}

KernelTree source_tree(const fs::path &dir) {
  if (!fs::is_directory(dir)) throw UserError("--src " + dir.string() + ": not a directory");
  KernelTree t;
  t.root = fs::canonical(dir);
  t.origin = t.root.string();
  read_version(t);
  return t;
}

}  // namespace smmu::harness
