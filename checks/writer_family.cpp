// writer/SCENARIO: on a tree with no sweep grid (6.1's
// arm_smmu_write_strtab_ent), each writer scenario's STE or CD updates (attach,
// detach, CD install, ...), one item each. Where the sweep grid exists it
// covers every transition those scenarios make.
#include <algorithm>

#include "items.h"
#include "registry.h"

namespace smmu::checks {

namespace {

class WriterFamily : public Family {
 public:
  const char *name() const override { return "writer"; }
  void plan(const KernelChecks &k, std::vector<PlannedCheck> &plan, std::vector<std::string> &skipped) const override {
    if (k.has_scenario("sweep_ste_pairs")) return;
    bool any = false;
    for (const auto &s : k.scenarios) {
      if (s.rfind("ste_", 0) != 0 && s.rfind("cd_", 0) != 0) continue;
      any = true;
      if (k.entry) plan.push_back({"writer/" + s, "writer", {s}, "", this});
    }
    if (any && !k.entry) skipped.push_back("writer: " + k.no_entry);
  }

  // A writer scenario's updates, as a sweep's: writer/ste_* judges the STE
  // updates, writer/cd_* the CD updates (a CD scenario's attach is an STE
  // transition the ste_* rows already make). A CD written while no STE pointed
  // at its table (a domain's first CD, at finalise) cannot be fetched, so it is
  // not judged; the STE update publishes it, which only cache maintenance can
  // break: under a cacheable model nothing here checked that, so a pass there
  // becomes unknown.
  std::vector<ReportItem> run(const KernelChecks &k, const PlannedCheck &c, size_t row,
                              const std::vector<models::Model> &models) const override {
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
};

}  // namespace

const Family &writer_family() {
  static const WriterFamily f;
  return f;
}

}  // namespace smmu::checks
