#include "kernel_checks.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "entry_update.h"
#include "family_support.h"
#include "json_writer.h"
#include "kernel_run.h"
#include "kernel_semantics.h"
#include "lint.h"
#include "pt_slice.h"
#include "trace_print.h"
#include "witness_report.h"

namespace smmu::cli {

namespace {

using checker::Outcome;
using Clock = std::chrono::steady_clock;

std::string short_case(const std::string &name) {
  const std::string prefix = "arm_smmu_v3_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Trace events as report references; only events at a file of the tree
// become locations (scenario drivers and cases live outside it).
class Refs {
 public:
  Refs(const harness::Trace &t, const std::filesystem::path &root) : t_(t), root_(root) {}

  SourceRef event(int index) const {
    SourceRef s;
    if (index < 0 || static_cast<size_t>(index) >= t_.events.size()) return s;
    const harness::Event &e = t_.events[index];
    s.event = index + 1;
    s.text = harness::describe(t_, e);
    if (e.loc.line > 0) {
      s.file = e.loc.file;
      s.line = e.loc.line;
    }
    return s;
  }

  bool in_tree(int index) const {
    if (index < 0 || static_cast<size_t>(index) >= t_.events.size()) return false;
    const harness::SourceLoc &l = t_.events[index].loc;
    if (l.line <= 0 || l.file.empty() || l.file[0] == '/') return false;
    auto it = known_.find(l.file);
    if (it == known_.end()) {
      std::error_code ec;
      it = known_.emplace(l.file, std::filesystem::is_regular_file(root_ / l.file, ec)).first;
    }
    return it->second;
  }

  // Locations: the events in order of relevance, those in the tree, each once.
  std::vector<SourceRef> locations(const std::vector<int> &ranked) const {
    std::vector<SourceRef> out;
    std::set<int> seen;
    for (int i : ranked)
      if (in_tree(i) && seen.insert(i).second && out.size() < 12) out.push_back(event(i));
    return out;
  }

  std::vector<SourceRef> events(std::vector<int> indices) const {
    std::sort(indices.begin(), indices.end());
    indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
    std::vector<SourceRef> out;
    for (int i : indices)
      if (i >= 0 && static_cast<size_t>(i) < t_.events.size()) out.push_back(event(i));
    return out;
  }

 private:
  const harness::Trace &t_;
  std::filesystem::path root_;
  mutable std::map<std::string, bool> known_;
};

ReportItem base_item(const PlannedCheck &c, size_t row, const std::string &model) {
  ReportItem it;
  it.row = row;
  it.check = c.check;
  it.model = model;
  return it;
}

// The kernel run's own status, beside the item's verdict; the failure's file
// as a location relative to the tree when it is one of the tree's files.
void set_kernel(ReportItem &it, const checker::KernelStatus &k, const std::filesystem::path &root) {
  it.kernel_status = k.name();
  it.trace_complete = k.complete;
  it.kernel_message = k.message;
  if (k.file.empty() || k.line <= 0) return;
  std::string file = k.file, prefix = root.string() + "/";
  if (file.rfind(prefix, 0) == 0) file = file.substr(prefix.size());
  std::error_code ec;
  if (file.empty() || file[0] == '/' || !std::filesystem::is_regular_file(root / file, ec)) return;
  it.kernel_location.file = file;
  it.kernel_location.line = k.line;
  it.kernel_location.text = k.message;
}

void set_outcome(ReportItem &it, Outcome o, checker::ViolationKind kind, const std::string &reason) {
  it.verdict = to_string(o);
  it.kind = o == Outcome::Violation ? to_string(kind) : "";
  it.reason = reason;
}

// An STE/CD update verdict: the figures, and for a violation the update's
// events, the stores the observed entry came from, and the witness.
ReportItem entry_item(const PlannedCheck &c, size_t row, const std::string &model, const checker::Verdict &v,
                      const harness::Trace &t, const std::vector<checker::EntryUpdate> &updates, const Refs &refs) {
  ReportItem it = base_item(c, row, model);
  set_outcome(it, v.outcome, v.kind, v.reason);
  it.engine = v.engine;
  it.seconds = v.seconds;
  it.notes = v.notes;
  it.entry = true;
  it.syncs = v.syncs;
  it.updates = v.updates;
  it.hitless = v.hitless;
  it.explored = v.explored;
  it.unique = v.unique;
  if (v.outcome != Outcome::Violation || v.witness.update >= updates.size()) return it;
  const checker::Witness &w = v.witness;
  const checker::EntryUpdate &u = updates[w.update];
  // The update's events: from its arm_smmu_write_entry entry to its return.
  int lo = -1, hi = -1;
  for (const auto &ep : u.epochs) {
    for (const auto &e : ep.events) {
      lo = lo < 0 ? e.trace_index : std::min(lo, e.trace_index);
      hi = std::max(hi, e.trace_index);
    }
    if (ep.sync_trace_index >= 0) {
      lo = lo < 0 ? ep.sync_trace_index : std::min(lo, ep.sync_trace_index);
      hi = std::max(hi, ep.sync_trace_index);
    }
  }
  if (lo >= 0) {
    while (lo > 0 && t.events[lo].kind != harness::EventKind::UpdateBegin) --lo;
    while (static_cast<size_t>(hi + 1) < t.events.size() && t.events[hi].kind != harness::EventKind::UpdateEnd) ++hi;
    std::vector<int> range;
    for (int i = lo; i <= hi; ++i) range.push_back(i);
    it.trace = refs.events(range);
  }
  // Where it points: the stores the observed entry took its parts from, in
  // trace order, then the sync that ends the epoch of the fetch.
  std::vector<int> ranked;
  for (const auto &p : w.parts)
    if (p.trace_index >= 0) ranked.push_back(p.trace_index);
  std::sort(ranked.begin(), ranked.end());
  // An entry seen whole from before the update (stale): the stores it missed.
  for (size_t k = 0; k <= w.epoch && k < u.epochs.size(); ++k)
    for (const auto &e : u.epochs[k].events)
      if (e.kind == checker::EntryEvent::Kind::Store) ranked.push_back(e.trace_index);
  if (w.epoch < u.epochs.size()) ranked.push_back(u.epochs[w.epoch].sync_trace_index);
  if (lo >= 0) ranked.push_back(lo);
  it.locations = refs.locations(ranked);
  std::ostringstream js;
  JsonWriter j(js);
  j.begin_object();
  write_witness_fields(j, w);
  j.end_object();
  it.witness_json = js.str();
  std::ostringstream text;
  checker::print_witness(text, t, v);
  it.witness_text = text.str();
  return it;
}

// A walk verdict; a violation points first at what made the walk go wrong:
// a torn read's stores, a stale read's, an invalidation that did not remove a
// cached entry, the free of a table still walked, else the stores the walk read.
ReportItem pt_item(const PlannedCheck &c, size_t row, const std::string &model, const checker::PtVerdict &v,
                   const harness::Trace &t, const Refs &refs) {
  ReportItem it = base_item(c, row, model);
  set_outcome(it, v.outcome, v.kind, v.reason);
  it.engine = "walker";
  it.seconds = v.seconds;
  it.notes = v.notes;
  for (const auto &w : v.warnings) {  // as "FILE:LINE: warning: ..."
    std::ostringstream line;
    checker::print_pt_warnings(line, t, {w});
    std::string text = line.str();
    if (!text.empty() && text.back() == '\n') text.pop_back();
    it.notes.push_back(text);
  }
  it.pt = true;
  it.iovas = v.iovas;
  it.ops = v.ops;
  it.walks = v.walks;
  it.explored = v.walks;
  it.tlb = v.tlb;
  if (v.outcome != Outcome::Violation) return it;
  const checker::PtWitness &w = v.witness;
  std::vector<int> ranked, all;
  auto sources = [&](const checker::PtRead &r) {  // the stores first, then zeroing and old bytes
    for (bool store : {true, false})
      for (const auto &s : r.sources)
        if (store == (s.trace_index >= 0 && static_cast<size_t>(s.trace_index) < t.events.size() &&
                      t.events[s.trace_index].kind == harness::EventKind::Store))
          ranked.push_back(s.trace_index);
  };
  for (const auto &r : w.reads)
    if (r.torn) sources(r);
  for (const auto &r : w.reads)
    if (r.stale) sources(r);
  for (const auto &r : w.reads)
    for (const auto &[index, why] : r.not_invalidated_by) ranked.push_back(index);
  ranked.push_back(w.outcome.freed_at);
  for (auto r = w.reads.rbegin(); r != w.reads.rend(); ++r) sources(*r);
  for (const auto &r : w.reads) {
    for (const auto &s : r.sources) all.push_back(s.trace_index);
    for (const auto &n : r.not_invalidated_by) all.push_back(n.first);
    all.push_back(r.expired_by);
  }
  all.push_back(w.outcome.freed_at);
  it.locations = refs.locations(ranked);
  it.trace = refs.events(all);
  std::ostringstream text;
  checker::print_pt_witness(text, t, v);
  it.witness_text = text.str();
  return it;
}

// What every STE/CD verdict must say about the semantics it was judged with.
void add_semantics_notes(const KernelChecks &k, std::vector<ReportItem> &items) {
  for (const auto &n : semantics_notes(*k.entry))
    for (auto &it : items) it.notes.insert(it.notes.begin(), n);
}

// One KUnit case: every STE/CD update of its run, one verdict per model (the
// first violation names it).
std::vector<ReportItem> check_kunit(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                    const std::vector<models::Model> &models) {
  const harness::KernelRunner &runner = *k.runner;
  std::vector<harness::RunResult> runs{runner.run(runner.find(c.targets[0]))};
  std::vector<CheckRow> rows = check_runs(runs, models, *k.entry, k.engine, k.options);
  std::vector<checker::EntryUpdate> updates = checker::extract_entry_updates(runs[0].trace);
  Refs refs(runs[0].trace, runner.tree().root);
  std::vector<ReportItem> items;
  for (const auto &r : rows) {
    items.push_back(entry_item(c, row, r.model, r.verdict, runs[0].trace, updates, refs));
    set_kernel(items.back(), r.kernel, runner.tree().root);
  }
  add_semantics_notes(k, items);
  return items;
}

// The note the 6.1 glue puts before a CD update that no STE can reach
// (harness/kdrivers/arm_smmu_v3_61_glue.c, KSHIM61_UNREACHABLE_CD).
const char *kUnreachableCd = "CD written while no STE points at its table";

// An update's name: the note before it, else the nearest earlier step note
// (a CD the glue marked unfetchable may sit between a step and its STE update).
std::string update_name(const harness::Trace &t, const std::vector<checker::EntryUpdate> &updates, size_t i) {
  if (i < updates.size() && !updates[i].label.empty()) return updates[i].label;
  size_t begins = 0, at = t.events.size();
  for (size_t e = 0; e < t.events.size() && at == t.events.size(); ++e)
    if (t.events[e].kind == harness::EventKind::UpdateBegin && begins++ == i) at = e;
  for (size_t e = at; e-- > 0;)
    if (t.events[e].kind == harness::EventKind::Note && t.events[e].text.rfind(kUnreachableCd, 0) != 0)
      return t.events[e].text;
  return "update " + std::to_string(i + 1);
}

// Why an update of a run is not judged in a row ("" = it is).
using SkipUpdate = std::function<std::string(const checker::EntryUpdate &)>;

// One item per STE/CD update of a driver's run (a sweep's pairs, a writer
// scenario's attach/detach/CD steps), named by the note before it. Updates
// `skip` names are left out, and each item's notes say how many and why.
std::vector<ReportItem> update_items(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                     const std::vector<models::Model> &models, const harness::RunResult &run,
                                     const SkipUpdate &skip = nullptr) {
  const harness::KernelRunner &runner = *k.runner;
  // A driver that failed its own checks is judged all the same (checker/kernel_run.h).
  const checker::KernelStatus kernel = checker::kernel_status(run);
  const harness::Trace trace = checker::judgeable_trace(run);
  auto with_kernel = [&](std::vector<ReportItem> items) {
    for (auto &it : items) set_kernel(it, kernel, runner.tree().root);
    return items;
  };
  std::vector<checker::EntryUpdate> updates = checker::extract_entry_updates(trace);
  std::vector<std::string> why(updates.size());
  std::map<std::string, int> skipped;
  for (size_t i = 0; skip && i < updates.size(); ++i)
    if (!(why[i] = skip(updates[i])).empty()) ++skipped[why[i]];
  // A cell with no items would read as a pass.
  std::string stopped = kernel.complete ? "" : " (the " + c.family + " driver stopped part way: " + kernel.message + ")";
  if (updates.empty())
    return with_kernel(unknown_items(c, row, models, c.targets[0] + ": the run holds no STE/CD update to judge" + stopped));
  if (std::none_of(why.begin(), why.end(), [](const std::string &w) { return w.empty(); }))
    return with_kernel(unknown_items(c, row, models, c.targets[0] + ": the run holds no update this row judges" + stopped));
  Refs refs(trace, runner.tree().root);
  std::vector<ReportItem> items;
  for (const auto &m : models) {
    std::vector<checker::Verdict> each = check_each(trace, m, *k.entry, k.engine, k.options);
    for (size_t i = 0; i < each.size(); ++i) {
      if (i < why.size() && !why[i].empty()) continue;
      ReportItem it = entry_item(c, row, m.name, checker::judged(kernel, each[i]), trace, updates, refs);
      it.item = update_name(trace, updates, i);
      set_kernel(it, kernel, runner.tree().root);
      items.push_back(std::move(it));
    }
  }
  for (const auto &[reason, n] : skipped)
    for (auto &it : items) it.notes.push_back(std::to_string(n) + " update(s) not judged in this row: " + reason);
  add_semantics_notes(k, items);
  return items;
}

std::vector<ReportItem> check_sweep_pairs(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                          const std::vector<models::Model> &models) {
  return update_items(k, c, row, models, k.runner->run(k.runner->find(c.targets[0])));
}

// A writer scenario's updates, as a sweep's: writer/ste_* judges the STE
// updates, writer/cd_* the CD updates (a CD scenario's attach is an STE
// transition the ste_* rows already make). A CD written while no STE pointed
// at its table (a domain's first CD, at finalise) cannot be fetched, so it is
// not judged; the STE update publishes it, which only cache maintenance can
// break: under a cacheable model nothing here checked that, so a pass there
// becomes unknown.
std::vector<ReportItem> check_writer(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                     const std::vector<models::Model> &models) {
  harness::RunResult run = k.runner->run(k.runner->find(c.targets[0]));
  harness::DescKind kind = c.targets[0].rfind("cd_", 0) == 0 ? harness::DescKind::Cd : harness::DescKind::Ste;
  bool unreachable = false;
  std::vector<ReportItem> items = update_items(k, c, row, models, run, [&](const checker::EntryUpdate &u) {
    bool unfetchable = u.label.rfind(kUnreachableCd, 0) == 0;
    unreachable |= unfetchable;
    if (u.kind != kind)
      return std::string("the ") + (kind == harness::DescKind::Cd ? "STE" : "CD") +
             " updates of the scenario's set-up (the writer/" + (kind == harness::DescKind::Cd ? "ste" : "cd") +
             "_* rows judge those transitions)";
    if (unfetchable) return std::string("a CD written while no STE pointed at its table (the SMMU cannot fetch it)");
    return std::string();
  });
  if (!unreachable) return items;
  for (auto &it : items) {
    auto m = std::find_if(models.begin(), models.end(), [&](const models::Model &x) { return x.name == it.model; });
    if (m == models.end() || m->coherency != models::Coherency::Cacheable || it.verdict != "pass") continue;
    it.verdict = "unknown";
    it.reason = "a CD written before any STE pointed at its table reaches the SMMU through the STE update; "
                "whether it is at PoC by then is not checked";
  }
  return items;
}

// Pointer publications (checker/structure_graph.h) of the row's scenarios:
// sweep/l1 judges the level-1 descriptors, graph/* every other edge; both
// follow every edge into the structures a pointer reaches.
std::vector<ReportItem> check_graph(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                    const std::vector<models::Model> &models) {
  const harness::KernelRunner &runner = *k.runner;
  const bool l1 = c.check == "sweep/l1";
  const checker::StructureGraph judged_edges = l1 ? checker::level1_edges(k.graph) : checker::non_level1_edges(k.graph);
  std::vector<ReportItem> items;
  std::vector<harness::RunResult> runs;
  for (const auto &name : c.targets) runs.push_back(runner.run(runner.find(name)));
  for (const auto &m : models)
    for (const auto &run : runs) {
      // A driver that failed its own checks is judged all the same (checker/kernel_run.h).
      const checker::KernelStatus kernel = checker::kernel_status(run);
      const harness::Trace trace = checker::judgeable_trace(run);
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
        const checker::Publication p = checker::judged(kernel, pub);
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
          std::ostringstream js;
          JsonWriter j(js);
          j.begin_object().key("pointer").value(p.pointer).key("table").value(p.table);
          j.key("edge").value(p.edge).key("entry").value(static_cast<uint64_t>(p.entry));
          j.key("pointer_event").value(p.pointer_event + 1).key("unordered_event").value(p.unordered_event + 1);
          j.key("unordered_in").value(p.unordered_in).key("path").value(p.path);
          j.key("seen_value").hex(p.seen_value).key("intended_value").hex(p.intended_value);
          j.key("seen_fresh").value(p.seen_fresh);  // true: any value (fresh memory), the two above unused
          j.key("table_stores").value(static_cast<uint64_t>(p.table_stores));
          j.key("reached").value(static_cast<uint64_t>(p.reached)).end_object();
          it.witness_json = js.str();
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

std::vector<ReportItem> check_pt(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                 const std::vector<models::Model> &models) {
  const harness::KernelRunner &runner = *k.runner;
  harness::RunResult run = runner.run(runner.find(c.targets[0]));
  // A run that failed its own checks is judged all the same (checker/kernel_run.h).
  const checker::KernelStatus kernel = checker::kernel_status(run);
  const harness::Trace trace = checker::judgeable_trace(run);
  Refs refs(trace, runner.tree().root);
  std::vector<ReportItem> items;
  for (const auto &m : models) {
    items.push_back(pt_item(c, row, m.name, checker::judged(kernel, checker::check_pt_trace(trace, m, k.pt)), trace, refs));
    set_kernel(items.back(), kernel, runner.tree().root);
  }
  return items;
}

std::vector<ReportItem> check_lint(const KernelChecks &k, const PlannedCheck &c, size_t row) {
  auto t0 = Clock::now();
  std::vector<ReportItem> items = lint_items(c, row, lint::lint_tree(*k.tree, lint::CheckFilter("smmu-*")));
  items[0].seconds = since(t0);
  return items;
}

}  // namespace

bool is_graph_scenario(const std::string &s) {
  // STE transitions (6.9+ ste_transitions_*, 6.1 ste_*), CD writes, and the
  // table-pointer switches the walker also follows.
  for (const char *prefix : {"ste_", "cd_", "attach_", "pt_cd_ttb0", "pt_ste_s2ttb"})
    if (s.rfind(prefix, 0) == 0) return true;
  return false;
}

std::vector<ReportItem> lint_items(const PlannedCheck &c, size_t row, const lint::LintResult &r) {
  std::vector<std::string> notes;
  for (const auto &[at, name] : r.unparsed)
    notes.push_back(at.file + ":" + std::to_string(at.line) + ": the body of " + name +
                    "() did not parse against the shim; it was not checked");
  if (!r.parse_errors.empty())
    notes.push_back(std::to_string(r.parse_errors.size()) +
                    " parse errors against the shim ('smmu-check lint --parse-errors' lists them)");
  std::vector<ReportItem> items;
  // A file that did not parse was not checked: the cell is unknown, never pass.
  // First, so that the cell's reason is the file and its error.
  for (const auto &u : r.not_checked) {
    ReportItem it = base_item(c, row, "any");
    it.verdict = "unknown";
    it.item = u.file;
    it.reason = u.file + " was not checked: it did not parse (first error: " + u.first_error + ")";
    items.push_back(std::move(it));
  }
  if (r.findings.empty() && r.not_checked.empty()) {
    ReportItem it = base_item(c, row, "any");
    it.verdict = "pass";
    it.reason = lint::summary_line(r);
    items.push_back(std::move(it));
  }
  for (const auto &f : r.findings) {
    ReportItem it = base_item(c, row, "any");
    it.verdict = "warning";
    it.kind = f.check;
    it.item = f.where.file + ":" + std::to_string(f.where.line) + ":" + std::to_string(f.where.column);
    it.reason = f.message;
    SourceRef s;
    s.file = f.where.file;
    s.line = static_cast<int>(f.where.line);
    s.column = static_cast<int>(f.where.column);
    s.text = (f.function.empty() ? "" : "in " + f.function + "(): ") + f.source_line;
    it.locations.push_back(s);
    for (const auto &n : f.notes)
      it.locations.push_back({n.where.file, static_cast<int>(n.where.line), static_cast<int>(n.where.column), 0, n.message});
    it.witness_text = f.source_line;
    items.push_back(std::move(it));
  }
  for (auto &it : items) {
    it.engine = "lint";
    it.notes = notes;
  }
  return items;
}

std::vector<PlannedCheck> plan_checks(KernelChecks &k, std::vector<std::string> &skipped) {
  if (!k.runner) {
    // Every family that runs kernel code is unsupported, for the same reason; lint reads the tree.
    std::vector<PlannedCheck> plan;
    for (const auto &r : family_rows()) plan.push_back({r.row, r.family, {}, "the slice could not be built: " + k.no_slice});
    plan.push_back({"pt/iopt_*", "pt", {}, "the slice could not be built: " + k.no_slice});
    plan.push_back({"lint", "lint", {}});
    return plan;
  }
  const harness::KernelRunner &runner = *k.runner;
  std::vector<PlannedCheck> plan;
  std::set<std::string> scenarios;
  std::vector<std::string> scenario_order;
  for (const auto &s : runner.scenarios()) {
    scenarios.insert(s.name);
    scenario_order.push_back(s.name);
  }
  std::string no_entry;
  try {
    k.entry = kernel_semantics(runner, checker::needs_ir(k.engine), /*conservative_ok=*/true);
  } catch (const harness::UserError &e) {
    no_entry = e.what();
  }

  // A row whose slice family the tree lacks is planned as `unsupported`.
  const auto &lacking = runner.build().unsupported;
  auto unsupported = [&](const std::string &row, const std::string &family) {
    std::string why = unsupported_reason(row, lacking);
    if (!why.empty()) plan.push_back({row, family, {}, why});
    return !why.empty();
  };

  auto cases = runner.kunit_cases();
  if (unsupported("kunit", "kunit")) {
  } else if (cases.empty()) skipped.push_back("kunit: the tree has no arm-smmu-v3-test.c");
  else if (!k.entry) skipped.push_back("kunit: " + no_entry);
  else
    for (const auto &c : cases) plan.push_back({"kunit/" + short_case(c.name), "kunit", {c.name}});

  for (const auto &[row, scenario] : {std::pair<const char *, const char *>{"sweep/ste", "sweep_ste_pairs"},
                                      {"sweep/cd", "sweep_cd_pairs"}}) {
    if (unsupported(row, "sweep")) continue;
    if (!scenarios.count(scenario)) skipped.push_back(std::string(row) + ": the slice has no " + scenario + " driver");
    else if (!k.entry) skipped.push_back(std::string(row) + ": " + no_entry);
    else plan.push_back({row, "sweep", {scenario}});
  }
  // The writer's own scenarios (ste_*, cd_*: attach, detach, CD install, ...)
  // on a tree with no sweep grid (6.1's arm_smmu_write_strtab_ent): each
  // scenario's STE or CD updates, one item each (check_writer). Where the
  // sweep grid exists it covers every transition those scenarios make.
  if (!scenarios.count("sweep_ste_pairs")) {
    bool any = false;
    for (const auto &s : scenario_order) {
      if (s.rfind("ste_", 0) != 0 && s.rfind("cd_", 0) != 0) continue;
      any = true;
      if (k.entry) plan.push_back({"writer/" + s, "writer", {s}});
    }
    if (any && !k.entry) skipped.push_back("writer: " + no_entry);
  }
  k.graph = structure_graph(runner);
  std::vector<std::string> l1;
  for (const char *s : {"strtab_l2_install", "cd_write_2lvl"})
    if (scenarios.count(s)) l1.push_back(s);
  if (unsupported("sweep/l1", "sweep")) {
  } else if (l1.empty() || checker::level1_edges(k.graph).edges.empty())
    skipped.push_back("sweep/l1: the slice has no level-2 table install driver or pointer layout");
  else
    plan.push_back({"sweep/l1", "sweep", l1});
  // The other pointers (STE -> CD table, CD -> tables, STE -> stage-2 tables)
  // of the scenarios that install STEs and CDs through the driver's writer.
  if (checker::non_level1_edges(k.graph).edges.empty()) {
    skipped.push_back("graph: the slice exports no STE/CD pointer edges" +
                      (k.graph.omitted.empty() ? std::string() : " (" + k.graph.omitted.front() + ")"));
  } else {
    for (const auto &s : scenario_order)
      if (is_graph_scenario(s)) plan.push_back({"graph/" + s, "graph", {s}});
  }

  k.pt = checker::pt_semantics(runner.slice());
  std::vector<std::string> pt;
  for (const auto &s : scenario_order)
    if (s.rfind("iopt_", 0) == 0 || s.rfind("pt_", 0) == 0) pt.push_back(s);
  if (!k.pt.index || !k.pt.decode) skipped.push_back("pt: the slice has no kshim_lpae_decode (io_pgtable_arm_glue.c)");
  else if (pt.empty()) skipped.push_back("pt: the slice has no io-pgtable scenarios (iopt_*, pt_*)");
  else
    for (const auto &s : pt) plan.push_back({"pt/" + s, "pt", {s}});
  unsupported("pt/pt_*", "pt");

  plan.push_back({"lint", "lint", {}});
  return plan;
}

std::vector<ReportItem> unknown_items(const PlannedCheck &c, size_t row, const std::vector<models::Model> &models,
                                      const std::string &reason) {
  std::vector<ReportItem> items;
  std::vector<std::string> names;
  if (c.family == "lint") names = {"any"};
  else
    for (const auto &m : models) names.push_back(m.name);
  for (const auto &m : names) {
    ReportItem it = base_item(c, row, m);
    it.verdict = "unknown";
    it.reason = reason;
    items.push_back(std::move(it));
  }
  return items;
}

std::vector<ReportItem> run_check(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                  const std::vector<models::Model> &models) {
  if (!c.unsupported.empty()) {
    std::vector<ReportItem> items = unknown_items(c, row, models, c.unsupported);
    for (auto &it : items) it.verdict = "unsupported";
    return items;
  }
  try {
    if (c.family == "kunit") return check_kunit(k, c, row, models);
    if (c.family == "writer") return check_writer(k, c, row, models);
    if (c.check == "sweep/l1" || c.family == "graph") return check_graph(k, c, row, models);
    if (c.family == "sweep") return check_sweep_pairs(k, c, row, models);
    if (c.family == "pt") return check_pt(k, c, row, models);
    if (c.family == "lint") return check_lint(k, c, row);
  } catch (const std::exception &e) {
    return unknown_items(c, row, models, std::string("could not be checked: ") + e.what());
  }
  return unknown_items(c, row, models, "no such check");
}

}  // namespace smmu::cli
