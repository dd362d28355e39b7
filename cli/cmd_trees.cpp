// smmu-check trees: the kernel trees smmu-check can use (installed Debian
// packages, trees in the cache, versions Debian's archive still has) and, per
// tree in the cache, which check families it supports.
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_os_ostream.h>

#include <iostream>
#include <regex>

#include "commands.h"
#include "debian_archive.h"
#include "family_support.h"
#include "kernel_runner.h"
#include "options.h"
#include "subprocess.h"

namespace smmu::cli {

using checks::family_status;

namespace {

namespace fs = std::filesystem;
using harness::UserError;

// The series smmu-check is written for; any other works with --debian too.
const std::vector<std::string> kSeries = {"6.1", "6.12", "7.2", "7.3"};

const char *kHelp =
    "usage: smmu-check trees [--fetch LIST] [--refresh] [--format text|json] [--cache DIR]\n\n"
    "Lists the kernel trees smmu-check can check with --debian:\n"
    "  installed   Debian's linux-source-SERIES packages in /usr/src\n"
    "  cached      trees already extracted into the cache, each with the check\n"
    "              families its code supports (building its slice if needed);\n"
    "              a family it lacks is named with the functions it misses, and\n"
    "              its rows say 'unsupported' in 'smmu-check kernel'\n"
    "  archive     the linux-source versions Debian's archive has (the system's\n"
    "              suites, trixie-backports, sid), usable as --debian SERIES=VERSION\n\n"
    "Options:\n"
    "  --fetch LIST      fetch and extract these first, e.g. 7.3,7.2 or 6.12=6.12.115\n"
    "  --refresh         update the private package lists first\n"
    "  --format F        text (default) or json\n"
    "  --cache DIR       the cache (default $SMMU_CHECK_CACHE, $XDG_CACHE_HOME/smmu-check)\n"
    "  --quiet           no progress on stderr\n\n"
    "examples:\n"
    "  smmu-check trees\n"
    "  smmu-check trees --fetch 7.3,7.2\n";

struct TreeRow {
  std::string spec, version, source;
  std::vector<std::pair<std::string, std::string>> families;  // family, "" or what it lacks
  std::string error;
};

std::string installed_version(const std::string &series) {
  auto r = harness::run_process({"dpkg-query", "-W", "-f=${Version}", "linux-source-" + series});
  return r.status == 0 ? r.output : "";
}

std::vector<std::string> split_list(const std::string &s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string x; std::getline(in, x, ',');)
    if (!x.empty()) out.push_back(x);
  return out;
}

}  // namespace

int cmd_trees(const std::vector<std::string> &argv) {
  OptionSpec spec;
  spec.with_value = {"fetch", "format", "cache"};
  spec.flags = {"refresh", "quiet", "help"};
  Args a = parse(argv, spec, "trees");
  if (a.has("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (!a.positional.empty()) throw UserError("unexpected argument '" + a.positional[0] + "' (see smmu-check trees --help)");
  const std::string format = a.get("format", "text");
  if (format != "text" && format != "json") throw UserError("--format expects text or json, got '" + format + "'");
  fs::path cache = cache_dir(a);
  const bool quiet = a.has("quiet");
  auto progress = [quiet](const std::string &s) {
    if (!quiet) std::cerr << "smmu-check: " << s << "\n";
  };
  for (const auto &s : split_list(a.get("fetch"))) harness::debian_tree(s, cache, progress);

  // Cached trees, each opened (and its slice built) to learn its families.
  std::vector<TreeRow> cached;
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (auto &e : fs::directory_iterator(cache / "trees", ec))
    if (e.is_directory() && e.path().filename().string().rfind("debian-", 0) == 0 &&
        fs::exists(e.path() / ".extracted"))
      dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto &d : dirs) {
    TreeRow row;
    row.spec = d.filename().string().substr(7);
    try {
      harness::KernelTree tree = harness::debian_tree(row.spec, cache, progress);
      row.version = tree.version;
      row.source = tree.package.rfind("archive ", 0) == 0 ? "archive " + tree.package.substr(8) : "installed package";
      harness::BuildOptions o;
      o.cache = cache;
      o.progress = quiet ? std::function<void(const std::string &)>() : progress;
      harness::KernelRunner runner(tree, o);
      row.families = family_status(runner.build());
    } catch (const std::exception &e) {
      row.error = e.what();
    }
    cached.push_back(row);
  }
  // What the archive has (the private lists; fetched once when absent).
  harness::DebianArchive archive(cache / "apt", progress);
  std::vector<std::pair<std::string, std::vector<harness::SourcePackage>>> available;
  std::string archive_error;
  try {
    bool refresh = a.has("refresh");  // the lists are shared by every series: once is enough
    for (const auto &s : kSeries) {
      available.emplace_back(s, archive.versions(s, refresh));
      refresh = false;
    }
  } catch (const UserError &e) {
    archive_error = e.what();
  }

  if (format == "json") {
    llvm::raw_os_ostream os(std::cout);
    llvm::json::OStream j(os);
    j.objectBegin();
    j.attributeArray("installed", [&] {
      for (const auto &s : kSeries) {
        std::string v = installed_version(s);
        if (!v.empty())
          j.object([&] {
            j.attribute("series", s);
            j.attribute("debian_version", v);
          });
      }
    });
    j.attributeArray("cached", [&] {
      for (const auto &t : cached)
        j.object([&] {
          j.attribute("debian", t.spec);
          j.attribute("version", t.version);
          j.attribute("source", t.source);
          if (!t.error.empty()) j.attribute("error", t.error);
          j.attributeObject("families", [&] {
            for (const auto &[f, lacks] : t.families)
              j.attribute(f, lacks.empty() ? std::string("supported") : "unsupported: " + lacks);
          });
        });
    });
    j.attributeArray("archive", [&] {
      for (const auto &[s, list] : available)
        for (const auto &p : list)
          j.object([&] {
            j.attribute("series", s);
            j.attribute("debian_version", p.debian_version);
            j.attribute("suite", p.suite);
          });
    });
    if (!archive_error.empty()) j.attribute("archive_error", archive_error);
    j.objectEnd();
    os << "\n";
    return 0;
  }

  std::cout << "installed (/usr/src):\n";
  bool any = false;
  for (const auto &s : kSeries) {
    std::string v = installed_version(s);
    if (v.empty()) continue;
    any = true;
    std::cout << "  --debian " << s << "  linux-source-" << s << " " << v << "\n";
  }
  if (!any) std::cout << "  none\n";
  std::cout << "\ncached (" << (cache / "trees").string() << "):\n";
  if (cached.empty()) std::cout << "  none\n";
  for (const auto &t : cached) {
    std::cout << "  --debian " << t.spec << "  " << t.version << "  " << t.source << "\n";
    if (!t.error.empty()) {
      std::cout << "      error: " << t.error << "\n";
      continue;
    }
    for (const auto &[f, lacks] : t.families)
      std::cout << "      " << f << ": " << (lacks.empty() ? "supported" : "unsupported, " + lacks) << "\n";
  }
  std::cout << "\nin Debian's archive (--debian SERIES=VERSION):\n";
  if (!archive_error.empty()) std::cout << "  unavailable: " << archive_error << "\n";
  for (const auto &[s, list] : available) {
    std::cout << "  " << s << ":";
    if (list.empty()) std::cout << " none";
    for (const auto &p : list) std::cout << " " << p.debian_version << (p.suite.empty() ? "" : " (" + p.suite + ")");
    std::cout << "\n";
  }
  return 0;
}

}  // namespace smmu::cli
