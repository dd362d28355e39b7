#include "options.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>
#include <tuple>

#include <unistd.h>

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>

#include "case_names.h"
#include "child_run.h"
#include "commands.h"
#include "coverage_summary.h"
#include "model_registry.h"
#include "patched_tree.h"

namespace smmu::cli {

using report::coverage_summary;
using report::write_coverage_text;

using harness::UserError;

const char *kKernelOptionsHelp =
    "Kernel source (one of):\n"
    "  --debian SERIES   Debian's linux-source-SERIES package: 6.1, 6.12, 7.2, 7.3.\n"
    "                    The installed package when there is one (scripts/setup\n"
    "                    installs 6.12 and 6.1), else fetched once from Debian's\n"
    "                    archive with a private apt configuration in the cache\n"
    "                    (7.3 from trixie-backports, 7.2 from sid); extracted once\n"
    "  --debian SERIES=VERSION\n"
    "                    a point release the archive still has, e.g. 6.12=6.12.115\n"
    "                    ('smmu-check trees' lists them)\n"
    "  --src DIR         any kernel tree: a mainline checkout, a patched tree\n"
    "Build:\n"
    "  --cache DIR       where trees and slices are cached\n"
    "                    (default $SMMU_CHECK_CACHE, $XDG_CACHE_HOME/smmu-check)\n"
    "  --rebuild         slice and compile again even if a cached build matches\n"
    "  --coverage        build the slice with Clang source-based coverage (cached\n"
    "                    apart from the normal one) and report the kernel lines the\n"
    "                    command executed: per family, its root functions; per key\n"
    "                    function (io-pgtable-arm map/unmap, range invalidation, the\n"
    "                    STE/CD writer, ATC invalidation), the lines never executed\n"
    "  --quiet           no progress on stderr\n";

Args parse(const std::vector<std::string> &argv, const OptionSpec &spec, const std::string &cmd) {
  Args a;
  auto in = [](const std::vector<std::string> &v, const std::string &k) {
    return std::find(v.begin(), v.end(), k) != v.end();
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string &s = argv[i];
    if (s.rfind("--", 0) != 0 || s == "--") {
      a.positional.push_back(s);
      continue;
    }
    std::string name = s.substr(2), value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    if (in(spec.with_value, name)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) throw UserError(cmd + ": --" + name + " expects a value");
        value = argv[++i];
      }
      a.values[name] = value;
      a.repeated[name].push_back(value);
    } else if (in(spec.flags, name) && !inline_value) {
      a.flags[name] = true;
    } else {
      throw UserError(cmd + ": unknown option --" + name + " (see smmu-check " + cmd + " --help)");
    }
  }
  return a;
}

OptionSpec kernel_options(std::vector<std::string> more_values, std::vector<std::string> more_flags) {
  OptionSpec s;
  s.with_value = {"debian", "src", "cache"};
  s.flags = {"rebuild", "quiet", "help", "coverage"};
  s.with_value.insert(s.with_value.end(), more_values.begin(), more_values.end());
  s.flags.insert(s.flags.end(), more_flags.begin(), more_flags.end());
  return s;
}

namespace {

harness::BuildOptions build_options(const Args &a) {
  harness::BuildOptions o;
  o.cache = cache_dir(a);
  o.force = a.has("rebuild");
  o.coverage = a.has("coverage") || a.has("steer");  // explore --steer reads the counters
  if (!a.has("quiet")) o.progress = [](const std::string &s) { std::cerr << "smmu-check: " << s << "\n"; };
  return o;
}

}  // namespace

harness::BuildOptions case_build_options(const Args &a) {
  harness::BuildOptions o = build_options(a);
  o.coverage = false;  // --coverage counts the tree's functions, not a case's
  return o;
}

harness::KernelTree open_tree(const Args &a) {
  if (a.has("debian") == a.has("src"))
    throw UserError("name the kernel source with exactly one of --debian SERIES or --src DIR");
  harness::BuildOptions o = build_options(a);
  std::filesystem::path cache = o.cache;
  if (!a.has("quiet") && a.has("debian")) std::cerr << "smmu-check: kernel tree debian " << a.get("debian") << "\n";
  harness::KernelTree tree = a.has("debian") ? harness::debian_tree(a.get("debian"), cache, o.progress)
                                             : harness::source_tree(a.get("src"));
  // --patch (commands that accept it): a patched copy of the tree, in the cache.
  if (a.has("patch")) return harness::patched_tree(tree, a.get("patch"), cache, o.progress);
  return tree;
}

std::unique_ptr<harness::KernelRunner> open_runner(const Args &a, const harness::KernelTree &tree) {
  auto runner = std::make_unique<harness::KernelRunner>(tree, build_options(a));
  if (!a.has("quiet"))
    std::cerr << "smmu-check: " << tree.origin << " (" << tree.version << "), slice "
              << runner->build().key << (runner->build().cached ? " (cached)" : "") << "\n";
  return runner;
}

