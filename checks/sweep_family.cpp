// sweep/ste, sweep/cd: every pair of the tree's STE or CD parameter grid
// written by the real writer (the sweep_*_pairs drivers), one item per update.
#include "items.h"
#include "registry.h"

namespace smmu::checks {

namespace {

class SweepFamily : public Family {
 public:
  const char *name() const override { return "sweep"; }
  void plan(const KernelChecks &k, std::vector<PlannedCheck> &plan, std::vector<std::string> &skipped) const override {
    for (const auto &[row, scenario] : {std::pair<const char *, const char *>{"sweep/ste", "sweep_ste_pairs"},
                                        {"sweep/cd", "sweep_cd_pairs"}}) {
      if (plan_unsupported(k, row, "sweep", plan)) continue;
      if (!k.has_scenario(scenario)) skipped.push_back(std::string(row) + ": the slice has no " + scenario + " driver");
      else if (!k.entry) skipped.push_back(std::string(row) + ": " + k.no_entry);
      else plan.push_back({row, "sweep", {scenario}, "", this});
    }
  }

  std::vector<ReportItem> run(const KernelChecks &k, const PlannedCheck &c, size_t row,
                              const std::vector<models::Model> &models) const override {
    return update_items(k, c, row, models, k.runner->run(k.runner->find(c.targets[0])));
  }
};

}  // namespace

const Family &sweep_family() {
  static const SweepFamily f;
  return f;
}

}  // namespace smmu::checks
