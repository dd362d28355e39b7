#include "sweep_run.h"

#include <sstream>

#include "check_run.h"
#include "entry_update.h"
#include "judged_run.h"
#include "kernel_semantics.h"
#include "notes_once.h"
#include "structure_graph.h"
#include "trace_print.h"
#include "witness_report.h"

namespace smmu::checks {

namespace {

const char *kScenarios[] = {"sweep_ste_pairs", "sweep_cd_pairs"};

// A driver run that failed its own checks is reported beside its verdicts.
void note_kernel(const JudgedRun &judged, const std::string &name, SweepResult &r) {
  if (judged.kernel.passed()) return;
  ++r.kernel_failed;
  r.details.push_back(std::string("kernel ") + judged.kernel.name() + ": " + name + ": " + judged.kernel.message +
                      "; see 'smmu-check trace " + name + "'\n");
}

void sweep_pairs(const harness::KernelRunner &runner, const std::vector<models::Model> &models,
                 const SweepOptions &o, checker::EngineSet &engines, const checker::FieldMap *fields,
                 checker::NotesOnce &notes, SweepResult &r) {
  checker::CheckOptions options;
  options.clean_at_sync = o.clean_at_sync;
  for (const char *name : kScenarios) {
    harness::RunResult run = runner.run(runner.find(name));
    const JudgedRun judged(run);
    note_kernel(judged, name, r);
    const harness::Trace &trace = judged.trace;
    std::vector<checker::EntryUpdate> updates = checker::extract_entry_updates(trace);
    for (const auto &m : models) {
      if (o.progress)
        o.progress("checking " + std::to_string(updates.size()) + " transitions of " + name + " under " + m.name);
      std::vector<checker::Verdict> each = engines.check_each(trace, m, options);
      SweepRow row;
      row.scenario = name;
      row.model = m.name;
      row.checked = each.size();
      if (each.empty()) {  // a row of no pairs would read as a pass (a driver that died, say)
        ++row.unknown;
        ++r.not_pass;
        ++r.total;
        r.details.push_back(std::string("unknown: ") + name + " under " + m.name + ": the run holds no STE/CD update" +
                            (judged.kernel.passed() ? "" : " (" + judged.kernel.message + ")") + "\n");
      }
      for (size_t i = 0; i < each.size(); ++i) {
        const checker::Verdict v = judged.judge(each[i]);
        ++r.total;
        if (v.outcome == checker::Outcome::Pass) {
          (v.hitless ? row.hitless : row.breaking)++;
          continue;
        }
        ++r.not_pass;
        if (v.outcome == checker::Outcome::Unknown) ++row.unknown;
        else ++row.violations[to_string(v.kind)];
        std::ostringstream d;
        d << to_string(v.outcome)
          << (v.outcome == checker::Outcome::Violation ? std::string(" (") + to_string(v.kind) + ")" : "")
          << ": " << updates[i].label << " under " << m.name << " [" << v.engine << "]: " << v.reason << "\n";
        notes.print(d, v.notes);
        if (o.witnesses && v.outcome == checker::Outcome::Violation) checker::print_witness(d, trace, v, fields);
        r.details.push_back(d.str());
      }
      r.rows.push_back(std::move(row));
    }
  }
}

// Level-1 descriptors that install a new level-2 table: publications.
void sweep_level1(const harness::KernelRunner &runner, const std::vector<models::Model> &models, SweepResult &r) {
  const checker::StructureGraph graph = structure_graph(runner);
  const std::vector<checker::GraphEdge> l1_edges = checker::level1_edges(graph).edges;
  for (const char *name : {"strtab_l2_install", "cd_write_2lvl"}) {
    harness::RunnableCase c;
    try {
      c = runner.find(name);
    } catch (const harness::UserError &) {
      continue;  // a tree without this scenario driver
    }
    harness::RunResult run = runner.run(c);
    const JudgedRun judged(run);
    note_kernel(judged, name, r);
    for (const auto &m : models) {
      SweepRow row;
      row.scenario = name;
      row.model = m.name;
      row.publications = true;
      for (const auto &pub :
           checker::check_structure_graph(judged.trace, m, l1_edges, &graph.edges, graph.pgtable_software_bits)) {
        const checker::Publication p = judged.judge(pub);
        ++r.total;
        ++row.checked;
        if (p.outcome == checker::Outcome::Pass) continue;
        ++row.unpublished;
        ++r.not_pass;
        if (p.outcome != checker::Outcome::Violation) {
          r.details.push_back(std::string(to_string(p.outcome)) + ": " + name + " under " + m.name + ": " + p.reason +
                              "\n");
          continue;
        }
        const harness::Event &e = run.trace.events[p.unordered_event];
        const harness::Event &ptr = run.trace.events[p.pointer_event];
        std::ostringstream d;
        d << to_string(p.outcome) << " (" << to_string(p.kind) << "): " << name << " under " << m.name << ": "
          << p.reason << "\n  pointer store (event " << p.pointer_event + 1 << ") " << harness::describe(run.trace, ptr)
          << "   " << ptr.loc.file << ":" << ptr.loc.line << "\n  not yet visible (event " << p.unordered_event + 1
          << ") " << harness::describe(run.trace, e) << "   " << e.loc.file << ":" << e.loc.line << "\n";
        r.details.push_back(d.str());
      }
      r.rows.push_back(std::move(row));
    }
  }
}

}  // namespace

SweepResult run_sweep(const harness::KernelRunner &runner, const std::vector<models::Model> &models,
                      const SweepOptions &o) {
  checker::EntrySemantics sem = kernel_semantics(runner, checker::needs_ir(o.engine));
  checker::EngineSet engines(o.engine, sem);  // one for the run: its engines keep what they derive
  SweepResult r;
  checker::NotesOnce notes;  // the text's details say a note shared by many pairs once
  sweep_pairs(runner, models, o, engines, sem.fields.get(), notes, r);
  sweep_level1(runner, models, r);
  return r;
}

}  // namespace smmu::checks
