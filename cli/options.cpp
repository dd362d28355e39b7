#include "options.h"

#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

#include "coverage_summary.h"
#include "model_registry.h"

namespace smmu::cli {

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
  if (a.has("cache")) o.cache = a.get("cache");
  o.force = a.has("rebuild");
  o.coverage = a.has("coverage") || a.has("steer");  // explore --steer reads the counters
  if (!a.has("quiet")) o.progress = [](const std::string &s) { std::cerr << "smmu-check: " << s << "\n"; };
  return o;
}

}  // namespace

harness::KernelTree open_tree(const Args &a) {
  if (a.has("debian") == a.has("src"))
    throw UserError("name the kernel source with exactly one of --debian SERIES or --src DIR");
  harness::BuildOptions o = build_options(a);
  std::filesystem::path cache = o.cache.empty() ? harness::default_cache_dir() : o.cache;
  if (!a.has("quiet") && a.has("debian")) std::cerr << "smmu-check: kernel tree debian " << a.get("debian") << "\n";
  return a.has("debian") ? harness::debian_tree(a.get("debian"), cache, o.progress)
                         : harness::source_tree(a.get("src"));
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
