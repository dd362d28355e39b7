// The report items a family makes of its verdicts: an STE/CD update's, a
// walk's, an unknown row's, each with the kernel file:line it points at and
// the kernel run's own status beside it.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "entry_update.h"
#include "family.h"
#include "judged_run.h"
#include "trace_print.h"

namespace smmu::checks {

using Clock = std::chrono::steady_clock;
inline double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

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

ReportItem base_item(const PlannedCheck &c, size_t row, const std::string &model);

// The kernel run's own status, beside the item's verdict; the failure's file
// as a location relative to the tree when it is one of the tree's files.
void set_kernel(ReportItem &it, const checker::KernelStatus &k, const std::filesystem::path &root);

void set_outcome(ReportItem &it, checker::Outcome o, checker::ViolationKind kind, const std::string &reason);

// An STE/CD update verdict: the figures, and for a violation the update's
// events, the stores the observed entry came from, and the witness.
ReportItem entry_item(const PlannedCheck &c, size_t row, const std::string &model, const checker::Verdict &v,
                      const harness::Trace &t, const std::vector<checker::EntryUpdate> &updates, const Refs &refs,
                      const checker::FieldMap *fields = nullptr);

// A walk verdict; a violation points first at what made the walk go wrong:
// a torn read's stores, a stale read's, an invalidation that did not remove a
// cached entry, the free of a table still walked, else the stores the walk read.
ReportItem pt_item(const PlannedCheck &c, size_t row, const std::string &model, const checker::PtVerdict &v,
                   const harness::Trace &t, const Refs &refs, const checker::FieldMap *fields = nullptr);

// What every STE/CD verdict must say about the semantics it was judged with.
void add_semantics_notes(const KernelChecks &k, std::vector<ReportItem> &items);

// Why an update of a run is not judged in a row ("" = it is).
using SkipUpdate = std::function<std::string(const checker::EntryUpdate &)>;

// One item per STE/CD update of a driver's run (a sweep's pairs, a writer
// scenario's attach/detach/CD steps), named by the note before it. Updates
// `skip` names are left out, and each item's notes say how many and why.
std::vector<ReportItem> update_items(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                     const std::vector<models::Model> &models, const harness::RunResult &run,
                                     const SkipUpdate &skip = nullptr);

// `unknown` items standing for a row that could not be checked (a worker died).
std::vector<ReportItem> unknown_items(const PlannedCheck &c, size_t row, const std::vector<models::Model> &models,
                                      const std::string &reason);

// The note the 6.1 glue puts before a CD update that no STE can reach
// (harness/kdrivers/arm_smmu_v3_61_glue.c, KSHIM61_UNREACHABLE_CD).
extern const char *const kUnreachableCd;

}  // namespace smmu::checks
