// smmu-check pt: the real io-pgtable-arm scenarios, and proposed sequences
// written as C (--case), against the walker model: one verdict per
// (scenario or case) x model; a violation prints the walk.
#include <llvm/Support/raw_os_ostream.h>

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "child_run.h"
#include "commands.h"
#include "fault_injection.h"
#include "kernel_fields.h"
#include "pt_witness_json.h"
#include "judged_run.h"
#include "kernel_run.h"
#include "model_registry.h"
#include "options.h"
#include "pt_check.h"
#include "pt_slice.h"
#include "trace_print.h"

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

struct PtRun {
  std::string case_file;  // empty for the tree's scenarios
  harness::RunResult run;
};

struct PtRow {
  const PtRun *run;
  std::string model;
  checker::PtVerdict verdict;    // as the run allows (checker::judged)
  checker::KernelStatus kernel;  // the run's own status, beside the verdict

  bool passed() const { return verdict.outcome == checker::Outcome::Pass && kernel.passed(); }
};

// Every field of every verdict, one object per row, then a summary.
void print_pt_json(std::ostream &out, const harness::KernelTree &tree, const std::vector<PtRow> &rows,
                   const checker::FieldMap &fields) {
  llvm::raw_os_ostream os(out);
  report::json::OStream j(os);
  size_t pass = 0, violation = 0, unknown = 0;
  double seconds = 0;
  j.objectBegin();
  j.attribute("tree", tree.origin);
  j.attribute("version", tree.version);
  size_t kernel_failed = 0, not_pass = 0;
  j.attributeArray("results", [&] {
    for (const PtRow &r : rows) {
      const checker::PtVerdict &v = r.verdict;
      kernel_failed += !r.kernel.passed();
      not_pass += !r.passed();
      pass += v.outcome == checker::Outcome::Pass;
      violation += v.outcome == checker::Outcome::Violation;
      unknown += v.outcome == checker::Outcome::Unknown;
      seconds += v.seconds;
      j.objectBegin();
      j.attribute("scenario", r.run->run.name);
      j.attribute("case_file", r.run->case_file);  // empty: a scenario of the tree
      j.attribute("model", r.model);
      j.attribute("verdict", to_string(v.outcome));
      j.attribute("kind", v.outcome == checker::Outcome::Violation ? to_string(v.kind) : "");
      j.attribute("reason", v.reason);
      j.attribute("iovas", static_cast<uint64_t>(v.iovas));
      j.attribute("ops", static_cast<uint64_t>(v.ops));
      j.attribute("walks", v.walks);
      j.attribute("tlb", v.tlb);  // TLB and walk caches modelled (the run issued TLBIs)
      j.attribute("atc", v.atc);  // and the walks' device has ATS: its ATC is modelled
      report::number6(j, "seconds", v.seconds);
      // The run's own status, beside the verdict (checker/kernel_run.h).
      j.attribute("kernel_status", r.kernel.name());
      j.attribute("trace_complete", r.kernel.complete);
      j.attribute("kernel_message", r.kernel.message);
      j.attribute("notes", report::json::Array(v.notes));
      j.attributeArray("warnings", [&] {  // each at the event that wrote what the walker could not judge
        for (const auto &w : v.warnings)
          j.object([&] {
            report::write_event_ref(j, r.run->run.trace, w.event);
            j.attribute("what", w.text);
          });
      });
      if (v.outcome == checker::Outcome::Violation) {
        j.attributeBegin("witness");
        report::write_pt_witness(j, r.run->run.trace, v.witness, &fields);
        j.attributeEnd();
      }
      j.objectEnd();
    }
  });
  j.attributeObject("summary", [&] {
    j.attribute("rows", static_cast<uint64_t>(rows.size()));
    j.attribute("passed", static_cast<uint64_t>(pass));
    j.attribute("violations", static_cast<uint64_t>(violation));
    j.attribute("unknown", static_cast<uint64_t>(unknown));
    j.attribute("kernel_failed", static_cast<uint64_t>(kernel_failed));  // rows whose run failed its own checks
    j.attribute("failed", static_cast<uint64_t>(not_pass));  // exit status 1 iff > 0
    report::number6(j, "seconds", seconds);
  });
  j.objectEnd();
  os << "\n";
}

}  // namespace

