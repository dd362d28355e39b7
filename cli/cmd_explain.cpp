// smmu-check explain: one KUnit case or scenario under one model, drawn as a
// timeline (CPU, memory units, SMMU reads) in the terminal, as SVG or as HTML.
#include <fstream>
#include <iostream>

#include "check_update.h"
#include "commands.h"
#include "explicit_engine.h"
#include "fault_injection.h"
#include "judged_run.h"
#include "kernel_run.h"
#include "kernel_semantics.h"
#include "model_registry.h"
#include "options.h"
#include "pt_slice.h"
#include "timeline.h"

namespace smmu::cli {

namespace {

const char *kHelp =
    "usage: smmu-check explain (--debian SERIES | --src DIR) CASE [--model SPEC]\n"
    "                          [--svg FILE] [--html FILE] [--inject F:K] [--clean-at-sync]\n\n"
    "Runs one KUnit case or scenario (see 'smmu-check list'), checks it under one\n"
    "model and draws what happened: a lane for the CPU (its stores, barriers, CMOs\n"
    "and commands, in program order, numbered as 'smmu-check trace' numbers them),\n"
    "a lane per memory unit (the value each store leaves there) and a lane for the\n"
    "SMMU (its reads, each tied to the stores its value came from). The reads that\n"
    "make the violation are marked. STE/CD updates are checked as 'kunit --model'\n"
    "does (explicit engine); runs with a page-table walk context as 'pt' does.\n"
    "A run that fails its own checks (a KUnit expectation) is drawn and judged\n"
    "all the same, and the failure is printed under the verdict; one that stopped\n"
    "part way (BUG_ON, a failed assertion) is judged on what it ran: a violation\n"
    "stands, anything else is unknown.\n"
    "The text timeline goes to stdout; --svg and --html also write a picture.\n"
    "Exit 0 pass (and the run passed its own checks), 1 otherwise, 2 bad input.\n\n";

void write_file(std::ofstream *f_, const std::string &path, const Timeline &tl,
                void (*render)(std::ostream &, const Timeline &)) {
  if (!f_) return;
  std::ofstream &f = *f_;
  render(f, tl);
  if (!f) throw harness::UserError("writing " + path + " failed");
}

}  // namespace

int cmd_explain(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "svg", "html", "inject"}, {"clean-at-sync"}), "explain");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "  --model SPEC      one model (default coherent); see 'smmu-check models'\n"
                 "  --svg FILE        also write the timeline as SVG\n"
                 "  --html FILE       also write it as HTML (the SVG and the text)\n"
                 "  --inject F:K      seed a bug first (the faults of 'kunit' and 'pt')\n"
                 "  --clean-at-sync   as for 'kunit': cacheable models clean the entry at each sync\n"
                 "\nexamples:\n"
                 "  smmu-check explain --debian 6.12 pt_split_block_4k --svg split.svg\n"
                 "  smmu-check explain --debian 6.12 arm_smmu_v3_write_ste_test_s1_to_s2 \\\n"
                 "      --inject drop-sync:1 --html ste.html\n";
    return 0;
  }
  if (a.positional.size() != 1)
    throw harness::UserError("explain expects one CASE (a KUnit case or scenario; see 'smmu-check list')");
  // The pictures' files are opened before the run: an unwritable path is found at once.
  std::unique_ptr<std::ofstream> svg = open_output(a, "svg"), html = open_output(a, "html");
  auto runner = open_kernel(a);
  CoverageAtEnd coverage(a, *runner);  // --coverage
  models::Model model = models::resolve_model(a.get("model", "coherent"));
  const harness::RunnableCase c = find_case(*runner, a.positional[0]);
  harness::RunResult run = runner->run(c);
  bool walk = run.trace.count(harness::EventKind::WalkContext) > 0;
  if (a.has("inject")) {
    auto [fault, k] = walk ? harness::parse_fault(a.get("inject"), {harness::Fault::DropDmaWmb, harness::Fault::DropCmo,
                                                                   harness::Fault::DropTlbi, harness::Fault::LeafTlbi})
                           : harness::parse_fault(a.get("inject"), {harness::Fault::DropSync, harness::Fault::MergeSteps,
                                                                   harness::Fault::SwapSteps, harness::Fault::TearStore});
    require_fault_site(a.get("inject"), fault, k, {&run});
    if (!harness::run_with_fault(*runner, c, fault, k, run))
      throw harness::UserError(a.positional[0] + " has no " + harness::to_string(fault) + " " + std::to_string(k));
  }
  const JudgedRun judged(run);
  const checker::KernelStatus &kernel = judged.kernel;
  const harness::Trace &trace = judged.trace;
  const std::string title = a.positional[0] + " under " + model.name;
  Timeline tl;
  checker::Outcome outcome;
  if (walk) {
    checker::PtVerdict v =
        judged.judge(checker::check_pt_trace(trace, model, checker::pt_semantics(runner->slice())));
    outcome = v.outcome;
    tl = timeline_of_walk(trace, v, title);
  } else {
    if (run.trace.count(harness::EventKind::UpdateBegin) == 0)
      throw harness::UserError(a.positional[0] + " records no STE/CD update and no page-table walk context");
    checker::EntrySemantics sem = kernel_semantics(*runner, false);
    checker::ExplicitEngine engine(sem);
    checker::CheckOptions options;
    options.clean_at_sync = a.has("clean-at-sync");
    checker::Verdict v = judged.judge(checker::check_trace(trace, model, engine, sem, options));
    outcome = v.outcome;
    tl = timeline_of_entry(trace, v, title);
  }
  if (!kernel.passed()) tl.details.push_back(std::string("kernel ") + kernel.name() + ": " + kernel.message);
  render_text(std::cout, tl);
  write_file(svg.get(), a.get("svg"), tl, render_svg);
  write_file(html.get(), a.get("html"), tl, render_html);
  return outcome == checker::Outcome::Pass && kernel.passed() ? 0 : 1;
}

}  // namespace smmu::cli
