// smmu-check kunit: the tree's own KUnit suites run in user space, reported in
// KTAP like kunit_tool, with the expectations of the unmodified test file.
#include <iostream>
#include <map>
#include <optional>

#include <cstdlib>

#include "check_run.h"
#include "fault_injection.h"
#include "commands.h"
#include "kernel_semantics.h"
#include "model_registry.h"
#include "options.h"

namespace smmu::cli {

using checks::check_runs;
using checks::kEngineHelp;
using checks::kernel_semantics;
using checks::parse_engine;
using checks::print_check_json;
using checks::print_check_report;

namespace {
const char *kHelp =
    "usage: smmu-check kunit (--debian SERIES | --src DIR) [--filter SUBSTR] [--verbose]\n\n"
    "Runs the tree's drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-test.c, unmodified,\n"
    "against the tree's real STE/CD writer, through smmu-check's KUnit shim. Each\n"
    "case checks the number of syncs, the hitless flag and that every intermediate\n"
    "entry is equivalent to the initial or the target one, exactly as in-kernel.\n"
    "\n"
    "With --model, each case's recorded update is then checked: can an SMMU\n"
    "fetching concurrently see an entry that means neither the configuration\n"
    "before nor after a sync (torn, misordered, stale)? One row per case and\n"
    "model: verdict, violation kind, syncs, hitless or breaking, observations\n"
    "explored, distinct meanings, time; then each violation with its witness.\n"
    "A case whose own KUnit expectations fail is checked all the same: its rows\n"
    "keep the verdict and report the kernel's failure beside it (column kernel);\n"
    "a case that stopped part way (BUG_ON, a failed assertion) is judged on what\n"
    "it ran: a violation there stands, anything else is unknown.\n"
    "Exit status 0 when every case (and every check) passes, 1 when one does\n"
    "not, 2 on bad input.\n\n";

using Injection = std::optional<std::pair<harness::Fault, int>>;

Injection injection(const Args &a) {
  if (!a.has("inject")) return std::nullopt;
  return harness::parse_fault(a.get("inject"), {harness::Fault::DropSync, harness::Fault::MergeSteps,
                                                harness::Fault::SwapSteps, harness::Fault::TearStore});
}

// One case's run, with the seeded bug if any: a missing sync is seeded into
// the running writer, so the case's own expectations see it too.
harness::RunResult run_case(const harness::KernelRunner &runner, const harness::RunnableCase &c,
                            const Injection &fault) {
  if (!fault) return runner.run(c);
  harness::RunResult r;
  if (!harness::run_with_fault(runner, c, fault->first, fault->second, r))
    std::cerr << "smmu-check kunit: note: " << c.name << " has no " << harness::to_string(fault->first) << " "
              << fault->second << " to inject; checked as recorded\n";
  return r;
}

// Every case's run: without a seeded bug, all in one child process.
std::vector<harness::RunResult> run_cases(const harness::KernelRunner &runner,
                                          const std::vector<harness::RunnableCase> &cases, const Injection &fault) {
  if (!fault) return runner.run_all(cases);
  std::vector<harness::RunResult> runs;
  for (const auto &c : cases) runs.push_back(run_case(runner, c, fault));
  return runs;
}

int check_cases(const harness::KernelRunner &runner, const std::vector<harness::RunnableCase> &cases,
                const Args &a) {
  std::vector<models::Model> models = resolve_model_list(a.get("model"));
  checker::EngineChoice engine = parse_engine(a.get("engine", "auto"));
  checker::EntrySemantics sem = kernel_semantics(runner, checker::needs_ir(engine));
  checker::CheckOptions options;
  options.clean_at_sync = a.has("clean-at-sync");
  Injection fault = injection(a);
  std::vector<harness::RunResult> runs = run_cases(runner, cases, fault);
  auto rows = check_runs(runs, models, sem, engine, options);
  std::string format = a.get("format", "text");
  int bad;
  if (format == "json") {
    bad = print_check_json(std::cout, rows);
  } else if (format == "text") {
    bad = print_check_report(std::cout, rows, !a.has("no-witness"));
    std::cout << "check: " << rows.size() - bad << " passed, " << bad << " failed\n";
  } else {
    throw harness::UserError("--format expects text or json, got '" + format + "'");
  }
  return bad ? 1 : 0;
}
}

int cmd_kunit(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"filter", "model", "engine", "inject", "format", "timeout"}, {"verbose", "clean-at-sync", "no-witness"}), "kunit");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "  --filter SUBSTR   run only cases whose name contains SUBSTR\n"
                 "  --model LIST      check each case under comma-separated models: presets\n"
                 "                    (coherent, nc, cacheable-line, cacheable-64,\n"
                 "                    cacheable-byte), all, files, with +modifiers\n"
                 "                    (coherent+plain-tear32); see 'smmu-check models'\n"
                 << kEngineHelp
                 << "  --clean-at-sync   cacheable models: assume each sync cleans the entry to\n"
                 "                    PoC first (what a driver with cacheable descriptors adds)\n"
                 "  --no-witness      print the table and reasons only\n"
                 "  --format F        text (default) or json (every field, witnesses and traces)\n"
                 "  --inject F:K      seed a bug: drop-sync:K (the writer never makes its K-th\n"
                 "                    sync), merge-steps:K (steps K and K+1 without a sync),\n"
                 "                    both seeded into the running writer, so the case's own\n"
                 "                    expectations see them; or, with --model, swap-steps:K or\n"
                 "                    tear-store:K (the K-th WRITE_ONCE becomes a plain store),\n"
                 "                    edits of the recorded run. A case whose own expectations\n"
                 "                    fail is still checked: both facts are reported\n"
                 "  --verbose         print the kernel's pr_debug output and the trace of failing cases\n"
                 << timeout_help("case") <<
                 "\nexamples:\n  smmu-check kunit --debian 6.12\n"
                 "  smmu-check kunit --debian 6.12 --model all --engine both\n";
    return 0;
  }
  const int timeout = parse_timeout(a);
  auto runner = open_kernel(a);
  runner->set_timeout(timeout);
  CoverageAtEnd coverage(a, *runner);  // --coverage
  auto cases = runner->kunit_cases();
  if (cases.empty()) {
    std::cerr << "smmu-check kunit: " << runner->tree().origin
              << " has no KUnit cases for the SMMUv3 writer (arm-smmu-v3-test.c is absent)\n";
    return 2;
  }
  std::string filter = a.get("filter");
  std::vector<harness::RunnableCase> selected;
  std::vector<std::string> names;
  for (auto &c : cases) {
    names.push_back(c.name);
    if (filter.empty() || c.name.find(filter) != std::string::npos) selected.push_back(c);
  }
  // A filter that selects nothing would pass having checked nothing.
  if (selected.empty())
    throw harness::UserError("--filter '" + filter + "' selects none of the " + std::to_string(cases.size()) +
                             " KUnit cases of " + runner->tree().origin + "; " +
                             did_you_mean(closest_names(filter, names)) + "'smmu-check list' lists them all");
  Injection fault = injection(a);
  if (fault && !a.has("model") && !harness::seeds_live(fault->first))
    throw harness::UserError(std::string("--inject ") + harness::to_string(fault->first) +
                             " edits the recorded run for the checker, which the KUnit cases never see: "
                             "add --model, or seed drop-sync:K or merge-steps:K");
  if (fault) {  // a K no selected case has is bad input, not a run checked as recorded
    std::vector<harness::RunResult> recorded = runner->run_all(selected);
    std::vector<const harness::RunResult *> runs;
    for (const auto &r : recorded) runs.push_back(&r);
    require_fault_site(a.get("inject"), fault->first, fault->second, runs);
  }
  if (a.has("model")) return check_cases(*runner, selected, a);
  std::vector<std::string> suites;
  std::map<std::string, std::vector<harness::RunnableCase>> by_suite;
  for (auto &c : selected) {
    if (!by_suite.count(c.suite)) suites.push_back(c.suite);
    by_suite[c.suite].push_back(c);
  }
  std::vector<harness::RunResult> runs = run_cases(*runner, selected, fault);
  std::map<std::string, const harness::RunResult *> run_of;
  for (const auto &r : runs) run_of[r.suite + "/" + r.name] = &r;
  int pass = 0, fail = 0, skip = 0;
  std::cout << "KTAP version 1\n1.." << suites.size() << "\n";
  int suite_no = 0;
  for (const auto &s : suites) {
    int sp = 0, sf = 0, ss = 0, n = 0;
    std::cout << "    KTAP version 1\n    # Subtest: " << s << "\n    1.." << by_suite[s].size() << "\n";
    for (const auto &c : by_suite[s]) {
      const harness::RunResult &r = *run_of.at(c.suite + "/" + c.name);
      ++n;
      if (!r.died.empty()) std::cout << "    # " << c.name << ": " << r.died << "\n";
      for (const auto &f : r.trace.kunit_failures) std::cout << "    # " << c.name << ": EXPECTATION FAILED at " << f << "\n";
      for (const auto &e : r.trace.events)
        if (e.kind == harness::EventKind::Bug)
          std::cout << "    # " << c.name << ": kernel BUG at " << e.loc.file << ":" << e.loc.line << ": " << e.text << "\n";
      if (a.has("verbose"))
        for (const auto &l : r.trace.log) std::cout << "    # " << l;
      switch (r.status) {
        case harness::RunStatus::Pass: ++sp; std::cout << "    ok " << n << " " << c.name << "\n"; break;
        case harness::RunStatus::Skip: ++ss; std::cout << "    ok " << n << " " << c.name << " # SKIP\n"; break;
        default: ++sf; std::cout << "    not ok " << n << " " << c.name << "\n"; break;
      }
    }
    std::cout << "# " << s << ": pass:" << sp << " fail:" << sf << " skip:" << ss << " total:" << n << "\n";
    std::cout << (sf ? "not ok " : "ok ") << ++suite_no << " " << s << "\n";
    pass += sp;
    fail += sf;
    skip += ss;
  }
  std::cout << "# Totals: pass:" << pass << " fail:" << fail << " skip:" << skip
            << " total:" << (pass + fail + skip) << "\n";
  std::cout << "kunit: " << pass << " passed, " << fail << " failed" << (skip ? ", " + std::to_string(skip) + " skipped" : "") << "\n";
  return fail ? 1 : 0;
}

}  // namespace smmu::cli
