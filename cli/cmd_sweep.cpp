// smmu-check sweep: STEs and CDs built by the tree's make functions over
// parameter grids, every ordered pair written by the production writer and
// checked under each model.
#include <iomanip>
#include <iostream>

#include "check_run.h"
#include "sweep_run.h"
#include "commands.h"
#include "model_registry.h"
#include "options.h"

namespace smmu::cli {

using checks::kEngineHelp;
using checks::parse_engine;

namespace {

const char *kHelp =
    "usage: smmu-check sweep (--debian SERIES | --src DIR) [--model LIST] [--engine E]\n"
    "                         [--timeout SECONDS]\n\n"
    "Builds STEs and CDs with the tree's own make functions over parameter grids\n"
    "(VMID 0, 1, 65535; ASIDs in one or two bytes; S1DSS; ATS, stall, E2H; linear\n"
    "and 2-level CD tables; table addresses above 4 GiB differing in one byte or\n"
    "several), writes every ordered pair through the production writer (real\n"
    "CFGI + CMD_SYNC) and checks each update. Prints, per model, how many\n"
    "transitions are hitless, breaking, violations (by kind) or unknown, then\n"
    "each violating transition. A driver that fails its own checks is judged all\n"
    "the same (one that stopped part way: a violation stands, a pass is unknown).\n"
    "Exit 0 only if every transition passes and every driver passed its checks.\n\n";

}  // namespace

int cmd_sweep(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "engine", "timeout"}, {"clean-at-sync", "witness"}), "sweep");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "  --model LIST      comma-separated models (default: all); see 'smmu-check models'\n"
                 << kEngineHelp
                 << "  --clean-at-sync   cacheable models: each sync cleans the entry to PoC first\n"
                 "  --witness         print the witness of each violating transition\n"
              << timeout_help("sweep driver (a scenario)") <<
                 "\nexample:\n  smmu-check sweep --debian 6.12 --model coherent+plain-tear32\n";
    return 0;
  }
  const int timeout = parse_timeout(a);
  auto runner = open_kernel(a);
  runner->set_timeout(timeout);
  CoverageAtEnd coverage(a, *runner);  // --coverage
  std::vector<models::Model> models = resolve_model_list(a.get("model", "all"));
  checks::SweepOptions options;
  options.engine = parse_engine(a.get("engine", "auto"));
  options.clean_at_sync = a.has("clean-at-sync");
  options.witnesses = a.has("witness");
  if (!a.has("quiet")) options.progress = [](const std::string &s) { std::cerr << "smmu-check: " << s << "\n"; };
  const checks::SweepResult r = checks::run_sweep(*runner, models, options);

  std::cout << std::left << std::setw(18) << "sweep" << std::setw(28) << "model" << std::setw(8)
            << "pairs" << std::setw(9) << "hitless" << std::setw(10) << "breaking" << std::setw(9)
            << "unknown" << "violations\n";
  for (const checks::SweepRow &row : r.rows) {
    std::cout << std::left << std::setw(18) << row.scenario << std::setw(28) << row.model << std::setw(8)
              << row.checked;
    if (row.publications) {
      std::cout << std::setw(9) << "-" << std::setw(10) << "-" << std::setw(9) << 0
                << (row.unpublished ? std::to_string(row.unpublished) + " unpublished" : "-") << "\n";
      continue;
    }
    std::string viol;
    for (const auto &[kind, n] : row.violations) viol += (viol.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
    std::cout << std::setw(9) << row.hitless << std::setw(10) << row.breaking << std::setw(9) << row.unknown
              << (viol.empty() ? "-" : viol) << "\n";
  }
  for (const auto &d : r.details) std::cout << "\n" << d;
  std::cout << "sweep: " << r.total - r.not_pass << " passed, " << r.not_pass << " failed";
  if (r.kernel_failed) std::cout << "; " << r.kernel_failed << " driver run(s) failed their own checks";
  std::cout << "\n";
  return r.not_pass || r.kernel_failed ? 1 : 0;
}

}  // namespace smmu::cli
