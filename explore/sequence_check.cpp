#include "sequence_check.h"

#include <algorithm>
#include <sstream>

#include "check_update.h"
#include "explicit_engine.h"
#include "kernel_run.h"
#include "witness_report.h"

namespace smmu::explore {

namespace {

bool is_store(const harness::Trace &t, int index) {
  return index >= 0 && static_cast<size_t>(index) < t.events.size() &&
         t.events[index].kind == harness::EventKind::Store;
}

// The first relevant event of a walk: a torn or stale read's store, an
// invalidation that did not remove a cached entry, the free of a table read
// after it, then the last read's store (the order the kernel report uses).
int root_event(const harness::Trace &t, const checker::PtWitness &w) {
  // The device's ATC kept it: the ATC_INV that did not remove the entry, else
  // the TLB invalidation no ATC_INV followed.
  if (w.atc) {
    for (const auto &[index, why] : w.atc->not_invalidated_by)
      if (why.find("refilled") != std::string::npos) return index;
    if (!w.atc->not_invalidated_by.empty()) return w.atc->not_invalidated_by.front().first;
    if (w.atc->tlb_expired_by >= 0) return w.atc->tlb_expired_by;
  }
  for (bool torn : {true, false})
    for (const auto &r : w.reads)
      if (torn ? r.torn : r.stale)
        for (const auto &s : r.sources)
          if (is_store(t, s.trace_index)) return s.trace_index;
  for (const auto &r : w.reads)
    for (const auto &[index, why] : r.not_invalidated_by) return index;
  if (w.outcome.freed_at >= 0) return w.outcome.freed_at;
  for (auto r = w.reads.rbegin(); r != w.reads.rend(); ++r)
    for (const auto &s : r->sources)
      if (is_store(t, s.trace_index)) return s.trace_index;
  return -1;
}

std::string where(const harness::Trace &t, int index) {
  if (index < 0 || static_cast<size_t>(index) >= t.events.size() || t.events[index].loc.line <= 0)
    return "an unlocated event";
  return t.events[index].loc.file + ":" + std::to_string(t.events[index].loc.line);
}

// What tells two findings at the same event apart: for a cached entry no
// invalidation removed, the deepest such entry's level, where it was written
// and why the invalidation missed it (one batch-submit line issues every TLBI).
std::string detail(const harness::Trace &t, const checker::PtWitness &w) {
  // The ATC's cause, in words that do not depend on the sequence's operands.
  if (w.atc) {
    std::string why = "no ATC_INV after the walk";
    for (const auto &[index, text] : w.atc->not_invalidated_by) {
      if (text.find("refilled") != std::string::npos) {
        why = "ATC_INV issued before the TLB invalidation completed";
        break;
      }
      if (why.rfind("no ", 0) != 0) continue;
      why = text.find("misses the entry") != std::string::npos ? "ATC_INV span misses the entry"
            : text.find("sent to SID") != std::string::npos    ? "ATC_INV for another StreamID"
            : text.find("CMD_SYNC") != std::string::npos       ? "ATC_INV never completed"
            : text.find("SSV") != std::string::npos            ? "ATC_INV for another substream"
                                                               : "ATC_INV not guaranteed to remove it";
    }
    return ": the device's ATC entry stays (" + why + ")";
  }
  for (auto r = w.reads.rbegin(); r != w.reads.rend(); ++r) {
    if (r->not_invalidated_by.empty()) continue;
    // "TLBI_NH_VA asid=5 ... granule 4K: why": the command's operands vary with the sequence.
    std::string why = r->not_invalidated_by.front().second;
    if (auto colon = why.rfind(": "); colon != std::string::npos) why = why.substr(colon + 2);
    int written = -1;
    for (const auto &src : r->sources)
      if (is_store(t, src.trace_index)) written = src.trace_index;
    return ": level " + std::to_string(r->level) + " entry written at " + where(t, written) +
           " stays cached (" + why + ")";
  }
  return "";
}

// The first relevant event of an STE/CD update's violation: the earliest
// store the observed entry took a part from, else (an entry seen whole from
// before the update) the first store it missed, else the sync ending its epoch.
int update_root(const checker::EntryUpdate &u, const checker::Witness &w) {
  int root = -1;
  for (const auto &p : w.parts)
    if (p.trace_index >= 0 && (root < 0 || p.trace_index < root)) root = p.trace_index;
  for (size_t k = 0; root < 0 && k <= w.epoch && k < u.epochs.size(); ++k)
    for (const auto &e : u.epochs[k].events)
      if (e.kind == checker::EntryEvent::Kind::Store) {
        root = e.trace_index;
        break;
      }
  if (root < 0 && w.epoch < u.epochs.size()) root = u.epochs[w.epoch].sync_trace_index;
  return root;
}

const char *desc_name(harness::DescKind k) {
  switch (k) {
    case harness::DescKind::Ste: return "STE";
    case harness::DescKind::Cd: return "CD";
    case harness::DescKind::L1Std: return "level-1 stream table descriptor";
    case harness::DescKind::L1Cd: return "level-1 CD descriptor";
    default: return "page table";
  }
}

}  // namespace

SequenceChecker::SequenceChecker(const harness::KernelRunner &runner, std::vector<models::Model> models,
                                 checker::PtSemantics semantics, std::optional<EntryChecks> entries)
    : sequences_(runner), models_(std::move(models)), semantics_(std::move(semantics)), entries_(std::move(entries)) {}

void SequenceChecker::judge_entries(const harness::Trace &t, const std::vector<checker::EntryUpdate> &updates,
                                    const checker::KernelStatus &kernel, const models::Model &m,
                                    SequenceVerdict &v) const {
  if (!entries_) {
    v.unknowns.push_back(m.name + ": the sequence updates STEs/CDs and no entry semantics were given to judge them");
    return;
  }
  // The writer rows' check: every arm_smmu_write_entry call, each epoch, and publication.
  checker::ExplicitEngine engine(entries_->semantics);
  const std::vector<checker::Verdict> each = checker::check_each_update(t, m, engine, entries_->semantics);
  for (size_t i = 0; i < each.size(); ++i) {
    // As the writer rows: a CD no STE can reach is not fetched; its STE's publication is judged below.
    if (i < updates.size() && updates[i].label.rfind(KSHIM_NOTE_UNREACHABLE_CD, 0) == 0) continue;
    const checker::Verdict u = checker::judged(kernel, each[i]);
    ++v.entry_updates;
    if (u.outcome == checker::Outcome::Unknown) {
      v.unknowns.push_back(m.name + ": update " + std::to_string(i + 1) + ": " + u.reason);
    } else if (u.outcome == checker::Outcome::Violation && u.witness.update < updates.size()) {
      const checker::EntryUpdate &up = updates[u.witness.update];
      const std::string kind = checker::to_string(u.kind), at = where(t, update_root(up, u.witness));
      std::ostringstream text;
      text << up.label << (up.label.empty() ? "" : ": ") << u.reason << "\n";
      checker::print_witness(text, t, u, entries_->semantics.fields.get());
      v.findings.push_back(
          {kind + " at " + at + ": " + desc_name(up.kind) + " update", kind, at, m.name, text.str(), u.notes});
      break;  // one per model and check, as the walker's
    }
  }
  // The structure graph: at each store that makes a pointer followable, all it reaches is visible.
  for (const auto &pub : checker::check_structure_graph(t, m, entries_->graph.edges, &entries_->graph.edges,
                                                        entries_->graph.pgtable_software_bits)) {
    const checker::Publication p = checker::judged(kernel, pub);
    ++v.publications;
    if (p.outcome == checker::Outcome::Unknown) {
      v.unknowns.push_back(m.name + ": " + p.pointer + " -> " + p.table + ": " + p.reason);
    } else if (p.outcome == checker::Outcome::Violation) {
      const std::string kind = checker::to_string(p.kind), at = where(t, p.pointer_event);
      std::ostringstream text;
      text << p.reason << "\n  pointer store (event " << p.pointer_event + 1 << ") " << at << ": " << p.pointer
           << "[" << p.entry << "] -> " << p.table << " (" << p.edge << ")\n  not yet visible (event "
           << p.unordered_event + 1 << ") " << where(t, p.unordered_event) << " in " << p.unordered_in
           << (p.unordered_in != p.table ? ", reached through " + p.path : std::string()) << "\n";
      v.findings.push_back({kind + " at " + at + ": " + p.edge + " published before what it reaches", kind, at,
                            m.name, text.str(), p.notes});
      break;
    }
  }
}

SequenceVerdict SequenceChecker::check(const Sequence &s) const { return judge(run(s)); }

std::vector<SequenceVerdict> SequenceChecker::check_all(const std::vector<Sequence> &s) const {
  std::vector<harness::SequenceRunner::SequenceInput> in;
  for (const auto &q : s) in.push_back({q.config, q.ops});
  std::vector<SequenceVerdict> out;
  for (const auto &run : sequences_.run_all(in)) out.push_back(judge(run));
  return out;
}

SequenceVerdict SequenceChecker::judge(const harness::RunResult &run) const {
  SequenceVerdict v;
  v.status = run.status;
  const harness::Trace &t = run.trace;
  // The kernel's own word first: a failed map/unmap or iova_to_phys, a WARN, a BUG.
  for (const auto &f : t.kunit_failures)
    v.findings.push_back({"kernel-failure at " + f.substr(0, f.find(": ")), "kernel-failure", f, "", f});
  for (const auto &e : t.events)
    if (e.kind == harness::EventKind::Warn || e.kind == harness::EventKind::Bug) {
      const std::string kind = e.kind == harness::EventKind::Warn ? "kernel-warning" : "kernel-bug";
      const std::string at = e.loc.file + ":" + std::to_string(e.loc.line);
      v.findings.push_back({kind + " at " + at, kind, at, "", e.text});
    }
  if (run.status == harness::RunStatus::Skip) {
    v.unknowns.push_back(t.log.empty() ? "the slice has no explore driver" : t.log.front());
    return v;
  }
  // The one rule for a run that stopped part way (checker/kernel_run.h): a
  // violation in its prefix stands, a pass is no pass.
  const checker::KernelStatus kernel = checker::kernel_status(run);
  // A master's STE/CD updates (none without one): the trace cut as kernel_run.h
  // says, and its updates, once for every model.
  const bool entries = std::any_of(t.descs.begin(), t.descs.end(), [](const harness::DescRange &d) {
    return d.kind == harness::DescKind::Ste || d.kind == harness::DescKind::Cd;
  });
  harness::Trace cut;
  const harness::Trace *entry_trace = &t;
  if (entries && !kernel.complete) entry_trace = &(cut = checker::judgeable_trace(run));
  const std::vector<checker::EntryUpdate> updates =
      entries ? checker::extract_entry_updates(*entry_trace) : std::vector<checker::EntryUpdate>{};
  for (const auto &m : models_) {
    checker::PtVerdict pv = checker::judged(kernel, checker::check_pt_trace(t, m, semantics_));
    v.walks += pv.walks;
    if (pv.outcome == checker::Outcome::Violation) {
      const int root = root_event(t, pv.witness);
      std::ostringstream text;
      checker::print_pt_witness(text, t, pv);
      const std::string kind = checker::to_string(pv.kind);
      v.findings.push_back({kind + " at " + where(t, root) + detail(t, pv.witness), kind, where(t, root), m.name,
                            text.str(), pv.notes});
    } else if (pv.outcome == checker::Outcome::Unknown) {
      v.unknowns.push_back(m.name + ": " + pv.reason);
    }
    if (entries) judge_entries(*entry_trace, updates, kernel, m, v);
  }
  return v;
}

}  // namespace smmu::explore