std::unique_ptr<harness::KernelRunner> open_kernel(const Args &a) { return open_runner(a, open_tree(a)); }

CoverageAtEnd::CoverageAtEnd(const Args &a, const harness::KernelRunner &runner) : runner_(runner) {
  if (a.has("coverage")) coverage_ = std::make_unique<harness::SliceCoverage>(runner);
}

CoverageAtEnd::~CoverageAtEnd() {
  if (!coverage_) return;
  try {
    std::cout.flush();
    write_coverage_text(std::cerr, coverage_summary(*coverage_, runner_.build().profile));
  } catch (const std::exception &e) {
    std::cerr << "smmu-check: coverage could not be read: " << e.what() << "\n";
  }
}

int parse_jobs(const std::string &value) {
  // Threads, not cores: what the OS can run at once is what bounds the workers.
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::string expected = "--jobs expects a number of worker processes from 1 to " + std::to_string(threads) +
                               " (this machine's hardware threads), or 0 for one per thread; got '" + value + "'";
  unsigned long long n = 0;
  if (llvm::StringRef(value).getAsInteger(10, n) || n > static_cast<unsigned>(threads)) throw UserError(expected);
  return n == 0 ? threads : static_cast<int>(n);
}

int parse_timeout(const Args &a) {
  if (!a.has("timeout")) return harness::kDefaultCaseTimeout;
  const std::string value = a.get("timeout");
  unsigned long long n = 0;
  if (llvm::StringRef(value).getAsInteger(10, n) || n < 1 || n > 86400)
    throw UserError("--timeout expects a number of seconds from 1 to 86400; got '" + value + "'");
  // A coverage build's counters live in this process: its runs are not in a child, and no limit could hold.
  for (const char *in_process : {"coverage", "steer"})
    if (a.has(in_process))
      throw UserError(std::string("--timeout does not apply with --") + in_process +
                      ": a coverage build runs the kernel code in this process, where its counters are");
  return static_cast<int>(n);
}

std::string timeout_help(const std::string &runs, const std::string &in_process) {
  return "  --timeout SECONDS the time each " + runs + " may run (default " +
         std::to_string(harness::kDefaultCaseTimeout) +
         "):\n"
         "                    each runs in a child process, and one that crashes or\n"
         "                    runs out of time is a failed kernel run at the file:line\n"
         "                    of its last event; every verdict resting on it is unknown.\n"
         "                    Not with " + in_process + ": a coverage build runs the\n"
         "                    code in this process, where its counters are\n";
}

std::filesystem::path cache_dir(const Args &a) {
  namespace fs = std::filesystem;
  const bool given = a.has("cache");
  const fs::path dir = given ? fs::path(a.get("cache")) : harness::default_cache_dir();
  // Named as the user gave it: --cache, or the environment that chose the default.
  const std::string what = given ? "--cache " + dir.string() : "the cache " + dir.string() +
                                                                    " ($SMMU_CHECK_CACHE or $XDG_CACHE_HOME)";
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw UserError(what + ": not a directory (expected a directory for trees and slices)");
  fs::create_directories(dir, ec);
  if (ec) throw UserError(what + ": cannot create the directory: " + ec.message());
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    throw UserError(what + ": not writable (expected a directory for trees and slices)");
  // Absolute: the slice's compiler runs elsewhere and includes files by these paths.
  return fs::absolute(dir);
}

std::unique_ptr<std::ofstream> open_output(const Args &a, const std::string &name) {
  if (!a.has(name)) return nullptr;
  const std::string path = a.get(name);
  if (std::filesystem::is_directory(path))
    throw UserError("--" + name + " " + path + ": is a directory (expected a file to write)");
  auto f = std::make_unique<std::ofstream>(path);
  if (!*f) throw UserError("--" + name + " " + path + ": cannot write (expected a file in a writable directory)");
  return f;
}

namespace {

// Names differ by whole words too ("write_ste_abort" for
// "write_ste_test_abort"): each '_' word of `wanted` within one edit of a word
// of `name` counts; the distance is 1 + the words not matched exactly, or
// unlimited when a word has no match.
unsigned word_distance(llvm::StringRef wanted, llvm::StringRef name) {
  llvm::SmallVector<llvm::StringRef, 8> want, have;
  wanted.split(want, '_', -1, false);
  name.split(have, '_', -1, false);
  unsigned inexact = 0;
  for (llvm::StringRef w : want) {
    unsigned best = 2;
    for (llvm::StringRef h : have) best = std::min(best, w.edit_distance(h, true, 2));
    if (best > 1) return ~0u;
    inexact += best;
  }
  return want.empty() ? ~0u : 1 + inexact;
}

}  // namespace

