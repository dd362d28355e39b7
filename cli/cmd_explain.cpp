// smmu-check explain: one KUnit case, scenario, .seq file or proposed C case
// under one model, drawn as a timeline (report/timeline.h) in the terminal,
// as SVG or as HTML.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "child_run.h"
#include "commands.h"
#include "fault_injection.h"
#include "model_registry.h"
#include "one_run_check.h"
#include "options.h"
#include "seq_parser.h"
#include "timeline.h"

namespace smmu::cli {

using report::Timeline;
using report::render_html;
using report::render_svg;
using report::render_text;
using report::timeline_of_entry;
using report::timeline_of_walk;

namespace {

const char *kHelp =
    "usage: smmu-check explain (--debian SERIES | --src DIR) CASE [--model SPEC]\n"
    "                          [--svg FILE] [--html FILE] [--inject F:K] [--clean-at-sync]\n"
    "       smmu-check explain [--debian SERIES | --src DIR] FILE.seq [--model SPEC] ...\n"
    "       smmu-check explain (--debian SERIES | --src DIR) --case FILE.c [NAME] [--model SPEC] ...\n\n"
    "Runs one KUnit case or scenario (see 'smmu-check list'), a .seq file (as\n"
    "'smmu-check seq' reads it; the tree defaults to --debian 6.12) or a proposed\n"
    "C case (as 'smmu-check pt --case' runs it: in a child process, within\n"
    "--timeout; NAME picks one case of a file that has several), checks it under\n"
    "one model and draws what happened: a lane for the CPU (its stores, barriers,\n"
    "CMOs and commands, in program order, numbered as 'smmu-check trace' numbers\n"
    "them; a range of events not drawn is marked with what it holds), a lane per\n"
    "memory unit (the value each store leaves there) and a lane for the SMMU (its\n"
    "reads, each tied to the stores its value came from). The reads that make the\n"
    "violation are red: for an STE/CD, the smallest set of parts that makes it on\n"
    "its own (the others could come from either stable state and are grey).\n"
    "A page-table walk also gets a lane per entry its reads cached (TLB, walk\n"
    "cache, configuration cache, the device's ATC): from the read that filled it\n"
    "to the invalidation that removed it, with each invalidation that named it\n"
    "but did not remove it and why, tied to the cached result it later served.\n"
    "STE/CD updates are checked as 'kunit --model' does (explicit engine); runs\n"
    "with a page-table walk context as 'pt' does.\n"
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

bool is_seq_file(const std::string &s) { return s.size() > 4 && s.compare(s.size() - 4, 4, ".seq") == 0; }

// The one case of a --case file to draw: NAME, or the file's only case.
harness::RunnableCase pick_case(const harness::CaseRunner &cr, const std::vector<std::string> &positional) {
  std::vector<harness::RunnableCase> cases = cr.cases();
  std::vector<std::string> names;
  for (const auto &c : cases) names.push_back(c.name);
  if (positional.empty() && cases.size() == 1) return cases[0];
  if (positional.empty())
    throw harness::UserError(cr.source().string() + " has " + std::to_string(cases.size()) +
                             " cases: name the one to draw after --case FILE.c");
  for (const auto &c : cases)
    if (c.name == positional[0]) return c;
  throw harness::UserError(cr.source().string() + " has no case '" + positional[0] + "'; " +
                           did_you_mean(closest_names(positional[0], names)));
}

}  // namespace

int cmd_explain(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "svg", "html", "inject", "case", "timeout"}, {"clean-at-sync"}),
                 "explain");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "  --model SPEC      one model (default coherent); see 'smmu-check models'\n"
                 "  --svg FILE        also write the timeline as SVG\n"
                 "  --html FILE       also write it as HTML (the SVG and the text)\n"
                 "  --case FILE.c     draw a proposed C case (docs/walker.md, \"Proposed sequences\")\n"
              << timeout_help("CASE or --case")
              << "                    (a --case over it, or one that crashes, is bad input:\n"
                 "                    exit 2)\n"
                 "  --inject F:K      seed a bug first (the faults of 'kunit' and 'pt')\n"
                 "  --clean-at-sync   as for 'kunit': cacheable models clean the entry at each sync\n"
                 "\nexamples:\n"
                 "  smmu-check explain --debian 6.12 pt_split_block_4k --model cacheable-64 --svg split.svg\n"
                 "      the TLBI with TTL=3 that leaves the level-2 table descriptor in the walk cache\n"
                 "  smmu-check explain cases/ste_cdtable_pointer_cacheable_byte.seq --model cacheable-byte \\\n"
                 "      --svg tear.svg      the two bytes of a torn CD-table pointer\n"
                 "  smmu-check explain --debian 6.12 --case cases/pte_plain_one_store.c --model cacheable-byte\n"
                 "  smmu-check explain --debian 6.12 arm_smmu_v3_write_ste_test_s1_to_s2 \\\n"
                 "      --inject drop-sync:1 --html ste.html\n";
    return 0;
  }
  const bool case_file = a.has("case");
  const bool seq_file = !case_file && a.positional.size() == 1 && is_seq_file(a.positional[0]);
  if (case_file ? a.positional.size() > 1 : a.positional.size() != 1)
    throw harness::UserError(
        "explain expects one CASE (a KUnit case or scenario; see 'smmu-check list'), one FILE.seq, or "
        "--case FILE.c [NAME]");
  const int timeout = parse_timeout(a);
  // Read before any kernel work: a malformed .seq is bad input at once.
  harness::Sequence seq;
  if (seq_file) seq = harness::read_sequence_file(a.positional[0]);
  // The pictures' files are opened before the run: an unwritable path is found at once.
  std::unique_ptr<std::ofstream> svg = open_output(a, "svg"), html = open_output(a, "html");
  Args k = a;
  if (seq_file && !k.has("debian") && !k.has("src")) k.values["debian"] = "6.12";
  auto runner = open_kernel(k);
  runner->set_timeout(timeout);
  CoverageAtEnd coverage(k, *runner);  // --coverage
  models::Model model = models::resolve_model(a.get("model", "coherent"));

  harness::RunResult run;
  std::optional<harness::RunnableCase> kernel_case;
  std::string what;
  if (case_file) {
    harness::CaseRunner cr(a.get("case"), case_build_options(a));
    harness::RunnableCase c = pick_case(cr, a.positional);
    run = std::move(harness::run_in_child({cr.isolated(c)}, timeout).at(0));
    what = c.name;
  } else if (seq_file) {
    run.suite = "seq";
    run.name = what = std::filesystem::path(seq.file).stem().string();
    run.status = harness::RunStatus::Pass;  // a written sequence: no kernel code ran
    run.trace = seq.trace;
  } else {
    kernel_case = find_case(*runner, a.positional[0]);
    run = runner->run(*kernel_case);
    what = a.positional[0];
  }
  const bool walk = run.trace.count(harness::EventKind::WalkContext) > 0;
  if (a.has("inject")) {
    auto [fault, k] = walk ? harness::parse_fault(a.get("inject"), {harness::Fault::DropDmaWmb, harness::Fault::DropCmo,
                                                                   harness::Fault::DropTlbi, harness::Fault::LeafTlbi})
                           : harness::parse_fault(a.get("inject"), {harness::Fault::DropSync, harness::Fault::MergeSteps,
                                                                   harness::Fault::SwapSteps, harness::Fault::TearStore});
    require_fault_site(a.get("inject"), fault, k, {&run});
    // A kernel case reruns with the fault seeded live where it can be; the others are edited traces.
    bool applied = kernel_case ? harness::run_with_fault(*runner, *kernel_case, fault, k, run)
                               : harness::inject(run.trace, fault, k);
    if (!applied) throw harness::UserError(what + " has no " + harness::to_string(fault) + " " + std::to_string(k));
  }
  const std::string title = what + " under " + model.name;
  checks::OneRunOptions options;
  options.clean_at_sync = a.has("clean-at-sync");
  options.seq = seq_file ? &seq : nullptr;
  options.heartbeat_for = [&](const std::string &w) { return heartbeat(a, w); };  // a long walk check is heard
  const checks::OneRunVerdict v = checks::check_one_run(run, *runner, model, what, options);
  const checker::KernelStatus &kernel = v.kernel;
  Timeline tl;
  if (v.walk) {
    tl = timeline_of_walk(v.trace, *v.walk, title);
  } else if (v.entry) {
    tl = timeline_of_entry(v.trace, *v.entry, title);
  } else {  // the run died before it recorded anything
    tl.title = title;
    tl.verdict = "unknown: nothing of the run could be checked";
  }
  if (!kernel.passed()) tl.details.push_back(std::string("kernel ") + kernel.name() + ": " + kernel.message);
  render_text(std::cout, tl);
  write_file(svg.get(), a.get("svg"), tl, render_svg);
  write_file(html.get(), a.get("html"), tl, render_html);
  return v.outcome == checker::Outcome::Pass && kernel.passed() ? 0 : 1;
}

}  // namespace smmu::cli
