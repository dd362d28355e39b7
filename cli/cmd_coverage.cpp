// smmu-check coverage: which kernel lines the tree's KUnit cases and
// scenarios execute, without checking anything.
#include <llvm/Support/raw_os_ostream.h>

#include <iostream>

#include "commands.h"
#include "coverage_summary.h"
#include "options.h"

namespace smmu::cli {

using report::CoverageSummary;
using report::coverage_summary;
using report::write_coverage_json;
using report::write_coverage_text;

namespace {
const char *kHelp =
    "usage: smmu-check coverage (--debian SERIES | --src DIR) [--run CASE ...]\n"
    "                           [--function F ...] [--format text|json]\n\n"
    "Builds the slice with Clang source-based coverage (as --coverage does), runs\n"
    "every KUnit case and scenario of the tree once (or those --run names),\n"
    "checks nothing, and reports the kernel lines that ran: per slice family,\n"
    "the lines of its root functions executed / executable; per key function\n"
    "(or per --function), the kernel file:line ranges never executed. A function\n"
    "the tree does not define is listed as absent. 'kernel --coverage' reports\n"
    "the same for a whole checked run.\n"
    "The runs are made in this process, not in a child as other commands make\n"
    "them, because the counters are in its memory: there is no --timeout, and a\n"
    "run that crashes or hangs in the tree's code ends or hangs the command.\n\n"
    "Exit status 0, 2 for bad input (an unknown --run name).\n\n";
}

int cmd_coverage(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"run", "function", "format"}), "coverage");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "  --run CASE        run only this KUnit case or scenario (repeatable)\n"
                 "  --function F      report these functions instead of the key ones (repeatable)\n"
                 "  --format F        text (default) or json (every line and branch count)\n"
                 "\nexamples:\n"
                 "  smmu-check coverage --debian 6.12\n"
                 "  smmu-check coverage --debian 6.12 --run iopt_map_page_coherent --function __arm_lpae_map\n";
    return 0;
  }
  if (!a.positional.empty())
    throw harness::UserError("unexpected argument '" + a.positional[0] + "' (see smmu-check coverage --help)");
  std::string format = a.get("format", "text");
  if (format != "text" && format != "json")
    throw harness::UserError("--format expects text or json, got '" + format + "'");
  Args b = a;
  b.flags["coverage"] = true;
  auto runner = open_kernel(b);
  harness::SliceCoverage coverage(*runner);

  std::vector<harness::RunnableCase> cases;
  for (const auto &name : a.all("run")) cases.push_back(find_case(*runner, name));
  if (cases.empty())
    for (const auto &list : {runner->kunit_cases(), runner->scenarios()})
      cases.insert(cases.end(), list.begin(), list.end());
  std::vector<harness::RunResult> runs;
  checker::Heartbeat beat = heartbeat(a, "coverage");
  for (const auto &c : cases) {
    beat.step([&] { return std::to_string(runs.size()) + " of " + std::to_string(cases.size()) + " runs; now " + c.name; });
    harness::RunResult r = runner->run(c);
    r.trace = {};  // only the status is reported
    runs.push_back(std::move(r));
  }
  CoverageSummary s = coverage_summary(coverage, runner->build().profile, a.all("function"));

  size_t failed = 0;
  for (const auto &r : runs) failed += r.status != harness::RunStatus::Pass && r.status != harness::RunStatus::Skip;
  if (format == "json") {
    llvm::raw_os_ostream os(std::cout);
    report::json::OStream j(os);
    j.objectBegin();
    j.attribute("tool", "smmu-check coverage");
    j.attribute("tree", runner->tree().origin);
    j.attribute("version", runner->tree().version);
    j.attributeArray("runs", [&] {
      for (const auto &r : runs)
        j.object([&] {
          j.attribute("name", r.name);
          j.attribute("status", harness::to_string(r.status));
        });
    });
    j.attributeBegin("coverage");
    write_coverage_json(j, s);
    j.attributeEnd();
    j.objectEnd();
    os << "\n";
  } else {
    std::cout << "# " << runner->tree().origin << " (" << runner->tree().version << "): " << runs.size()
              << " KUnit cases and scenarios run" << (failed ? ", " + std::to_string(failed) + " did not pass" : "")
              << "\n";
    write_coverage_text(std::cout, s);
  }
  return 0;
}

}  // namespace smmu::cli
