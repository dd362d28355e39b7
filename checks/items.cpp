#include "items.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "kernel_semantics.h"
#include "trace_print.h"
#include "witness_report.h"

namespace smmu::checks {

using checker::Outcome;

const char *const kUnreachableCd = "CD written while no STE points at its table";

namespace {

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

}  // namespace

ReportItem base_item(const PlannedCheck &c, size_t row, const std::string &model) {
  ReportItem it;
  it.row = row;
  it.check = c.check;
  it.model = model;
  return it;
}

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

void set_outcome(ReportItem &it, checker::Outcome o, checker::ViolationKind kind, const std::string &reason) {
  it.verdict = to_string(o);
  it.kind = o == Outcome::Violation ? to_string(kind) : "";
  it.reason = reason;
}

ReportItem entry_item(const PlannedCheck &c, size_t row, const std::string &model, const checker::Verdict &v,
                      const harness::Trace &t, const std::vector<checker::EntryUpdate> &updates, const Refs &refs,
                      const checker::FieldMap *fields) {
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
  it.witness_json =
      report::json_string([&](json::OStream &j) { j.object([&] { write_witness_fields(j, w, fields, u.kind); }); });
  std::ostringstream text;
  checker::print_witness(text, t, v, fields);
  it.witness_text = text.str();
  return it;
}

ReportItem pt_item(const PlannedCheck &c, size_t row, const std::string &model, const checker::PtVerdict &v,
                   const harness::Trace &t, const Refs &refs, const checker::FieldMap *fields) {
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
  checker::print_pt_witness(text, t, v, fields);
  it.witness_text = text.str();
  return it;
}

void add_semantics_notes(const KernelChecks &k, std::vector<ReportItem> &items) {
  for (const auto &n : semantics_notes(*k.entry))
    for (auto &it : items) it.notes.insert(it.notes.begin(), n);
}

std::vector<ReportItem> update_items(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                     const std::vector<models::Model> &models, const harness::RunResult &run,
                                     const SkipUpdate &skip) {
  const harness::KernelRunner &runner = *k.runner;
  const JudgedRun judged(run);
  const checker::KernelStatus &kernel = judged.kernel;
  const harness::Trace &trace = judged.trace;
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
    std::vector<checker::Verdict> each = k.engines().check_each(trace, m, k.options);
    for (size_t i = 0; i < each.size(); ++i) {
      if (i < why.size() && !why[i].empty()) continue;
      ReportItem it = entry_item(c, row, m.name, judged.judge(each[i]), trace, updates, refs, k.entry->fields.get());
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

std::vector<ReportItem> unknown_items(const PlannedCheck &c, size_t row, const std::vector<models::Model> &models,
                                      const std::string &reason) {
  std::vector<ReportItem> items;
  std::vector<std::string> names;
  if (c.model_independent()) names = {"any"};
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

}  // namespace smmu::checks
