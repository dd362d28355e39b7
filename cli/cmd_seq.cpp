// smmu-check seq: a proposed update sequence written as text (docs/seq.md),
// turned into a trace by the harness's .seq parser and judged by the same
// checker as the kernel's own code, against the expectations the file states.
#include <llvm/Support/raw_os_ostream.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "check_run.h"
#include "seq_check.h"
#include "commands.h"
#include "pt_witness_json.h"
#include "model_registry.h"
#include "notes_once.h"
#include "options.h"
#include "pt_check.h"
#include "seq_parser.h"
#include "trace_print.h"

namespace smmu::cli {

using checks::kEngineHelp;
using checks::parse_engine;

namespace {

const char *kHelp =
    "usage: smmu-check seq FILE... [--debian SERIES | --src DIR] [--model LIST] [--engine E]\n"
    "                              [--format text|json] [--trace]\n\n"
    "Checks a descriptor update sequence that is not in the kernel tree, written as\n"
    "text (docs/seq.md): the descriptor (ste, cd or pte), its initial and target\n"
    "value, the CPU's steps in program order (stores, barriers, cleans, the sync op\n"
    "and its commands), and what the checker should answer under which model. The\n"
    "steps become the same trace the real kernel code records, each event located\n"
    "at its .seq line; the tree supplies the meaning (its get_used for an STE or CD,\n"
    "io-pgtable-arm's decoding for a PTE). The tree defaults to --debian 6.12.\n"
    "No kernel case runs (no --timeout): the tree's get_used and decoding are\n"
    "called from the checker, in this process.\n"
    "\n"
    "Each `expect` line is judged under every model it names. Exit status 0 when\n"
    "every expectation holds, 1 when one does not, 2 on bad input (reported as\n"
    "FILE:LINE:COL: expected ...). With --model the expectations are set aside:\n"
    "each sequence is checked under SPEC, exit status 0 only if every row passes.\n"
    "\n"
    "example: the 6.12 writer's abort -> bypass (cases/ste_hitless_abort_to_bypass.seq)\n"
    "\n"
    "  ste ste0\n"
    "  initial 0x1 0 0 0 0 0 0 0                    # V=1, CFG=abort\n"
    "  target  0x9 0x0000100000000000 0 0 0 0 0 0   # V=1, CFG=bypass, SHCFG=incoming\n"
    "  dma_wmb\n"
    "  store once u64 at 8 = 0x0000100000000000     # q1 first: abort does not use it\n"
    "  sync\n"
    "  store once u64 at 0 = 0x9                    # then the critical qword\n"
    "  sync\n"
    "  expect pass under coherent nc\n"
    "  expect violation stale under cacheable-64    # no clean: nothing puts the stores at PoC\n"
    "\n"
    "  smmu-check seq cases/ste_hitless_abort_to_bypass.seq\n"
    "  smmu-check seq cases/*.seq --engine both\n"
    "  smmu-check seq mine.seq --model all --format json\n\n";

using checker::Outcome;
using checker::ViolationKind;
using checks::SeqRun;

std::string plural(int n, const std::string &what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string check_name(const harness::Sequence &s) { return checks::seq_check_name(s); }

void print_pt_rows(std::ostream &out, const SeqRun &r, bool witnesses) {
  int mw = 24;  // composed model names can be long: keep the columns apart
  for (const auto &m : r.models) mw = std::max(mw, static_cast<int>(m.name.size()) + 2);
  out << std::left << std::setw(40) << "check" << std::setw(mw) << "model" << std::setw(11) << "verdict"
      << std::setw(12) << "kind" << std::setw(7) << "iovas" << std::setw(5) << "ops" << std::setw(9) << "walks"
      << "time\n";
  for (size_t i = 0; i < r.models.size(); ++i) {
    const checker::PtVerdict &v = r.pt[i];
    char time[32];
    std::snprintf(time, sizeof time, "%.1fms", v.seconds * 1e3);
    out << std::left << std::setw(40) << check_name(r.seq) << std::setw(mw) << r.models[i].name << std::setw(11)
        << to_string(v.outcome) << std::setw(12) << to_string(v.kind) << std::setw(7) << v.iovas << std::setw(5)
        << v.ops << std::setw(9) << v.walks << time << "\n";
  }
  checker::NotesOnce notes;  // a note shared by several rows is printed at the first
  for (size_t i = 0; i < r.models.size(); ++i) {
    const checker::PtVerdict &v = r.pt[i];
    if (v.outcome == Outcome::Pass) continue;
    out << "\n" << to_string(v.outcome)
        << (v.outcome == Outcome::Violation ? std::string(" (") + to_string(v.kind) + ")" : "") << ": "
        << check_name(r.seq) << " under " << r.models[i].name << "\n  " << v.reason << "\n";
    notes.print(out, v.notes);
    checker::print_pt_warnings(out, r.seq.trace, v.warnings);
    if (witnesses && v.outcome == Outcome::Violation) checker::print_pt_witness(out, r.seq.trace, v, r.fields.get());
  }
}

void write_pt_json(report::json::OStream &j, const SeqRun &r) {
  j.objectBegin();
  int failed = 0;
  j.attributeArray("results", [&] {
    for (size_t i = 0; i < r.models.size(); ++i) {
      const checker::PtVerdict &v = r.pt[i];
      failed += v.outcome != Outcome::Pass;
      j.objectBegin();
      j.attribute("check", check_name(r.seq));
      j.attribute("model", r.models[i].name);
      j.attribute("verdict", to_string(v.outcome));
      j.attribute("kind", v.outcome == Outcome::Violation ? to_string(v.kind) : "");
      j.attribute("reason", v.reason);
      j.attribute("iovas", static_cast<uint64_t>(v.iovas));
      j.attribute("ops", static_cast<uint64_t>(v.ops));
      j.attribute("walks", v.walks);
      report::number6(j, "time_s", v.seconds);
      j.attribute("notes", report::json::Array(v.notes));
      j.attributeArray("warnings", [&] {  // at the .seq line that wrote what the walker could not judge
        for (const auto &w : v.warnings)
          j.object([&] {
            report::write_event_ref(j, r.seq.trace, w.event);
            j.attribute("what", w.text);
          });
      });
      if (v.outcome == Outcome::Violation) {
        j.attributeBegin("witness");
        report::write_pt_witness(j, r.seq.trace, v.witness, r.fields.get());  // the schema of 'pt --format json'
        j.attributeEnd();
      }
      j.objectEnd();
    }
  });
  j.attribute("passed", static_cast<uint64_t>(r.models.size() - failed));
  j.attribute("failed", static_cast<uint64_t>(failed));
  j.objectEnd();
}

}  // namespace

int cmd_seq(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "engine", "format"}, {"trace", "no-witness"}), "seq");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "Check:\n"
                 "  --model LIST      check under comma-separated models instead of the file's\n"
                 "                    expectations: presets (coherent, nc, cacheable-line,\n"
                 "                    cacheable-64, cacheable-byte), all, files, with +modifiers\n"
                 << kEngineHelp
                 << "  --format F        text (default) or json (every field, witnesses, expectations)\n"
                 "  --no-witness      print the verdicts without the witnesses\n"
                 "  --trace           print the trace each file becomes, numbered as the\n"
                 "                    witnesses number it, and check nothing (no kernel tree needed)\n";
    return 0;
  }
  if (a.positional.empty())
    throw harness::UserError("seq: expected a .seq FILE (see smmu-check seq --help)");
  std::string format = a.get("format", "text");
  if (format != "text" && format != "json")
    throw harness::UserError("--format expects text or json, got '" + format + "'");
  checker::EngineChoice engine = parse_engine(a.get("engine", "auto"));

  // Every file is read, and every model it names resolved, before any kernel work.
  std::vector<models::Model> override;
  if (a.has("model")) override = resolve_model_list(a.get("model"));
  std::vector<std::unique_ptr<SeqRun>> runs;
  // --trace checks nothing: no model is needed.
  const bool given = a.has("model") || a.has("trace");
  for (const auto &f : a.positional) runs.push_back(checks::read_seq(f, given ? &override : nullptr));
  if (a.has("trace")) {
    for (const auto &r : runs) {
      std::cout << "# sequence " << r->seq.file << ": " << harness::to_string(r->seq.kind) << " " << r->seq.name
                << ", " << plural(r->seq.steps, "step") << ", " << plural(r->seq.syncs, "sync") << "\n";
      harness::print_trace(std::cout, r->seq.trace);
    }
    return 0;
  }

  Args k = a;
  if (!k.has("debian") && !k.has("src")) k.values["debian"] = "6.12";
  auto runner = open_kernel(k);
  CoverageAtEnd coverage(k, *runner);  // --coverage
  checks::SeqChecker checker(*runner, engine, [&a](const std::string &what) { return heartbeat(a, what); });
  bool noted = false;
  for (auto &r : runs) {
    if (r->seq.kind == harness::DescKind::PgTable && a.has("engine") && !noted) {
      std::cerr << "smmu-check seq: note: --engine applies to STE/CD sequences; a pte is judged by the walker\n";
      noted = true;
    }
    checker.check(*r);
  }

  const bool judge = !a.has("model");
  const checks::SeqTally t = checks::tally(runs);
  const int hold = t.hold, fail = t.fail, rows = t.rows, rows_failed = t.rows_failed;
  auto lookup = [](const SeqRun &r, const std::string &model) -> const checks::SeqChecked & { return r.verdict(model); };

  if (format == "json") {
    llvm::raw_os_ostream os(std::cout);
    report::json::OStream j(os);
    j.objectBegin();
    j.attributeArray("sequences", [&] {
      for (const auto &run : runs) {
        const SeqRun &r = *run;
        const harness::Sequence &s = r.seq;
        j.objectBegin();
        j.attribute("file", s.file);
        j.attribute("descriptor", harness::seq_keyword(s.kind));
        j.attribute("name", s.name);
        j.attribute("steps", s.steps);
        j.attribute("syncs", s.syncs);
        j.attributeBegin("check");
        if (s.kind == harness::DescKind::PgTable) write_pt_json(j, r);
        else write_check_json(j, r.rows);
        j.attributeEnd();
        j.attributeArray("expectations", [&] {
          for (const auto &e : r.expected) {
            const checks::SeqChecked &c = lookup(r, e.model);
            j.object([&] {
              j.attribute("line", e.x->line);
              j.attribute("text", checks::expectation_text(*e.x, e.model));
              j.attribute("model", e.model);
              j.attribute("expected", e.x->outcome);
              j.attribute("expected_kind", e.x->kind);
              j.attribute("verdict", to_string(c.outcome));
              j.attribute("kind", c.outcome == Outcome::Violation ? to_string(c.kind) : "");
              j.attribute("holds", checks::holds(e, c));
            });
          }
        });
        j.objectEnd();
      }
    });
    j.attribute("expectations_hold", hold);
    j.attribute("expectations_fail", fail);
    j.attribute("passed", rows - rows_failed);
    j.attribute("failed", rows_failed);
    j.objectEnd();
    os << "\n";
    return judge ? (fail ? 1 : 0) : (rows_failed ? 1 : 0);
  }

  const bool witnesses = !a.has("no-witness");
  for (size_t i = 0; i < runs.size(); ++i) {
    const SeqRun &r = *runs[i];
    const harness::Sequence &s = r.seq;
    std::cout << (i ? "\n" : "") << "seq " << s.file << ": " << harness::to_string(s.kind) << " " << s.name << ", "
              << plural(s.steps, "step") << ", " << plural(s.syncs, "sync") << ", on " << runner->tree().origin << "\n";
    if (s.kind == harness::DescKind::PgTable)
      print_pt_rows(std::cout, r, witnesses);
    else
      print_check_report(std::cout, r.rows, witnesses);
    if (!r.expected.empty() && judge) std::cout << "\n";
    for (const auto &e : judge ? r.expected : std::vector<checks::SeqExpected>{}) {
      const checks::SeqChecked &c = lookup(r, e.model);
      std::cout << s.file << ":" << e.x->line << ": " << checks::expectation_text(*e.x, e.model) << ": "
                << (!checks::holds(e, c)                ? "FAILS, the checker says " + checks::answer(c)
                    : e.x->kind.empty() && c.outcome == Outcome::Violation ? "holds (" + checks::answer(c) + ")"
                                                      : std::string("holds"))
                << "\n";
    }
  }
  if (judge) {
    std::cout << "seq: " << hold << " expectation" << (hold == 1 ? "" : "s") << " hold" << (hold == 1 ? "s" : "")
              << ", " << fail << " fail" << (fail == 1 ? "s" : "") << "\n";
    return fail ? 1 : 0;
  }
  std::cout << "seq: " << rows - rows_failed << " passed, " << rows_failed << " failed\n";
  return rows_failed ? 1 : 0;
}

}  // namespace smmu::cli
