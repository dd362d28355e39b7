#include "check_run.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <set>

#include "kshim_hooks.h"
#include "json_writer.h"
#include "judged_run.h"
#include "trace_print.h"
#include "kernel_tree.h"
#include "witness_report.h"

namespace smmu::checks {

checker::EngineChoice parse_engine(const std::string &s) {
  if (auto c = checker::engine_choice(s)) return *c;
  throw harness::UserError("--engine expects auto, explicit, z3, decompose or both, got '" + s + "'");
}

namespace {

std::string short_case(const std::string &name) {
  const std::string prefix = "arm_smmu_v3_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

}  // namespace

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
  std::set<std::string> noted;  // a note shared by several rows is printed at the first
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
    out << std::left << std::setw(40) << short_case(r.check) << std::setw(model_width) << r.model
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
        << ": " << short_case(r.check) << " under " << r.model << " [" << v.engine << "]\n";
    if (!v.reason.empty()) out << "  " << v.reason << "\n";
    if (!r.kernel.passed()) out << "  kernel " << r.kernel.name() << ": " << r.kernel.message << "\n";
    for (const auto &n : v.notes)
      if (noted.insert(n).second) out << "  note: " << n << "\n";
    if (witnesses && v.outcome == checker::Outcome::Violation && r.trace)
      checker::print_witness(out, *r.trace, v, r.fields.get());
  }
  return not_pass;
}

}  // namespace smmu::checks

namespace smmu::checks {

namespace {

void write_entry(JsonWriter &j, const checker::Entry &e) {
  j.begin_array();
  for (uint64_t q : e) j.hex(q);
  j.end_array();
}

}  // namespace

void write_witness_fields(JsonWriter &j, const checker::Witness &w, const checker::FieldMap *fields,
                          harness::DescKind kind) {
  j.key("update").value(static_cast<uint64_t>(w.update + 1));
  j.key("epoch").value(static_cast<uint64_t>(w.epoch));
  j.key("observed");
  write_entry(j, w.observed);
  j.key("meaning_observed");
  write_entry(j, w.meaning_observed);
  j.key("meaning_epoch_start");
  write_entry(j, w.meaning_start);
  j.key("meaning_epoch_end");
  write_entry(j, w.meaning_end);
  j.key("parts").begin_array();
  for (const auto &p : w.parts) {
    j.begin_object();
    j.key("qword").value(static_cast<uint64_t>(p.qword));
    j.key("shift").value(static_cast<uint64_t>(p.shift));
    j.key("width").value(static_cast<uint64_t>(p.width));
    j.key("value").hex(p.value);
    j.key("event").value(static_cast<int64_t>(p.trace_index + 1));  // 0: the entry before the update
    j.key("stale").value(p.stale);
    // The tree's fields the part touches, each with its own bit range.
    j.key("fields").begin_array();
    if (fields)
      for (const checker::FieldSpec *f : fields->touching(kind, p.qword, checker::part_mask(p))) {
        j.begin_object();
        j.key("name").value(f->name);
        j.key("macro").value(f->macro);
        j.key("bits").value(checker::bit_range(f->mask));
        j.key("mask").hex(f->mask);
        j.end_object();
      }
    j.end_array();
    j.end_object();
  }
  j.end_array();
}

namespace {

void write_witness(JsonWriter &j, const CheckRow &r) {
  j.begin_object();
  const checker::Witness &w = r.verdict.witness;
  std::vector<checker::EntryUpdate> updates = r.trace ? checker::extract_entry_updates(*r.trace) : std::vector<checker::EntryUpdate>{};
  write_witness_fields(j, w, r.fields.get(),
                       w.update < updates.size() ? updates[w.update].kind : harness::DescKind::Ste);
  // The CPU events, numbered as the trace is (1-based), with kernel file:line.
  j.key("trace").begin_array();
  if (r.trace)
    for (size_t i = 0; i < r.trace->events.size(); ++i) {
      const harness::Event &e = r.trace->events[i];
      j.begin_object();
      j.key("event").value(static_cast<uint64_t>(i + 1));
      j.key("text").value(harness::describe(*r.trace, e));
      j.key("file").value(e.loc.line > 0 ? e.loc.file : std::string());
      j.key("line").value(e.loc.line);
      j.end_object();
    }
  j.end_array();
  j.end_object();
}

}  // namespace

int print_check_json(std::ostream &out, const std::vector<CheckRow> &rows) {
  int not_pass = 0;
  JsonWriter j(out);
  j.begin_object();
  j.key("results").begin_array();
  for (const auto &r : rows) {
    const checker::Verdict &v = r.verdict;
    if (!r.passed()) ++not_pass;
    j.begin_object();
    j.key("check").value(r.check);
    j.key("model").value(r.model);
    j.key("verdict").value(to_string(v.outcome));
    j.key("kind").value(v.outcome == checker::Outcome::Violation ? to_string(v.kind) : "");
    j.key("reason").value(v.reason);
    j.key("syncs").value(v.syncs);
    j.key("updates").value(v.updates);
    j.key("hitless").value(v.hitless);
    j.key("explored").value(v.explored);
    j.key("unique").value(v.unique);
    j.key("engine").value(v.engine);
    j.key("time_s").value(v.seconds);
    // The kernel code's own run, beside the verdict: pass, fail (its KUnit
    // expectations), skip or bug, whether it ran to its end, and why not.
    // null for a written sequence, where none ran.
    if (r.kernel_ran) {
      j.key("kernel_status").value(r.kernel.name());
      j.key("trace_complete").value(r.kernel.complete);
      j.key("kernel_message").value(r.kernel.message);
    } else {
      j.key("kernel_status").null().key("trace_complete").null().key("kernel_message").null();
    }
    j.key("notes").begin_array();
    for (const auto &n : v.notes) j.value(n);
    j.end_array();
    if (v.outcome == checker::Outcome::Violation) {
      j.key("witness");
      write_witness(j, r);
    }
    j.end_object();
  }
  j.end_array();
  j.key("passed").value(static_cast<uint64_t>(rows.size() - not_pass));
  j.key("failed").value(static_cast<uint64_t>(not_pass));
  j.end_object();
  out << "\n";
  return not_pass;
}

}  // namespace smmu::checks
