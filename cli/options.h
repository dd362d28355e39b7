// Command-line parsing shared by every subcommand: the kernel source options
// and a small flag parser that reports unknown or malformed options clearly.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "coverage.h"
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

// Builds (or reuses) and loads the slice for --debian/--src; progress on stderr.
std::unique_ptr<harness::KernelRunner> open_kernel(const Args &a);
// The same in two steps, for commands that go on when the slice cannot be built.
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

 private:
  const harness::KernelRunner &runner_;
  std::unique_ptr<harness::SliceCoverage> coverage_;
};

}  // namespace smmu::cli
