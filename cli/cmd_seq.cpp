// smmu-check seq: a proposed update sequence written as text (docs/seq.md),
// turned into a trace by the harness's .seq parser and judged by the same
// checker as the kernel's own code, against the expectations the file states.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "check_run.h"
#include "commands.h"
#include "json_writer.h"
#include "pt_witness_json.h"
#include "kernel_semantics.h"
#include "model_registry.h"
#include "options.h"
#include "pt_check.h"
#include "pt_seq_layout.h"
#include "pt_slice.h"
#include "seq_parser.h"
#include "trace_print.h"

namespace smmu::cli {

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

// One model an expectation names, and the expectation.
struct Expected {
  const harness::SeqExpectation *x = nullptr;
  const harness::SeqExpectation::Model *spec = nullptr;
  std::string model;  // the resolved model's name
};

struct Checked {
  std::string model;
  Outcome outcome = Outcome::Unknown;
  ViolationKind kind = ViolationKind::None;
};

struct SeqRun {
  harness::Sequence seq;
  std::vector<models::Model> models;  // distinct, in the order first named
  std::vector<Expected> expected;
  harness::RunResult run;             // STE/CD: what check_runs takes
  std::vector<CheckRow> rows;         // STE/CD
  std::vector<checker::PtVerdict> pt; // PTE, one per model
  std::vector<Checked> checked;       // one per model
};

std::string plural(int n, const std::string &what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

std::string check_name(const harness::Sequence &s) {
  return std::filesystem::path(s.file).stem().string();
}

std::string expectation_text(const harness::SeqExpectation &x, const std::string &model) {
  return "expect " + x.outcome + (x.kind.empty() ? "" : " " + x.kind) + " under " + model;
}

bool holds(const Expected &e, const Checked &c) {
  if (e.x->outcome != to_string(c.outcome)) return false;
  return e.x->kind.empty() || e.x->kind == to_string(c.kind);
}

std::string answer(const Checked &c) {
  return std::string(to_string(c.outcome)) + (c.outcome == Outcome::Violation ? std::string(" ") + to_string(c.kind) : "");
}

// The models a file is checked under: --model, or those its expectations name.
void resolve(SeqRun &r, const Args &a) {
  auto add = [&r](const models::Model &m) {
    for (const auto &have : r.models)
      if (have.name == m.name) return;
    r.models.push_back(m);
  };
  if (a.has("model")) {
    for (const auto &m : resolve_model_list(a.get("model"))) add(m);
    return;
  }
  if (r.seq.expectations.empty())
    throw harness::UserError(r.seq.file +
                             ": expected at least one `expect ... under MODEL` line, or --model LIST to check it under");
  for (const auto &x : r.seq.expectations)
    for (const auto &spec : x.models) {
      std::vector<models::Model> ms;
      try {
        ms = models::resolve_models(spec.spec);
      } catch (const models::ModelError &e) {
        throw harness::SeqError(r.seq.file + ":" + std::to_string(spec.line) + ":" + std::to_string(spec.col) +
                                ": expected a model after `under`: " + e.what());
      }
      for (const auto &m : ms) {
        add(m);
        r.expected.push_back({&x, &spec, m.name});
      }
    }
}

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
  for (size_t i = 0; i < r.models.size(); ++i) {
    const checker::PtVerdict &v = r.pt[i];
    if (v.outcome == Outcome::Pass) continue;
    out << "\n" << to_string(v.outcome)
        << (v.outcome == Outcome::Violation ? std::string(" (") + to_string(v.kind) + ")" : "") << ": "
        << check_name(r.seq) << " under " << r.models[i].name << "\n  " << v.reason << "\n";
    for (const auto &n : v.notes) out << "  note: " << n << "\n";
    checker::print_pt_warnings(out, r.seq.trace, v.warnings);
    if (witnesses && v.outcome == Outcome::Violation) checker::print_pt_witness(out, r.seq.trace, v);
  }
}

std::string json_string(const std::string &s) {
  std::ostringstream o;
  JsonWriter(o).value(s);
  return o.str();
}

void write_pt_json(std::ostream &out, const SeqRun &r) {
  JsonWriter j(out);
  j.begin_object();
  j.key("results").begin_array();
  int failed = 0;
  for (size_t i = 0; i < r.models.size(); ++i) {
    const checker::PtVerdict &v = r.pt[i];
    failed += v.outcome != Outcome::Pass;
    j.begin_object();
    j.key("check").value(check_name(r.seq));
    j.key("model").value(r.models[i].name);
    j.key("verdict").value(to_string(v.outcome));
    j.key("kind").value(v.outcome == Outcome::Violation ? to_string(v.kind) : "");
    j.key("reason").value(v.reason);
    j.key("iovas").value(static_cast<uint64_t>(v.iovas));
    j.key("ops").value(static_cast<uint64_t>(v.ops));
    j.key("walks").value(v.walks);
    j.key("time_s").value(v.seconds);
    j.key("notes").begin_array();
    for (const auto &n : v.notes) j.value(n);
    j.end_array();
    j.key("warnings").begin_array();  // at the .seq line that wrote what the walker could not judge
    for (const auto &w : v.warnings) {
      j.begin_object();
      report::write_event_ref(j, r.seq.trace, w.event);
      j.key("what").value(w.text);
      j.end_object();
    }
    j.end_array();
    if (v.outcome == Outcome::Violation) {
      const checker::PtWitness &w = v.witness;
      j.key("witness");
      report::write_pt_witness(j, r.seq.trace, w);  // the schema of 'pt --format json'
    }
    j.end_object();
  }
  j.end_array();
  j.key("passed").value(static_cast<uint64_t>(r.models.size() - failed));
  j.key("failed").value(static_cast<uint64_t>(failed));
  j.end_object();
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
  std::vector<std::unique_ptr<SeqRun>> runs;
  for (const auto &f : a.positional) {
    auto r = std::make_unique<SeqRun>();
    r->seq = harness::read_sequence_file(f);
    runs.push_back(std::move(r));
  }
  if (a.has("trace")) {
    for (const auto &r : runs) {
      std::cout << "# sequence " << r->seq.file << ": " << harness::to_string(r->seq.kind) << " " << r->seq.name
                << ", " << plural(r->seq.steps, "step") << ", " << plural(r->seq.syncs, "sync") << "\n";
      harness::print_trace(std::cout, r->seq.trace);
    }
    return 0;
  }
  for (auto &r : runs) resolve(*r, a);

  Args k = a;
  if (!k.has("debian") && !k.has("src")) k.values["debian"] = "6.12";
  auto runner = open_kernel(k);
  CoverageAtEnd coverage(k, *runner);  // --coverage
  std::unique_ptr<checker::EntrySemantics> entry_sem;
  std::unique_ptr<checker::PtSemantics> pt_sem;
  checker::CheckOptions options;
  bool noted = false;
  for (auto &r : runs) {
    const harness::Sequence &s = r->seq;
    if (s.kind == harness::DescKind::PgTable) {
      if (!pt_sem) {
        pt_sem = std::make_unique<checker::PtSemantics>(checker::pt_semantics(runner->slice()));
        if (!pt_sem->index || !pt_sem->decode)
          throw harness::UserError(runner->tree().origin +
                                   ": the slice has no kshim_lpae_decode (io_pgtable_arm_glue.c) to walk a pte with");
      }
      if (a.has("engine") && !noted) {
        std::cerr << "smmu-check seq: note: --engine applies to STE/CD sequences; a pte is judged by the walker\n";
        noted = true;
      }
      checks::require_pt_layout(s, *pt_sem);
      for (const auto &m : r->models) {
        r->pt.push_back(checker::check_pt_trace(s.trace, m, *pt_sem));
        r->checked.push_back({m.name, r->pt.back().outcome, r->pt.back().kind});
      }
    } else {
      if (!entry_sem)
        entry_sem = std::make_unique<checker::EntrySemantics>(kernel_semantics(*runner, checker::needs_ir(engine)));
      r->run.suite = "seq";
      r->run.name = check_name(s);
      r->run.status = harness::RunStatus::Pass;
      r->run.trace = s.trace;
      r->rows = check_runs({r->run}, r->models, *entry_sem, engine, options);
      for (auto &row : r->rows) {
        row.trace = &r->run.trace;  // check_runs pointed at its argument's copy
        row.kernel_ran = false;     // a written sequence: no kernel code ran
        r->checked.push_back({row.model, row.verdict.outcome, row.verdict.kind});
      }
    }
  }

  const bool judge = !a.has("model");
  int hold = 0, fail = 0, rows = 0, rows_failed = 0;
  auto lookup = [](const SeqRun &r, const std::string &model) -> const Checked & {
    for (const auto &c : r.checked)
      if (c.model == model) return c;
    throw std::logic_error("no verdict for model " + model);
  };
  for (const auto &r : runs) {
    rows += static_cast<int>(r->checked.size());
    for (const auto &c : r->checked) rows_failed += c.outcome != Outcome::Pass;
    for (const auto &e : r->expected) (holds(e, lookup(*r, e.model)) ? hold : fail)++;
  }

  if (format == "json") {
    std::ostream &out = std::cout;
    out << "{\"sequences\":[";
    for (size_t i = 0; i < runs.size(); ++i) {
      const SeqRun &r = *runs[i];
      const harness::Sequence &s = r.seq;
      out << (i ? "," : "") << "{\"file\":" << json_string(s.file)
          << ",\"descriptor\":" << json_string(harness::seq_keyword(s.kind)) << ",\"name\":" << json_string(s.name)
          << ",\"steps\":" << s.steps << ",\"syncs\":" << s.syncs << ",\"check\":";
      if (s.kind == harness::DescKind::PgTable) {
        write_pt_json(out, r);
      } else {
        std::ostringstream doc;
        print_check_json(doc, r.rows);
        std::string text = doc.str();
        while (!text.empty() && text.back() == '\n') text.pop_back();
        out << text;
      }
      out << ",\"expectations\":";
      JsonWriter j(out);
      j.begin_array();
      for (const auto &e : r.expected) {
        const Checked &c = lookup(r, e.model);
        j.begin_object();
        j.key("line").value(e.x->line);
        j.key("text").value(expectation_text(*e.x, e.model));
        j.key("model").value(e.model);
        j.key("expected").value(e.x->outcome);
        j.key("expected_kind").value(e.x->kind);
        j.key("verdict").value(to_string(c.outcome));
        j.key("kind").value(c.outcome == Outcome::Violation ? to_string(c.kind) : "");
        j.key("holds").value(holds(e, c));
        j.end_object();
      }
      j.end_array();
      out << "}";
    }
    out << "],\"expectations_hold\":" << hold << ",\"expectations_fail\":" << fail
        << ",\"passed\":" << rows - rows_failed << ",\"failed\":" << rows_failed << "}\n";
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
    for (const auto &e : judge ? r.expected : std::vector<Expected>{}) {
      const Checked &c = lookup(r, e.model);
      std::cout << s.file << ":" << e.x->line << ": " << expectation_text(*e.x, e.model) << ": "
                << (!holds(e, c)                ? "FAILS, the checker says " + answer(c)
                    : e.x->kind.empty() && c.outcome == Outcome::Violation ? "holds (" + answer(c) + ")"
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
