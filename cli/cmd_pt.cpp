// smmu-check pt: the real io-pgtable-arm scenarios, and proposed sequences
// written as C (--case), against the walker model: one verdict per
// (scenario or case) x model; a violation prints the walk.

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <set>

#include "child_run.h"
#include "commands.h"
#include "fault_injection.h"
#include "kernel_fields.h"
#include "pt_format.h"
#include "pt_rows.h"
#include "model_registry.h"
#include "options.h"
#include "pt_check.h"
#include "pt_slice.h"

namespace smmu::cli {

namespace {

const char *kHelp =
    "usage: smmu-check pt (--debian SERIES | --src DIR) [--model LIST] [--scenario NAME]\n"
    "                     [--case FILE.c ...] [--timeout SECONDS] [--inject F:K]\n"
    "                     [--format text|json]\n\n"
    "A device walker (the SMMU's table walk) reads one descriptor per level while\n"
    "the CPU changes the tables. pt records the CPU's stores, barriers and cache\n"
    "cleans, and checks every walk the memory model allows: a walk overlapping an\n"
    "update must give the outcome (fault, or output address and attributes) of a\n"
    "stable state it overlaps, and a walk after the last operation the final one.\n"
    "The pt_* scenarios run through the driver's own map/unmap/iotlb_sync, so\n"
    "their TLBIs are real: what a walk cached (leaves, table descriptors) stays\n"
    "usable until a TLBI the architecture requires to remove it completes.\n"
    "A violation is torn (bytes of two stores in one descriptor), misordered (a\n"
    "new pointer before what it points to), or stale (an old value still at PoC,\n"
    "or a cached entry no completed TLBI removed).\n"
    "A table pointer outside every table of the run makes a row unknown, with a\n"
    "warning at the file:line that wrote it.\n"
    "docs/walker.md explains the model and how to read a witness.\n\n"
    "What is checked:\n"
    "  - the tree's io-pgtable-arm scenarios (map/unmap/split/free a table,\n"
    "    4K/16K/64K, S1/S2, coherent and non-coherent walk, with and without\n"
    "    range invalidation, STE/CD table-pointer switches): by default every\n"
    "    scenario named iopt_* or pt_* ('smmu-check list' names them);\n"
    "  - proposed sequences (--case): a small C file that builds a table and\n"
    "    performs one update through the hooks of harness/include/kshim_hooks.h\n"
    "    (helpers in kshim_case.h). The harness compiles it (no kernel code),\n"
    "    runs it, and checks it with the tree's own descriptor decoding, so the\n"
    "    tree is still named. Without --scenario, --case checks only the cases.\n"
    "    How to write one: docs/walker.md, \"Proposed sequences\". Each case runs\n"
    "    in a child process: one that crashes (a null pointer, abort) or does not\n"
    "    finish within --timeout is bad input, reported at the case's file:line\n"
    "    of its last recorded event.\n"
    "A run that fails its own checks is judged all the same, and the failure is\n"
    "reported beside the verdict (column kernel); one that stopped part way is\n"
    "judged on what it ran: a violation stands, anything else is unknown.\n"
    "Exit 0 only if every row passes (and its run passed its own checks), 1\n"
    "otherwise, 2 for bad input (a case that does not compile: the compiler's\n"
    "file:line:col; a case that crashes or hangs).\n\n";

}  // namespace

int cmd_pt(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "scenario", "inject", "case", "format", "timeout"}, {}), "pt");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "Check:\n"
                 "  --model LIST      comma-separated models (default: all); see 'smmu-check models'\n"
                 "  --scenario NAME   one scenario of the tree (default: every iopt_* and pt_*)\n"
                 "  --case FILE.c     a proposed sequence (repeatable); cases/ has examples\n"
              << timeout_help("scenario or --case")
              << "                    (a --case over it, or one that crashes, is bad input:\n"
                 "                    exit 2)\n"
                 "  --inject F:K      seed a bug first: drop-dma-wmb:K (the K-th dma_wmb),\n"
                 "                    drop-cmo:K (the K-th clean to PoC), drop-tlbi:K (the K-th\n"
                 "                    TLBI is never issued) or leaf-tlbi:K (the K-th TLBI by\n"
                 "                    address becomes leaf-only)\n"
                 "  --format F        text (default: a table, then each violation's walk) or\n"
                 "                    json (every field of every verdict and witness)\n"
                 "\nexamples:\n"
                 "  smmu-check pt --debian 6.12 --model coherent+plain-tear32\n"
                 "      the plain PTE store at io-pgtable-arm.c:318 tears: a walk reads the\n"
                 "      valid bit with half of the output address\n"
                 "  smmu-check pt --debian 6.12 --scenario iopt_map_page_noncoherent \\\n"
                 "      --model cacheable-64 --inject drop-cmo:2\n"
                 "      without the clean of a new table, the walker reads its old bytes\n"
                 "  smmu-check pt --debian 6.12 --model cacheable-byte \\\n"
                 "      --case cases/pte_valid_bit_last.c --case cases/pte_plain_one_store.c\n"
                 "      a PTE written with V clear, cleaned, then its V byte: safe; one plain\n"
                 "      store of the whole PTE: torn by a byte-granular write-back\n"
                 "  smmu-check pt --debian 6.12 --format json > pt.json\n";
    return 0;
  }
  const std::string format = a.get("format", "text");
  if (format != "text" && format != "json")
    throw harness::UserError("--format expects text or json, got '" + format + "'");
  const bool json = format == "json";
  const int timeout = parse_timeout(a);
  std::vector<models::Model> models = resolve_model_list(a.get("model", "all"));
  std::optional<std::pair<harness::Fault, int>> injection;
  if (a.has("inject"))
    injection = harness::parse_fault(a.get("inject"), {harness::Fault::DropDmaWmb, harness::Fault::DropCmo,
                                                        harness::Fault::DropTlbi, harness::Fault::LeafTlbi});

  auto runner = open_kernel(a);
  runner->set_timeout(timeout);
  CoverageAtEnd coverage(a, *runner);  // --coverage
  checker::PtSemantics sem = checker::pt_semantics(runner->slice());
  if (!sem.index || !sem.decode)
    throw harness::UserError(runner->tree().origin + ": the slice has no kshim_lpae_decode (io_pgtable_arm_glue.c)");
  const checker::FieldMapPtr fields = checks::kernel_fields(*runner);

  // What to run: the named scenario, the cases, or by default every iopt_*/pt_* scenario.
  std::vector<harness::RunnableCase> scenarios;
  const std::vector<std::string> case_files = a.all("case");
  if (a.has("scenario")) {
    scenarios.push_back(find_case(*runner, a.get("scenario", "")));
  } else if (case_files.empty()) {
    for (const auto &c : runner->scenarios())
      if (c.name.rfind("iopt_", 0) == 0 || c.name.rfind("pt_", 0) == 0) scenarios.push_back(c);
    if (scenarios.empty())
      throw harness::UserError(runner->tree().origin +
                               ": this tree's slice has no io-pgtable scenarios (iopt_*, pt_*)");
  }
  // Every case is compiled before anything runs: a bad file is bad input (exit 2), not a row.
  const harness::BuildOptions case_options = case_build_options(a);
  std::vector<std::unique_ptr<harness::CaseRunner>> case_runners;
  for (const auto &f : case_files) case_runners.push_back(std::make_unique<harness::CaseRunner>(f, case_options));

  std::vector<std::unique_ptr<report::PtRun>> runs;
  for (auto &r : runner->run_all(scenarios)) runs.push_back(std::make_unique<report::PtRun>(report::PtRun{"", std::move(r)}));
  // Every case in one child process (a fork a command, not a case): a crash
  // or a hang in one is bad input naming its file:line.
  std::vector<harness::ChildRun> isolated;
  std::vector<std::string> isolated_files;
  for (const auto &cr : case_runners)
    for (const auto &c : cr->cases()) {
      isolated.push_back(cr->isolated(c));
      isolated_files.push_back(cr->source().string());
    }
  std::vector<harness::RunResult> case_results = harness::run_in_child(isolated, timeout);
  for (size_t i = 0; i < case_results.size(); ++i)
    runs.push_back(std::make_unique<report::PtRun>(report::PtRun{isolated_files[i], std::move(case_results[i])}));

  if (injection) {
    std::vector<const harness::RunResult *> recorded;
    for (const auto &pr : runs) recorded.push_back(&pr->run);
    require_fault_site(a.get("inject"), injection->first, injection->second, recorded);
  }
  checks::PtRowsOptions options;
  options.injection = injection;
  options.heartbeat_for = [&a](const std::string &what) { return heartbeat(a, what); };
  options.note = [](const std::string &s) { std::cerr << "smmu-check pt: note: " << s << "\n"; };
  if (!json) {
    report::print_pt_table_header(std::cout);
    options.on_row = [](const report::PtRow &row) { report::print_pt_table_row(std::cout, row); };
  }
  const std::vector<report::PtRow> rows = checks::check_pt_runs(runs, models, sem, options);
  int not_pass = 0;
  for (const auto &row : rows) not_pass += !row.passed();
  if (json) {
    report::print_pt_json(std::cout, runner->tree(), rows, *fields);
    return not_pass ? 1 : 0;
  }
  checker::NotesOnce notes;  // a note shared by several rows is printed at the first
  for (const auto &row : rows)
    if (!row.passed()) std::cout << "\n" << report::pt_row_details(row, notes, fields.get());
  return not_pass ? 1 : 0;
}

}  // namespace smmu::cli
