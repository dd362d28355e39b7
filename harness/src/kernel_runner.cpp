#include "kernel_runner.h"

#include "kshim_hooks.h"
#include "recorder.h"

namespace smmu::harness {

const char *to_string(RunStatus s) {
  switch (s) {
    case RunStatus::Pass: return "pass";
    case RunStatus::Fail: return "fail";
    case RunStatus::Skip: return "skip";
    case RunStatus::Bug: return "bug";
  }
  return "?";
}

KernelRunner::KernelRunner(const KernelTree &tree, const BuildOptions &options)
    : tree_(tree), build_(build_slice(tree, options)) {
  slice_ = std::make_unique<LoadedSlice>(build_.shared_object);
}

std::vector<RunnableCase> KernelRunner::kunit_cases() const {
  auto count = slice_->function<int()>("kshim_slice_kunit_count");
  auto suite = slice_->function<const char *(int)>("kshim_slice_kunit_suite");
  auto name = slice_->function<const char *(int)>("kshim_slice_kunit_case");
  std::vector<RunnableCase> out;
  if (!count) return out;
  for (int i = 0, n = count(); i < n; ++i) out.push_back({suite(i), name(i), "", true, i});
  return out;
}

std::vector<RunnableCase> KernelRunner::scenarios() const {
  auto count = slice_->function<int()>("kshim_slice_scenario_count");
  auto name = slice_->function<const char *(int)>("kshim_slice_scenario_name");
  auto help = slice_->function<const char *(int)>("kshim_slice_scenario_help");
  std::vector<RunnableCase> out;
  if (!count) return out;
  for (int i = 0, n = count(); i < n; ++i) out.push_back({"scenario", name(i), help(i), false, i});
  return out;
}

RunnableCase KernelRunner::find(const std::string &wanted) const {
  std::string names;
  for (const auto &list : {kunit_cases(), scenarios()})
    for (const auto &c : list) {
      if (c.name == wanted) return c;
      names += "\n  " + c.name;
    }
  throw UserError("no KUnit case or scenario named '" + wanted + "' in " + tree_.origin +
                  "; available:" + names);
}

RunResult KernelRunner::run(const RunnableCase &c) const {
  RunResult r;
  r.suite = c.suite;
  r.name = c.name;
  int status;
  {
    RecordingScope scope(r.trace);
    auto fn = slice_->function<int(int)>(c.kunit ? "kshim_slice_kunit_run" : "kshim_slice_scenario_run");
    status = fn(c.index);
  }
  release_kernel_allocations();
  r.status = static_cast<RunStatus>(status);
  return r;
}

}  // namespace smmu::harness
