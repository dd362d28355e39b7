#include "check_run.h"

#include <llvm/Support/raw_os_ostream.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <set>

#include "case_names.h"
#include "kshim_hooks.h"
#include "judged_run.h"
#include "trace_print.h"
#include "kernel_tree.h"
#include "notes_once.h"
#include "witness_report.h"

namespace smmu::checks {

checker::EngineChoice parse_engine(const std::string &s) {
  if (auto c = checker::engine_choice(s)) return *c;
  throw harness::UserError("--engine expects auto, explicit, z3, decompose or both, got '" + s + "'");
}

std::vector<CheckRow> check_runs(const std::vector<harness::RunResult> &runs,
                                 const std::vector<models::Model> &models,
                                 const checker::EntrySemantics &sem, checker::EngineChoice engine,
                                 const checker::CheckOptions &options) {
  std::vector<CheckRow> rows;
  checker::EngineSet engines(engine, sem);
  for (const auto &run : runs) {
    const JudgedRun judged(run);
    const checker::KernelStatus &kernel = judged.kernel;
    const harness::Trace &trace = judged.trace;
    for (const auto &m : models) {
      CheckRow row{run.name, m.name, {}, kernel, &run.trace};
      row.fields = sem.fields;
      row.verdict = judged.judge(engines.check_trace(trace, m, options));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

checker::StructureGraph structure_graph(const harness::KernelRunner &runner) {
  checker::StructureGraph g;
  auto *edges = runner.slice().function<int(const kshim_graph_edge **)>("kshim_slice_graph_edges");
  auto *omitted = runner.slice().function<int(const char *const **)>("kshim_slice_graph_omitted");
  if (!edges) {
    g.omitted.push_back("the slice exports no structure graph (kshim_slice_graph_edges)");
    return g;
  }
  const kshim_graph_edge *e = nullptr;
  for (int n = edges(&e), i = 0; i < n; ++i) {
    checker::GraphEdge x;
    x.name = e[i].name;
    x.from = static_cast<harness::DescKind>(e[i].from);
    x.to = static_cast<harness::DescKind>(e[i].to);
    x.entry_qwords = e[i].entry_qwords;
    x.qword = e[i].qword;
    x.mask = e[i].mask;
    for (int k = 0; k < e[i].nguards && k < KSHIM_GRAPH_MAX_GUARDS; ++k) {
      const kshim_graph_guard &gd = e[i].guards[k];
      x.guards.push_back({gd.qword, gd.mask, {gd.values, gd.values + std::min(gd.nvalues, KSHIM_GRAPH_MAX_VALUES)},
                          gd.negate != 0});
    }
    g.edges.push_back(std::move(x));
  }
  if (auto *sw = runner.slice().function<const uint64_t>("kshim_lpae_software_bits")) g.pgtable_software_bits = *sw;
  const char *const *why = nullptr;
  for (int n = omitted ? omitted(&why) : 0, i = 0; i < n; ++i) g.omitted.push_back(why[i]);
  return g;
}

int print_check_report(std::ostream &out, const std::vector<CheckRow> &rows, bool witnesses) {
  int not_pass = 0;
  checker::NotesOnce notes;  // a note shared by several rows is printed at the first
  // Wide enough for the longest model name (cacheable-byte+plain-tear32) plus a gap.
  int model_width = 24;
  for (const auto &r : rows) model_width = std::max(model_width, static_cast<int>(r.model.size()) + 2);
  out << std::left << std::setw(40) << "check" << std::setw(model_width) << "model" << std::setw(11)
      << "verdict" << std::setw(12) << "kind" << std::setw(7) << "syncs" << std::setw(10)
      << "update" << std::setw(10) << "explored" << std::setw(8) << "unique" << std::setw(9) << "time"
      << "kernel\n";
  for (const auto &r : rows) {
    const checker::Verdict &v = r.verdict;
    char time[32];
    std::snprintf(time, sizeof time, "%.1fms", v.seconds * 1e3);
    out << std::left << std::setw(40) << short_case_name(r.check) << std::setw(model_width) << r.model
        << std::setw(11) << to_string(v.outcome) << std::setw(12) << to_string(v.kind)
        << std::setw(7) << v.syncs << std::setw(10) << (v.hitless ? "hitless" : "breaking")
        << std::setw(10) << v.explored << std::setw(8) << v.unique << std::setw(9) << time
        << (!r.kernel_ran ? "-" : std::string(r.kernel.name()) + (r.kernel.complete ? "" : " (stopped)")) << "\n";
    if (!r.passed()) ++not_pass;
  }
  for (const auto &r : rows) {
    const checker::Verdict &v = r.verdict;
    if (r.passed()) continue;
    out << "\n" << to_string(v.outcome) << (v.outcome == checker::Outcome::Violation ? std::string(" (") + to_string(v.kind) + ")" : "")
        << ": " << short_case_name(r.check) << " under " << r.model << " [" << v.engine << "]\n";
    if (!v.reason.empty()) out << "  " << v.reason << "\n";
    if (!r.kernel.passed()) out << "  kernel " << r.kernel.name() << ": " << r.kernel.message << "\n";
    notes.print(out, v.notes);
    if (witnesses && v.outcome == checker::Outcome::Violation && r.trace)
      checker::print_witness(out, *r.trace, v, r.fields.get());
  }
  return not_pass;
}

}  // namespace smmu::checks

namespace smmu::checks {

namespace {

json::Value entry_json(const checker::Entry &e) {
  json::Array a;
  for (uint64_t q : e) a.push_back(report::hex64(q));
  return a;
}

}  // namespace

void write_witness_fields(json::OStream &j, const checker::Witness &w, const checker::FieldMap *fields,
                          harness::DescKind kind) {
  j.attribute("update", static_cast<uint64_t>(w.update + 1));
  j.attribute("epoch", static_cast<uint64_t>(w.epoch));
  j.attribute("observed", entry_json(w.observed));
  j.attribute("meaning_observed", entry_json(w.meaning_observed));
  j.attribute("meaning_epoch_start", entry_json(w.meaning_start));
  j.attribute("meaning_epoch_end", entry_json(w.meaning_end));
  j.attributeArray("parts", [&] {
    for (const auto &p : w.parts)
      j.object([&] {
        j.attribute("qword", static_cast<uint64_t>(p.qword));
        j.attribute("shift", static_cast<uint64_t>(p.shift));
        j.attribute("width", static_cast<uint64_t>(p.width));
        j.attribute("value", report::hex64(p.value));
        j.attribute("event", static_cast<int64_t>(p.trace_index + 1));  // 0: the entry before the update
        j.attribute("stale", p.stale);
        // The tree's fields the part touches, each with its own bit range.
        j.attributeArray("fields", [&] {
          if (fields)
            for (const checker::FieldSpec *f : fields->touching(kind, p.qword, checker::part_mask(p)))
              j.object([&] {
                j.attribute("name", f->name);
                j.attribute("macro", f->macro);
                j.attribute("bits", checker::bit_range(f->mask));
                j.attribute("mask", report::hex64(f->mask));
              });
        });
      });
  });
}

namespace {

void write_witness(json::OStream &j, const CheckRow &r) {
  j.objectBegin();
  const checker::Witness &w = r.verdict.witness;
  std::vector<checker::EntryUpdate> updates = r.trace ? checker::extract_entry_updates(*r.trace) : std::vector<checker::EntryUpdate>{};
  write_witness_fields(j, w, r.fields.get(),
                       w.update < updates.size() ? updates[w.update].kind : harness::DescKind::Ste);
  // The CPU events, numbered as the trace is (1-based), with kernel file:line.
  j.attributeArray("trace", [&] {
    if (r.trace)
      for (size_t i = 0; i < r.trace->events.size(); ++i) {
        const harness::Event &e = r.trace->events[i];
        j.object([&] {
          j.attribute("event", static_cast<uint64_t>(i + 1));
          j.attribute("text", harness::describe(*r.trace, e));
          j.attribute("file", e.loc.line > 0 ? e.loc.file : std::string());
          j.attribute("line", e.loc.line);
        });
      }
  });
  j.objectEnd();
}

void write_row(json::OStream &j, const CheckRow &r) {
  const checker::Verdict &v = r.verdict;
  j.objectBegin();
  j.attribute("check", r.check);
  j.attribute("model", r.model);
  j.attribute("verdict", to_string(v.outcome));
  j.attribute("kind", v.outcome == checker::Outcome::Violation ? to_string(v.kind) : "");
  j.attribute("reason", v.reason);
  j.attribute("syncs", v.syncs);
  j.attribute("updates", v.updates);
  j.attribute("hitless", v.hitless);
  j.attribute("explored", v.explored);
  j.attribute("unique", v.unique);
  j.attribute("engine", v.engine);
  report::number6(j, "time_s", v.seconds);
  // The kernel code's own run, beside the verdict: pass, fail (its KUnit
  // expectations), skip or bug, whether it ran to its end, and why not.
  // null for a written sequence, where none ran.
  j.attribute("kernel_status", r.kernel_ran ? json::Value(r.kernel.name()) : nullptr);
  j.attribute("trace_complete", r.kernel_ran ? json::Value(r.kernel.complete) : nullptr);
  j.attribute("kernel_message", r.kernel_ran ? json::Value(r.kernel.message) : nullptr);
  j.attribute("notes", json::Array(v.notes));
  if (v.outcome == checker::Outcome::Violation) {
    j.attributeBegin("witness");
    write_witness(j, r);
    j.attributeEnd();
  }
  j.objectEnd();
}

}  // namespace

int write_check_json(json::OStream &j, const std::vector<CheckRow> &rows) {
  int not_pass = 0;
  j.objectBegin();
  j.attributeArray("results", [&] {
    for (const auto &r : rows) {
      if (!r.passed()) ++not_pass;
      write_row(j, r);
    }
  });
  j.attribute("passed", static_cast<uint64_t>(rows.size() - not_pass));
  j.attribute("failed", static_cast<uint64_t>(not_pass));
  j.objectEnd();
  return not_pass;
}

int print_check_json(std::ostream &out, const std::vector<CheckRow> &rows) {
  llvm::raw_os_ostream os(out);
  json::OStream j(os);
  int not_pass = write_check_json(j, rows);
  os << "\n";
  return not_pass;
}

}  // namespace smmu::checks
