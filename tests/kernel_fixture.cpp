#include "kernel_fixture.h"

#include <cstdlib>
#include <map>
#include <memory>

#include "subprocess.h"

namespace smmu::testing {

const harness::KernelRunner &kernel(const std::string &series) {
  static std::map<std::string, std::unique_ptr<harness::KernelRunner>> runners;
  auto &r = runners[series];
  if (!r) {
    harness::BuildOptions o;
    r = std::make_unique<harness::KernelRunner>(
        harness::debian_tree(series, harness::default_cache_dir()), o);
  }
  return *r;
}

harness::RunResult run_case(const std::string &series, const std::string &name) {
  const auto &k = kernel(series);
  return k.run(k.find(name));
}

std::filesystem::path optional_tree(const std::string &series) {
  std::string var = "SMMU_CHECK_TREE_" + series;
  for (char &c : var)
    if (c == '.') c = '_';
  if (const char *t = std::getenv(var.c_str()); t && *t) return t;
  std::filesystem::path cached = harness::default_cache_dir() / "trees" / ("debian-" + series) /
                                 ("linux-source-" + series);
  std::error_code ec;
  return std::filesystem::is_regular_file(cached / "Makefile", ec) ? cached : std::filesystem::path();
}

const harness::KernelRunner &kernel_at(const std::filesystem::path &root) {
  static std::map<std::string, std::unique_ptr<harness::KernelRunner>> runners;
  auto &r = runners[root.string()];
  if (!r) r = std::make_unique<harness::KernelRunner>(harness::source_tree(root), harness::BuildOptions{});
  return *r;
}

harness::RunResult run_case_at(const std::filesystem::path &root, const std::string &name) {
  const auto &k = kernel_at(root);
  return k.run(k.find(name));
}

CliResult run_cli(const std::vector<std::string> &args) {
  std::vector<std::string> argv = {SMMU_CHECK_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  harness::ProcessResult p = harness::run_process(argv);
  return {p.status, p.output};
}

size_t count(const harness::Trace &t, harness::EventKind kind) { return t.count(kind); }

}  // namespace smmu::testing