std::vector<std::string> closest_names(const std::string &wanted, const std::vector<std::string> &names,
                                       size_t max) {
  // What the table prints ("kunit/write_ste_...") and --filter name a case by
  // a part of its full name: a part of a name within the distance counts too.
  llvm::StringRef w(wanted);
  if (auto slash = w.rfind('/'); slash != llvm::StringRef::npos) w = w.substr(slash + 1);
  if (w.empty()) return {};
  const unsigned limit = std::max<unsigned>(2, w.size() / 5);
  std::vector<std::tuple<unsigned, unsigned, std::string>> scored;
  for (const auto &n : names) {
    llvm::StringRef name(n);
    unsigned d = name.contains(w) ? 0 : name.edit_distance(w, true, limit + 1);
    for (size_t len : {w.size() - 1, w.size(), w.size() + 1})
      for (size_t at = 0; d > 0 && len && at + len <= name.size(); ++at)
        d = std::min(d, name.substr(at, len).edit_distance(w, true, limit + 1));
    d = std::min(d, word_distance(w, name));
    // Ties go to the name closest as a whole, so word order counts.
    if (d <= limit) scored.push_back({d, name.edit_distance(w), n});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto &x, const auto &y) {
    return std::tie(std::get<0>(x), std::get<1>(x)) < std::tie(std::get<0>(y), std::get<1>(y));
  });
  std::vector<std::string> out;
  for (const auto &s : scored)
    if (out.size() < max) out.push_back(std::get<2>(s));
  return out;
}

std::string did_you_mean(const std::vector<std::string> &close) {
  if (close.empty()) return "";
  std::string s = "did you mean ";
  for (size_t i = 0; i < close.size(); ++i)
    s += (i ? (i + 1 == close.size() ? " or '" : ", '") : "'") + close[i] + "'";
  return s + "? ";
}

checker::Heartbeat heartbeat(const Args &a, const std::string &what) {
  if (a.has("quiet")) return checker::Heartbeat();
  // SMMU_CHECK_PROGRESS_AFTER_MS: when the first line is due (tests set 0).
  std::chrono::milliseconds after = std::chrono::seconds(1);
  if (const char *ms = std::getenv("SMMU_CHECK_PROGRESS_AFTER_MS")) after = std::chrono::milliseconds(std::atol(ms));
  return checker::Heartbeat([what](const std::string &s) { std::cerr << "smmu-check: " << what << ": " << s << "\n"; },
                            after);
}

harness::RunnableCase find_case(const harness::KernelRunner &runner, const std::string &wanted) {
  std::vector<std::string> names;
  for (const auto &list : {runner.kunit_cases(), runner.scenarios()})
    for (const auto &c : list) {
      if (checks::names_case(wanted, c.name)) return c;
      names.push_back(c.name);
    }
  throw UserError("no KUnit case or scenario named '" + wanted + "' in " + runner.tree().origin + "; " +
                  did_you_mean(closest_names(wanted, names)) + "'smmu-check list' with the same tree lists all " +
                  std::to_string(names.size()));
}

namespace {

// How many K the fault has in `t`: K = 1, 2, ... until inject() finds none
// (inject counts the sites; the harness keeps that knowledge in one place).
int fault_sites(const harness::Trace &t, harness::Fault fault, int stop_at) {
  int n = 0;
  while (n < stop_at) {
    harness::Trace copy = t;
    if (!harness::inject(copy, fault, n + 1)) break;
    ++n;
  }
  return n;
}

}  // namespace

void require_fault_site(const std::string &spec, harness::Fault fault, int k,
                        const std::vector<const harness::RunResult *> &runs) {
  int most = 0;
  std::string where;
  for (const auto *r : runs) {
    int n = fault_sites(r->trace, fault, k);
    if (n >= k) return;
    if (n > most || where.empty()) most = n, where = r->name;
  }
  const std::string f = harness::to_string(fault);
  const std::string range = most ? "; K must be from 1 to " + std::to_string(most) : "";
  if (runs.size() == 1)
    throw UserError("--inject " + spec + ": " + where + " has " + std::to_string(most) + " place" +
                    (most == 1 ? "" : "s") + " to inject " + f + range);
  throw UserError("--inject " + spec + ": none of the " + std::to_string(runs.size()) + " selected runs has a " + f +
                  " " + std::to_string(k) + "; the most any has is " + std::to_string(most) +
                  (most ? " (" + where + ")" : "") + range);
}

std::vector<models::Model> resolve_model_list(const std::string &specs) {
  std::vector<models::Model> out;
  std::set<std::string> names;
  std::stringstream ss(specs);
  for (std::string spec; std::getline(ss, spec, ',');)
    for (auto &m : models::resolve_models(spec))
      if (names.insert(m.name).second) out.push_back(std::move(m));
  return out;
}

}  // namespace smmu::cli