int cmd_pt(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "scenario", "inject", "case", "format", "timeout"}, {}), "pt");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "Check:\n"
                 "  --model LIST      comma-separated models (default: all); see 'smmu-check models'\n"
                 "  --scenario NAME   one scenario of the tree (default: every iopt_* and pt_*)\n"
                 "  --case FILE.c     a proposed sequence (repeatable); cases/ has examples\n"
                 "  --timeout SECONDS the time each --case may run (default 60); a case\n"
                 "                    over it, or one that crashes, is bad input (exit 2)\n"
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

  std::vector<std::unique_ptr<PtRun>> runs;
  for (auto &r : runner->run_all(scenarios)) runs.push_back(std::make_unique<PtRun>(PtRun{"", std::move(r)}));
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
    runs.push_back(std::make_unique<PtRun>(PtRun{isolated_files[i], std::move(case_results[i])}));

  if (injection) {
    std::vector<const harness::RunResult *> recorded;
    for (const auto &pr : runs) recorded.push_back(&pr->run);
    require_fault_site(a.get("inject"), injection->first, injection->second, recorded);
  }
  int not_pass = 0;
  std::vector<PtRow> rows;
  std::vector<std::string> details;
  std::set<std::string> noted;  // a note shared by several rows is printed at the first
  if (!json)
    std::cout << std::left << std::setw(30) << "scenario" << std::setw(28) << "model" << std::setw(11)
              << "verdict" << std::setw(12) << "kind" << std::setw(7) << "iovas" << std::setw(5) << "ops"
              << std::setw(9) << "walks" << std::setw(9) << "time" << "kernel\n";
  for (auto &pr : runs) {
    harness::RunResult &run = pr->run;
    if (injection && !harness::inject(run.trace, injection->first, injection->second))
      std::cerr << "smmu-check pt: note: " << run.name << " has no " << harness::to_string(injection->first)
                << " " << injection->second << " to inject; checked as recorded\n";
    const JudgedRun judged(run);
    const checker::KernelStatus &kernel = judged.kernel;
    const harness::Trace &trace = judged.trace;
    for (const auto &m : models) {
      checker::Heartbeat beat = heartbeat(a, run.name + " under " + m.name);
      PtRow row{pr.get(), m.name, judged.judge(checker::check_pt_trace(trace, m, sem, &beat)), kernel};
      const checker::PtVerdict &v = row.verdict;
      if (!row.passed()) ++not_pass;
      if (json) {
        rows.push_back(std::move(row));
        continue;
      }
      char time[32];
      std::snprintf(time, sizeof time, "%.1fms", v.seconds * 1e3);
      std::cout << std::left << std::setw(30) << run.name << std::setw(28) << m.name << std::setw(11)
                << to_string(v.outcome) << std::setw(12) << to_string(v.kind) << std::setw(7) << v.iovas
                << std::setw(5) << v.ops << std::setw(9) << v.walks << std::setw(9) << time << kernel.name()
                << (kernel.complete ? "" : " (stopped)") << "\n";
      if (row.passed()) continue;
      std::ostringstream d;
      d << to_string(v.outcome)
        << (v.outcome == checker::Outcome::Violation ? std::string(" (") + to_string(v.kind) + ")" : "")
        << ": " << run.name << " under " << m.name << "\n";
      if (!v.reason.empty()) d << "  " << v.reason << "\n";
      if (!kernel.passed())
        d << "  " << (pr->case_file.empty() ? "kernel " : "case ") << kernel.name() << ": " << kernel.message << "\n";
      for (const auto &n : v.notes)
        if (noted.insert(n).second) d << "  note: " << n << "\n";
      checker::print_pt_warnings(d, run.trace, v.warnings);
      if (v.outcome == checker::Outcome::Violation) checker::print_pt_witness(d, run.trace, v, fields.get());
      details.push_back(d.str());
    }
  }
  if (json) print_pt_json(std::cout, runner->tree(), rows, *fields);
  for (const auto &d : details) std::cout << "\n" << d;
  return not_pass ? 1 : 0;
}

}  // namespace smmu::cli
