// smmu-check sweep: STEs and CDs built by the tree's make functions over
// parameter grids, every ordered pair written by the production writer and
// checked under each model.
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "check_run.h"
#include "commands.h"
#include "entry_update.h"
#include "judged_run.h"
#include "kernel_semantics.h"
#include "model_registry.h"
#include "options.h"
#include "structure_graph.h"
#include "trace_print.h"
#include "witness_report.h"

namespace smmu::cli {

namespace {

const char *kHelp =
    "usage: smmu-check sweep (--debian SERIES | --src DIR) [--model LIST] [--engine E]\n\n"
    "Builds STEs and CDs with the tree's own make functions over parameter grids\n"
    "(VMID 0, 1, 65535; ASIDs in one or two bytes; S1DSS; ATS, stall, E2H; linear\n"
    "and 2-level CD tables; table addresses above 4 GiB differing in one byte or\n"
    "several), writes every ordered pair through the production writer (real\n"
    "CFGI + CMD_SYNC) and checks each update. Prints, per model, how many\n"
    "transitions are hitless, breaking, violations (by kind) or unknown, then\n"
    "each violating transition. A driver that fails its own checks is judged all\n"
    "the same (one that stopped part way: a violation stands, a pass is unknown).\n"
    "Exit 0 only if every transition passes and every driver passed its checks.\n\n";

const char *kScenarios[] = {"sweep_ste_pairs", "sweep_cd_pairs"};

struct Tally {
  int hitless = 0, breaking = 0, unknown = 0;
  std::map<std::string, int> violations;
};

}  // namespace

int cmd_sweep(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "engine"}, {"clean-at-sync", "witness"}), "sweep");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "  --model LIST      comma-separated models (default: all); see 'smmu-check models'\n"
                 << kEngineHelp
                 << "  --clean-at-sync   cacheable models: each sync cleans the entry to PoC first\n"
                 "  --witness         print the witness of each violating transition\n"
                 "\nexample:\n  smmu-check sweep --debian 6.12 --model coherent+plain-tear32\n";
    return 0;
  }
  auto runner = open_kernel(a);
  CoverageAtEnd coverage(a, *runner);  // --coverage
  std::vector<models::Model> models = resolve_model_list(a.get("model", "all"));
  checker::EngineChoice engine = parse_engine(a.get("engine", "auto"));
  checker::EntrySemantics sem = kernel_semantics(*runner, checker::needs_ir(engine));
  checker::EngineSet engines(engine, sem);  // one for the run: its engines keep what they derive
  checker::CheckOptions options;
  options.clean_at_sync = a.has("clean-at-sync");

  int not_pass = 0, total = 0, kernel_failed = 0;
  std::vector<std::string> details;
  std::cout << std::left << std::setw(18) << "sweep" << std::setw(28) << "model" << std::setw(8)
            << "pairs" << std::setw(9) << "hitless" << std::setw(10) << "breaking" << std::setw(9)
            << "unknown" << "violations\n";
  for (const char *name : kScenarios) {
    harness::RunResult run = runner->run(runner->find(name));
    const JudgedRun judged(run);
    const checker::KernelStatus &kernel = judged.kernel;
    const harness::Trace &trace = judged.trace;
    if (!kernel.passed()) {
      ++kernel_failed;
      details.push_back(std::string("kernel ") + kernel.name() + ": " + name + ": " + kernel.message +
                        "; see 'smmu-check trace " + name + "'\n");
    }
    std::vector<checker::EntryUpdate> updates = checker::extract_entry_updates(trace);
    for (const auto &m : models) {
      if (!a.has("quiet"))
        std::cerr << "smmu-check: checking " << updates.size() << " transitions of " << name
                  << " under " << m.name << "\n";
      std::vector<checker::Verdict> each = engines.check_each(trace, m, options);
      Tally t;
      for (size_t i = 0; i < each.size(); ++i) {
        const checker::Verdict v = judged.judge(each[i]);
        ++total;
        if (v.outcome == checker::Outcome::Pass) {
          (v.hitless ? t.hitless : t.breaking)++;
          continue;
        }
        ++not_pass;
        if (v.outcome == checker::Outcome::Unknown) ++t.unknown;
        else ++t.violations[to_string(v.kind)];
        std::ostringstream d;
        d << to_string(v.outcome)
          << (v.outcome == checker::Outcome::Violation ? std::string(" (") + to_string(v.kind) + ")" : "")
          << ": " << updates[i].label << " under " << m.name << " [" << v.engine << "]: " << v.reason << "\n";
        if (a.has("witness") && v.outcome == checker::Outcome::Violation)
          checker::print_witness(d, trace, v, sem.fields.get());
        details.push_back(d.str());
      }
      std::string viol;
      for (const auto &[kind, n] : t.violations) viol += (viol.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
      std::cout << std::left << std::setw(18) << name << std::setw(28) << m.name << std::setw(8)
                << each.size() << std::setw(9) << t.hitless << std::setw(10) << t.breaking
                << std::setw(9) << t.unknown << (viol.empty() ? "-" : viol) << "\n";
    }
  }
  // Level-1 descriptors that install a new level-2 table (issue: publication).
  const checker::StructureGraph graph = structure_graph(*runner);
  const std::vector<checker::GraphEdge> l1_edges = checker::level1_edges(graph).edges;
  for (const char *name : {"strtab_l2_install", "cd_write_2lvl"}) {
    harness::RunnableCase c;
    try {
      c = runner->find(name);
    } catch (const harness::UserError &) {
      continue;  // a tree without this scenario driver
    }
    harness::RunResult run = runner->run(c);
    const JudgedRun judged(run);
    const checker::KernelStatus &kernel = judged.kernel;
    const harness::Trace &trace = judged.trace;
    if (!kernel.passed()) {
      ++kernel_failed;
      details.push_back(std::string("kernel ") + kernel.name() + ": " + name + ": " + kernel.message +
                        "; see 'smmu-check trace " + name + "'\n");
    }
    for (const auto &m : models) {
      int pass = 0, bad = 0;
      for (const auto &pub : checker::check_structure_graph(trace, m, l1_edges, &graph.edges, graph.pgtable_software_bits)) {
        const checker::Publication p = judged.judge(pub);
        ++total;
        if (p.outcome == checker::Outcome::Pass) {
          ++pass;
          continue;
        }
        ++bad;
        ++not_pass;
        if (p.outcome != checker::Outcome::Violation) {
          details.push_back(std::string(to_string(p.outcome)) + ": " + name + " under " + m.name + ": " + p.reason + "\n");
          continue;
        }
        const harness::Event &e = run.trace.events[p.unordered_event];
        const harness::Event &ptr = run.trace.events[p.pointer_event];
        std::ostringstream d;
        d << to_string(p.outcome) << " (" << to_string(p.kind) << "): " << name << " under " << m.name
          << ": " << p.reason << "\n  pointer store (event " << p.pointer_event + 1 << ") "
          << harness::describe(run.trace, ptr) << "   " << ptr.loc.file << ":" << ptr.loc.line
          << "\n  not yet visible (event " << p.unordered_event + 1 << ") "
          << harness::describe(run.trace, e) << "   " << e.loc.file << ":" << e.loc.line << "\n";
        details.push_back(d.str());
      }
      std::cout << std::left << std::setw(18) << name << std::setw(28) << m.name << std::setw(8)
                << pass + bad << std::setw(9) << "-" << std::setw(10) << "-" << std::setw(9) << 0
                << (bad ? std::to_string(bad) + " unpublished" : "-") << "\n";
    }
  }
  for (const auto &d : details) std::cout << "\n" << d;
  std::cout << "sweep: " << total - not_pass << " passed, " << not_pass << " failed";
  if (kernel_failed) std::cout << "; " << kernel_failed << " driver run(s) failed their own checks";
  std::cout << "\n";
  return not_pass || kernel_failed ? 1 : 0;
}

}  // namespace smmu::cli
