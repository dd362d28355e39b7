#include "kernel_runner.h"

#include "child_run.h"
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

namespace {

// The scenario drivers a loaded slice or case exports (kshim_slice_scenario_*).
std::vector<RunnableCase> scenarios_of(const LoadedSlice &so, const std::string &suite) {
  auto count = so.function<int()>("kshim_slice_scenario_count");
  auto name = so.function<const char *(int)>("kshim_slice_scenario_name");
  auto help = so.function<const char *(int)>("kshim_slice_scenario_help");
  std::vector<RunnableCase> out;
  if (!count) return out;
  for (int i = 0, n = count(); i < n; ++i) out.push_back({suite, name(i), help(i), false, i});
  return out;
}

// Runs one entry point under the recorder, then frees what the code allocated.
RunResult run_entry(const LoadedSlice &so, const RunnableCase &c, const LiveFaults &faults = {}) {
  RunResult r;
  r.suite = c.suite;
  r.name = c.name;
  int status;
  {
    RecordingScope scope(r.trace, faults);
    auto fn = so.function<int(int)>(c.kunit ? "kshim_slice_kunit_run" : "kshim_slice_scenario_run");
    status = fn(c.index);
    r.seeded = scope.seeded();
  }
  release_kernel_allocations();
  set_run_status(r, status);
  return r;
}

// How a message about a run names it: "KUnit case X" or "scenario X".
std::string what(const RunnableCase &c) { return (c.kunit ? "KUnit case " : "scenario ") + c.name; }

// A run whose process died: no trace came back, only why.
RunResult died_run(const std::string &suite, const std::string &name, const std::string &why) {
  RunResult r;
  r.suite = suite;
  r.name = name;
  r.status = RunStatus::Bug;
  r.trace.complete = false;
  r.died = why;
  return r;
}

}  // namespace

void set_run_status(RunResult &r, int kshim_status) {
  switch (kshim_status) {
    case KSHIM_RUN_PASS: r.status = RunStatus::Pass; break;
    case KSHIM_RUN_FAIL: r.status = RunStatus::Fail; break;
    case KSHIM_RUN_SKIP: r.status = RunStatus::Skip; break;
    case KSHIM_RUN_FAIL_STOPPED: r.status = RunStatus::Fail; break;
    default: r.status = RunStatus::Bug; break;
  }
  r.trace.complete = kshim_status == KSHIM_RUN_PASS || kshim_status == KSHIM_RUN_FAIL;
}

KernelRunner::KernelRunner(const KernelTree &tree, const BuildOptions &options)
    : tree_(tree), build_(build_slice(tree, options)), timeout_(kDefaultCaseTimeout) {
  try {
    slice_ = std::make_unique<LoadedSlice>(build_.shared_object);
  } catch (const UserError &e) {
    if (!build_.cached) throw;
    // A cached slice that passed its quick check but does not load: rebuild it once.
    if (options.progress) options.progress(std::string("note: ") + e.what() + "; building the slice again");
    BuildOptions again = options;
    again.force = true;
    build_ = build_slice(tree, again);
    slice_ = std::make_unique<LoadedSlice>(build_.shared_object);
  }
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

std::vector<RunnableCase> KernelRunner::scenarios() const { return scenarios_of(*slice_, "scenario"); }

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

RunResult KernelRunner::run(const RunnableCase &c, const LiveFaults &faults) const {
  return std::move(run_guarded({{c.suite, c.name, what(c), [this, c, faults] { return run_entry(*slice_, c, faults); }}})
                       .at(0));
}

std::vector<RunResult> KernelRunner::run_all(const std::vector<RunnableCase> &cases) const {
  std::vector<GuardedRun> runs;
  for (const auto &c : cases) runs.push_back({c.suite, c.name, what(c), [this, c] { return run_entry(*slice_, c); }});
  return run_guarded(runs);
}

std::vector<RunResult> KernelRunner::run_guarded(const std::vector<GuardedRun> &runs) const {
  std::vector<RunResult> out;
  // A coverage slice counts executed lines in its own memory, which a child
  // would take with it: it runs here, and a crash in it ends the tool.
  if (build_.coverage) {
    for (const auto &r : runs) out.push_back(r.body());
    return out;
  }
  while (out.size() < runs.size()) {
    std::vector<ChildRun> rest;
    for (size_t i = out.size(); i < runs.size(); ++i) rest.push_back({runs[i].body, "", runs[i].what});
    ChildOutcome child = run_children(rest, timeout_);
    for (auto &r : child.results) out.push_back(std::move(r));
    if (!child.died.empty()) {
      const GuardedRun &r = runs[out.size()];
      out.push_back(died_run(r.suite, r.name, child.died));
    }
  }
  return out;
}

CaseRunner::CaseRunner(const std::filesystem::path &source, const BuildOptions &options)
    : source_(source), build_(build_case(source, options)) {
  so_ = std::make_unique<LoadedSlice>(build_.shared_object);
  if (cases().empty())
    throw UserError(source.string() + ": defines no entry point (KSHIM_CASE(name, help) { ... } "
                    "from kshim_case.h)");
}

std::vector<RunnableCase> CaseRunner::cases() const { return scenarios_of(*so_, source_.string()); }

RunResult CaseRunner::run(const RunnableCase &c) const { return run_entry(*so_, c); }

ChildRun CaseRunner::isolated(const RunnableCase &c) const {
  // source_ is what __FILE__ is in the case's events.
  return {[this, c] { return run_entry(*so_, c); }, source_.string(), "case " + c.name};
}

RunResult CaseRunner::run_isolated(const RunnableCase &c, int timeout_seconds) const {
  return run_in_child({isolated(c)}, timeout_seconds).at(0);
}

}  // namespace smmu::harness
