// smmu-check pt: the real io-pgtable-arm scenarios against the walker model,
// one verdict per scenario x model; a violation prints the walk.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "fault_injection.h"
#include "model_registry.h"
#include "options.h"
#include "pt_check.h"
#include "pt_slice.h"

namespace smmu::cli {

namespace {

const char *kHelp =
    "usage: smmu-check pt (--debian SERIES | --src DIR) [--model SPEC] [--scenario NAME]\n\n"
    "Runs the tree's io-pgtable-arm scenarios (map/unmap/split, coherent and\n"
    "non-coherent walk) and checks every walk a device walker can make while\n"
    "the tables change: each walk must give the outcome of a stable state it\n"
    "overlaps, and after the last operation the target (docs/walker.md).\n"
    "Exit 0 only if every row passes.\n\n";

}  // namespace

int cmd_pt(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "scenario", "inject"}, {}), "pt");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "  --model SPEC      models to check (default: all); see 'smmu-check models'\n"
                 "  --scenario NAME   one scenario (default: every iopt_* scenario)\n"
                 "  --inject F:K      seed a bug first: drop-dma-wmb:K (the K-th dma_wmb) or\n"
                 "                    drop-cmo:K (the K-th clean to PoC)\n"
                 "\nexample:\n  smmu-check pt --debian 6.12 --model coherent+plain-tear32\n";
    return 0;
  }
  auto runner = open_kernel(a);
  std::vector<models::Model> models = models::resolve_models(a.get("model", "all"));
  checker::PtSemantics sem = checker::pt_semantics(runner->slice());
  if (!sem.index || !sem.decode)
    throw harness::UserError(runner->tree().origin + ": the slice has no kshim_lpae_decode (io_pgtable_arm_glue.c)");
  std::vector<harness::RunnableCase> cases;
  if (a.has("scenario")) {
    cases.push_back(runner->find(a.get("scenario", "")));
  } else {
    for (const auto &c : runner->scenarios())
      if (c.name.rfind("iopt_", 0) == 0) cases.push_back(c);
    if (cases.empty())
      throw harness::UserError(runner->tree().origin + ": this tree's slice has no io-pgtable scenarios (iopt_*)");
  }
  int not_pass = 0;
  std::vector<std::string> details;
  std::cout << std::left << std::setw(30) << "scenario" << std::setw(28) << "model" << std::setw(11)
            << "verdict" << std::setw(12) << "kind" << std::setw(7) << "iovas" << std::setw(5) << "ops"
            << std::setw(9) << "walks" << "time\n";
  for (const auto &c : cases) {
    harness::RunResult run = runner->run(c);
    if (a.has("inject")) {
      auto [fault, k] = harness::parse_fault(a.get("inject"), {harness::Fault::DropDmaWmb, harness::Fault::DropCmo});
      if (!harness::inject(run.trace, fault, k))
        std::cerr << "smmu-check pt: note: " << c.name << " has no " << harness::to_string(fault) << " " << k
                  << " to inject; checked as recorded\n";
    }
    for (const auto &m : models) {
      checker::PtVerdict v;
      if (run.status != harness::RunStatus::Pass) {
        v.outcome = checker::Outcome::Unknown;
        v.reason = std::string("the kernel code itself did not pass (") + harness::to_string(run.status) + ")";
      } else {
        v = checker::check_pt_trace(run.trace, m, sem);
      }
      char time[32];
      std::snprintf(time, sizeof time, "%.1fms", v.seconds * 1e3);
      std::cout << std::left << std::setw(30) << c.name << std::setw(28) << m.name << std::setw(11)
                << to_string(v.outcome) << std::setw(12) << to_string(v.kind) << std::setw(7) << v.iovas
                << std::setw(5) << v.ops << std::setw(9) << v.walks << time << "\n";
      if (v.outcome == checker::Outcome::Pass) continue;
      ++not_pass;
      std::ostringstream d;
      d << to_string(v.outcome)
        << (v.outcome == checker::Outcome::Violation ? std::string(" (") + to_string(v.kind) + ")" : "")
        << ": " << c.name << " under " << m.name << "\n  " << v.reason << "\n";
      for (const auto &n : v.notes) d << "  note: " << n << "\n";
      if (v.outcome == checker::Outcome::Violation) checker::print_pt_witness(d, run.trace, v);
      details.push_back(d.str());
    }
  }
  for (const auto &d : details) std::cout << "\n" << d;
  return not_pass ? 1 : 0;
}

}  // namespace smmu::cli
