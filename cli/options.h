// Command-line parsing shared by every subcommand: the kernel source options
// and a small flag parser that reports unknown or malformed options clearly.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "coverage.h"
#include "fault_injection.h"
#include "heartbeat.h"
#include "kernel_runner.h"
#include "model.h"

namespace smmu::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // --name value (the last one given)
  std::map<std::string, std::vector<std::string>> repeated;  // every value of --name, in order
  std::map<std::string, bool> flags;          // --name
  bool has(const std::string &k) const { return values.count(k) || flags.count(k); }
  std::string get(const std::string &k, const std::string &def = "") const {
    auto it = values.find(k);
    return it == values.end() ? def : it->second;
  }
  std::vector<std::string> all(const std::string &k) const {  // a repeatable --name value
    auto it = repeated.find(k);
    return it == repeated.end() ? std::vector<std::string>{} : it->second;
  }
};

struct OptionSpec {
  std::vector<std::string> with_value;  // e.g. "debian", "src", "cache"
  std::vector<std::string> flags;       // e.g. "verbose", "rebuild"
};

// Throws harness::UserError on an unknown option or a missing value.
Args parse(const std::vector<std::string> &argv, const OptionSpec &spec, const std::string &cmd);

// The options every subcommand that runs kernel code accepts.
OptionSpec kernel_options(std::vector<std::string> more_values = {}, std::vector<std::string> more_flags = {});
extern const char *kKernelOptionsHelp;

// A comma-separated list of model specs ("coherent,nc+plain-tear32,all"),
// each resolved, every model once, in order.
std::vector<models::Model> resolve_model_list(const std::string &specs);

// --jobs N: 1 to the machine's hardware threads, 0 for one per thread;
// anything else is bad input, so a typo cannot fork hundreds of workers.
int parse_jobs(const std::string &value);

// --timeout SECONDS for code run in a child process (a proposed C case, a
// KUnit case, a scenario, a generated sequence): 1 to 86400, default
// harness::kDefaultCaseTimeout; anything else is bad input, and so is
// --timeout with --coverage (or --steer), whose runs stay in this process.
int parse_timeout(const Args &a);
// The --help lines of --timeout for the tree's own runs (`runs`: what they
// are, e.g. "KUnit case or scenario"), with the default and the options
// (`in_process`) that build with coverage.
std::string timeout_help(const std::string &runs, const std::string &in_process = "--coverage");

// The cache directory (--cache, else the default): created if missing, and
// bad input naming the path when it is a file or cannot be written.
std::filesystem::path cache_dir(const Args &a);

// Opens --NAME FILE for writing before any work starts, so an unwritable
// path is bad input at once, not after the run; null without --NAME.
std::unique_ptr<std::ofstream> open_output(const Args &a, const std::string &name = "output");

// A heartbeat for one long check, "smmu-check: WHAT: ..." on stderr once it
// has run a second (none with --quiet).
checker::Heartbeat heartbeat(const Args &a, const std::string &what);

// The KUnit case or scenario `wanted` of the runner's tree; bad input with
// the closest names ("did you mean") and how to list them all otherwise.
harness::RunnableCase find_case(const harness::KernelRunner &runner, const std::string &wanted);
// Up to `max` of `names` closest to `wanted` (edit distance, or containing it).
std::vector<std::string> closest_names(const std::string &wanted, const std::vector<std::string> &names,
                                       size_t max = 3);
// "did you mean 'a' or 'b'? " (empty when there is no close name).
std::string did_you_mean(const std::vector<std::string> &close);

// --inject F:K against the runs it will be applied to, before it is applied:
// bad input when none of them has a K-th site for the fault, naming how many
// there are, rather than a run checked as recorded.
void require_fault_site(const std::string &spec, harness::Fault fault, int k,
                        const std::vector<const harness::RunResult *> &runs);

// How a proposed C case (--case FILE.c) is built: the cache, --rebuild, and
// progress on stderr unless --quiet.
harness::BuildOptions case_build_options(const Args &a);

// Builds (or reuses) and loads the slice for --debian/--src; progress on stderr.
std::unique_ptr<harness::KernelRunner> open_kernel(const Args &a);
// The same in two steps, for commands that go on when the slice cannot be built.
// With --patch FILE (where a command accepts it), the tree is a patched copy.
harness::KernelTree open_tree(const Args &a);
std::unique_ptr<harness::KernelRunner> open_runner(const Args &a, const harness::KernelTree &tree);

// --coverage on a command that runs kernel code: declared after the runner,
// it prints the coverage of the families' roots and the key functions on
// stderr when the command ends (stdout keeps the command's own output).
class CoverageAtEnd {
 public:
  CoverageAtEnd(const Args &a, const harness::KernelRunner &runner);
  ~CoverageAtEnd();
  CoverageAtEnd(const CoverageAtEnd &) = delete;
  CoverageAtEnd &operator=(const CoverageAtEnd &) = delete;
  // The counters it reads at the end (null without --coverage), for a
  // command that also reads them while it runs.
  harness::SliceCoverage *counters() const { return coverage_.get(); }

 private:
  const harness::KernelRunner &runner_;
  std::unique_ptr<harness::SliceCoverage> coverage_;
};

}  // namespace smmu::cli
