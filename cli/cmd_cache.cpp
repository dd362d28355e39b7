// smmu-check cache: what the cache holds, a full check of it, or emptying it.
// Every run already checks the entries it uses (sizes and times) and rebuilds
// a damaged one once; --verify compares contents too and removes what fails,
// so the next run rebuilds it.
#include <iostream>

#include "cache_manifest.h"
#include "commands.h"
#include "file_lock.h"
#include "kernel_tree.h"
#include "options.h"

namespace smmu::cli {

namespace {

namespace fs = std::filesystem;
using harness::UserError;

const char *kHelp =
    "usage: smmu-check cache [--verify | --clean] [--cache DIR]\n\n"
    "Without an option, lists the cache's entries: extracted kernel trees\n"
    "(trees/), built slices (slices/), built cases (cases/) and the private apt\n"
    "state used to fetch kernel sources (apt/).\n\n"
    "  --verify   check every tree and slice against the manifest recorded when it\n"
    "             was made (sizes and content hashes); a damaged entry is removed\n"
    "             and rebuilt on its next use. Exit status 1 when any was damaged.\n"
    "  --clean    remove everything in the cache\n"
    "  --cache DIR  the cache (default $SMMU_CHECK_CACHE, $XDG_CACHE_HOME/smmu-check)\n\n"
    "examples:\n"
    "  smmu-check cache --verify\n"
    "  smmu-check cache --clean\n";

uintmax_t size_of(const fs::path &dir) {
  uintmax_t n = 0;
  std::error_code ec;
  for (auto &e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file(ec)) n += e.file_size(ec);
  return n;
}

std::string mib(uintmax_t bytes) { return std::to_string((bytes + (1 << 19)) >> 20) + " MiB"; }

// A tree entry is trees/debian-SPEC/linux-source-SERIES; a slice is slices/KEY.
std::vector<fs::path> entries(const fs::path &cache, const std::string &kind) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto &e : fs::directory_iterator(cache / kind, ec)) {
    if (!e.is_directory() || e.path().filename().string()[0] == '.') continue;
    if (kind == "trees") {
      for (auto &t : fs::directory_iterator(e.path(), ec))
        if (t.is_directory() && t.path().filename().string().rfind("linux-source-", 0) == 0) out.push_back(t.path());
    } else {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int cmd_cache(const std::vector<std::string> &argv) {
  OptionSpec spec;
  spec.with_value = {"cache"};
  spec.flags = {"verify", "clean", "help"};
  Args a = parse(argv, spec, "cache");
  if (a.has("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (!a.positional.empty()) throw UserError("unexpected argument '" + a.positional[0] + "' (see smmu-check cache --help)");
  if (a.has("verify") && a.has("clean")) throw UserError("give one of --verify and --clean");
  fs::path cache = cache_dir(a);
  std::error_code ec;
  if (a.has("clean")) {
    uintmax_t bytes = size_of(cache);
    for (auto &e : fs::directory_iterator(cache, ec)) fs::remove_all(e.path(), ec);
    std::cout << "removed " << mib(bytes) << " from " << cache.string() << "\n";
    return 0;
  }
  int damaged = 0;
  for (const std::string kind : {"trees", "slices"}) {
    std::cout << kind << ":\n";
    auto list = entries(cache, kind);
    if (list.empty()) std::cout << "  none\n";
    for (const auto &dir : list) {
      std::string name = fs::relative(dir, cache).string();
      if (!a.has("verify")) {
        std::cout << "  " << name << "  " << mib(size_of(dir)) << "\n";
        continue;
      }
      // The same lock the run that builds or extracts this entry holds.
      fs::path lock = kind == "trees" ? cache / "trees" / (".lock-" + dir.parent_path().filename().string())
                                      : cache / "slices" / (".lock-" + dir.filename().string());
      harness::FileLock held(lock);
      auto problems = harness::verify_manifest(dir, harness::VerifyDepth::Full);
      if (problems.empty()) {
        std::cout << "  " << name << ": ok\n";
        continue;
      }
      ++damaged;
      std::cout << "  " << name << ": damaged: " << problems[0];
      if (problems.size() > 1) std::cout << " (and " << problems.size() - 1 << " more)";
      // A tree loses its stamp (extracted again), a slice its directory (built again).
      if (kind == "trees") fs::remove(dir.parent_path() / ".extracted", ec);
      else fs::remove_all(dir, ec);
      std::cout << "; removed, rebuilt on its next use\n";
    }
  }
  if (!a.has("verify")) {
    std::cout << "total " << mib(size_of(cache)) << " in " << cache.string() << "\n";
    return 0;
  }
  std::cout << (damaged ? std::to_string(damaged) + " damaged entries removed" : "every entry is intact") << "\n";
  return damaged ? 1 : 0;
}

}  // namespace smmu::cli
