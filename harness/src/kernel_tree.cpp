#include "kernel_tree.h"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string_view>
#include <vector>

#include "cache_manifest.h"
#include "debian_archive.h"
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
  // "KEY = VALUE" at the start of a line; string scanning, not std::regex:
  // compiling a regex per line cost a quarter of a cached run's start-up.
  auto field = [](const std::string &line, std::string_view key, std::string &out) {
    if (line.compare(0, key.size(), key) != 0) return;
    size_t i = line.find_first_not_of(" \t", key.size());
    if (i == std::string::npos || line[i] != '=') return;
    i = line.find_first_not_of(" \t", i + 1);
    out = i == std::string::npos ? "" : line.substr(i, line.find_first_of(" \t", i) - i);
  };
  // The three lead the top-level Makefile; stop reading once they are found.
  while ((v.empty() || p.empty() || s.empty()) && std::getline(mk, line)) {
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
  // Absolute: the slice's compiler runs elsewhere and includes files by these paths.
  if (const char *c = std::getenv("SMMU_CHECK_CACHE"); c && *c) return fs::absolute(c);
  if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "smmu-check";
  if (const char *h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "smmu-check";
  return fs::temp_directory_path() / "smmu-check";
}

namespace {

// SERIES or SERIES=VERSION (an upstream release such as 6.12.115, or a Debian version).
std::pair<std::string, std::string> parse_debian_spec(const std::string &spec) {
  std::smatch m;
  static const std::regex re(R"((\d+\.\d+)(?:=([0-9][0-9A-Za-z.+~:-]*))?)");
  if (!std::regex_match(spec, m, re))
    throw UserError("--debian expects a series such as 6.12 or 7.3, or a point release such as "
                    "6.12=6.12.115, got '" + spec + "'");
  std::string version = m[2];
  if (!version.empty() && version.rfind(std::string(m[1]) + ".", 0) != 0 && version != m[1].str())
    throw UserError("--debian " + spec + ": version " + version + " is not of series " + std::string(m[1]));
  return {m[1], version};
}

std::string read_stamp(const fs::path &stamp) {
  std::ifstream in(stamp);
  std::string s;
  std::getline(in, s);
  return s;
}

// Extracts the needed paths of `tarball` into `root` through a temporary
// directory, so a killed run leaves no half tree behind, then records a manifest.
void extract(const fs::path &tarball, const std::string &series, const fs::path &root,
             const std::function<void(const std::string &)> &progress) {
  if (progress) progress("extracting " + tarball.filename().string() + " into the cache");
  fs::path tmp = root.parent_path() / ".extracting";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  std::vector<std::string> cmd = {"tar", "-xJf", tarball.string(), "-C", tmp.string()};
  for (const auto &p : kExtract) cmd.push_back("linux-source-" + series + "/" + p);
  ProcessResult r = run_process(cmd);
  if (r.status != 0) throw UserError("extracting " + tarball.string() + " failed:\n" + r.output.substr(0, 2000));
  fs::remove_all(root);
  fs::rename(tmp / ("linux-source-" + series), root);
  fs::remove_all(tmp);
  write_manifest(root);
}

}  // namespace

KernelTree debian_tree(const std::string &spec, const fs::path &cache,
                       const std::function<void(const std::string &)> &progress) {
  auto [series, wanted] = parse_debian_spec(spec);
  fs::path installed = "/usr/src/linux-source-" + series + ".tar.xz";
  if (const char *d = std::getenv("SMMU_CHECK_DEBIAN_SRC"); d && *d) installed = fs::path(d) / installed.filename();
  KernelTree t;
  t.origin = "debian " + spec;
  fs::path dir = cache / "trees" / ("debian-" + spec);
  t.root = dir / ("linux-source-" + series);
  fs::path stamp = dir / ".extracted";
  fs::create_directories(dir);
  FileLock lock(cache / "trees" / (".lock-debian-" + spec));
  std::error_code ec;
  const bool use_installed = wanted.empty() && fs::exists(installed, ec);
  // Where the tree comes from, as the stamp records it: a changed package
  // (a new point release installed) is extracted anew.
  auto installed_id = [&] {
    return "package " + installed.string() + " " + std::to_string(fs::file_size(installed)) + " " +
           std::to_string(fs::last_write_time(installed).time_since_epoch().count());
  };
  auto obtain = [&] {
    fs::remove(stamp, ec);
    if (use_installed) {
      extract(installed, series, t.root, progress);
      std::ofstream(stamp) << installed_id() << "\n";
      return;
    }
    if (const char *d = std::getenv("SMMU_CHECK_DEBIAN_SRC"); d && *d)
      throw UserError(installed.string() + " not found (SMMU_CHECK_DEBIAN_SRC is set, so nothing is fetched)");
    DebianArchive archive(cache / "apt", progress);
    SourcePackage p = archive.pick(series, wanted);
    fs::path tarball = archive.fetch_tarball(p, dir / ".download");
    extract(tarball, series, t.root, progress);
    fs::remove_all(dir / ".download");
    std::ofstream(stamp) << "archive " << p.debian_version << "\n";
  };
  std::string recorded = fs::exists(stamp, ec) ? read_stamp(stamp) : "";
  if (recorded.empty() || (use_installed && recorded != installed_id()) ||
      (!use_installed && recorded.rfind("archive ", 0) != 0)) {
    obtain();
  } else {
    auto problems = verify_manifest(t.root, VerifyDepth::Quick);
    if (!problems.empty()) {
      if (progress)
        progress("note: the cached tree " + t.root.string() + " is damaged (" + problems[0] +
                 (problems.size() > 1 ? ", and " + std::to_string(problems.size() - 1) + " more" : "") +
                 "); extracting it again");
      obtain();
    }
  }
  t.package = read_stamp(stamp);
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
