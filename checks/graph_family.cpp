// Pointer publications (checker/structure_graph.h): sweep/l1 judges the
// level-1 descriptors of the level-2 table installs, graph/SCENARIO every
// other edge (STE -> CD table, CD -> page tables, STE -> stage-2 tables) of the
// scenarios that install STEs and CDs through the driver's writer; both follow
// every edge into the structures a pointer reaches.
#include "items.h"
#include "json_io.h"
#include "registry.h"

namespace smmu::checks {

using checker::Outcome;

namespace {

class PublicationFamily : public Family {
 public:
  explicit PublicationFamily(bool level1) : level1_(level1) {}
  const char *name() const override { return level1_ ? "sweep" : "graph"; }

  void plan(const KernelChecks &k, std::vector<PlannedCheck> &plan, std::vector<std::string> &skipped) const override {
    if (level1_) {
      std::vector<std::string> l1;
      for (const char *s : {"strtab_l2_install", "cd_write_2lvl"})
        if (k.has_scenario(s)) l1.push_back(s);
      if (plan_unsupported(k, "sweep/l1", "sweep", plan)) return;
      if (l1.empty() || checker::level1_edges(k.graph).edges.empty())
        skipped.push_back("sweep/l1: the slice has no level-2 table install driver or pointer layout");
      else
        plan.push_back({"sweep/l1", "sweep", l1, "", this});
      return;
    }
    if (checker::non_level1_edges(k.graph).edges.empty()) {
      skipped.push_back("graph: the slice exports no STE/CD pointer edges" +
                        (k.graph.omitted.empty() ? std::string() : " (" + k.graph.omitted.front() + ")"));
      return;
    }
    for (const auto &s : k.scenarios)
      if (is_graph_scenario(s)) plan.push_back({"graph/" + s, "graph", {s}, "", this});
  }

  std::vector<ReportItem> run(const KernelChecks &k, const PlannedCheck &c, size_t row,
                              const std::vector<models::Model> &models) const override {
    const harness::KernelRunner &runner = *k.runner;
    const bool l1 = level1_;
    const checker::StructureGraph judged_edges = l1 ? checker::level1_edges(k.graph) : checker::non_level1_edges(k.graph);
    std::vector<ReportItem> items;
    std::vector<harness::RunResult> runs;
    for (const auto &name : c.targets) runs.push_back(runner.run(runner.find(name)));
    for (const auto &m : models)
      for (const auto &run : runs) {
        const JudgedRun judged(run);
        const checker::KernelStatus &kernel = judged.kernel;
        const harness::Trace &trace = judged.trace;
        Refs refs(run.trace, runner.tree().root);
        auto t0 = Clock::now();
        std::vector<checker::Publication> pubs =
            checker::check_structure_graph(trace, m, judged_edges.edges, &k.graph.edges,
                                           k.graph.pgtable_software_bits);
        double seconds = pubs.empty() ? 0 : since(t0) / pubs.size();
        if (pubs.empty() && !kernel.passed()) {
          // A failed driver that published nothing: no pass, and its failure shown.
          ReportItem it = base_item(c, row, m.name);
          it.item = run.name;
          set_outcome(it, Outcome::Unknown, checker::ViolationKind::None,
                      run.name + ": the driver " + (kernel.complete ? "failed its own checks" : "stopped part way") +
                          " (" + kernel.message + ") and published " + (l1 ? "no table" : "no pointer"));
          set_kernel(it, kernel, runner.tree().root);
          items.push_back(std::move(it));
        } else if (pubs.empty() && !l1) {
          // Nothing to order: the property holds, and the cell says why rather than being empty.
          ReportItem it = base_item(c, row, m.name);
          it.item = run.name;
          set_outcome(it, Outcome::Pass, checker::ViolationKind::None,
                      run.name + ": no store makes an STE/CD pointer followable to a new target");
          set_kernel(it, kernel, runner.tree().root);
          it.engine = "graph";
          items.push_back(std::move(it));
        }
        for (const auto &pub : pubs) {
          const checker::Publication p = judged.judge(pub);
          ReportItem it = base_item(c, row, m.name);
          it.item = run.name + ": " + p.pointer + (l1 ? "" : "[" + std::to_string(p.entry) + "]") + " -> " + p.table +
                    " (" + (l1 ? "" : p.edge + ", ") + "event " + std::to_string(p.pointer_event + 1) + ")";
          set_outcome(it, p.outcome, p.kind, p.reason);
          set_kernel(it, kernel, runner.tree().root);
          it.engine = l1 ? "publication" : "graph";
          it.seconds = seconds;
          it.notes = p.notes;
          if (!l1)
            for (const auto &o : k.graph.omitted) it.notes.push_back("not followed: " + o);
          if (p.outcome == Outcome::Violation) {
            // The pointer store is where the missing barrier or clean belongs.
            it.locations = refs.locations({p.pointer_event, p.unordered_event});
            it.trace = refs.events({p.pointer_event, p.unordered_event});
            it.witness_json = report::json_string([&](report::json::OStream &j) {
              j.objectBegin();
              j.attribute("pointer", p.pointer);
              j.attribute("table", p.table);
              j.attribute("edge", p.edge);
              j.attribute("entry", static_cast<uint64_t>(p.entry));
              j.attribute("pointer_event", p.pointer_event + 1);
              j.attribute("unordered_event", p.unordered_event + 1);
              j.attribute("unordered_in", p.unordered_in);
              j.attribute("path", p.path);
              j.attribute("seen_value", report::hex64(p.seen_value));
              j.attribute("intended_value", report::hex64(p.intended_value));
              j.attribute("seen_fresh", p.seen_fresh);  // true: any value (fresh memory), the two above unused
              j.attribute("table_stores", static_cast<uint64_t>(p.table_stores));
              j.attribute("reached", static_cast<uint64_t>(p.reached));
              j.objectEnd();
            });
            SourceRef ptr = refs.event(p.pointer_event), un = refs.event(p.unordered_event);
            it.witness_text = "  pointer store (event " + std::to_string(ptr.event) + ") " + ptr.text + "   " +
                              ptr.file + ":" + std::to_string(ptr.line) + "\n  not yet visible (event " +
                              std::to_string(un.event) + ") " + un.text + "   " + un.file + ":" +
                              std::to_string(un.line) + "\n";
            if (p.unordered_in != p.table) it.witness_text += "  reached through " + p.path + "\n";
          }
          items.push_back(std::move(it));
        }
      }
    return items;
  }

 private:
  bool level1_;
};

}  // namespace

bool is_graph_scenario(const std::string &s) {
  // STE transitions (6.9+ ste_transitions_*, 6.1 ste_*), CD writes, and the
  // table-pointer switches the walker also follows.
  for (const char *prefix : {"ste_", "cd_", "attach_", "pt_cd_ttb0", "pt_ste_s2ttb"})
    if (s.rfind(prefix, 0) == 0) return true;
  return false;
}

const Family &level1_family() {
  static const PublicationFamily f(true);
  return f;
}

const Family &graph_family() {
  static const PublicationFamily f(false);
  return f;
}

}  // namespace smmu::checks
