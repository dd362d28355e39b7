// pt/SCENARIO: each io-pgtable-arm scenario (map, unmap, split, table-pointer
// switches) against the walker, as 'smmu-check pt'.
#include "items.h"
#include "registry.h"

namespace smmu::checks {

namespace {

class PtFamily : public Family {
 public:
  const char *name() const override { return "pt"; }
  void plan(const KernelChecks &k, std::vector<PlannedCheck> &plan, std::vector<std::string> &skipped) const override {
    std::vector<std::string> pt;
    for (const auto &s : k.scenarios)
      if (s.rfind("iopt_", 0) == 0 || s.rfind("pt_", 0) == 0) pt.push_back(s);
    if (!k.pt.index || !k.pt.decode) skipped.push_back("pt: the slice has no kshim_lpae_decode (io_pgtable_arm_glue.c)");
    else if (pt.empty()) skipped.push_back("pt: the slice has no io-pgtable scenarios (iopt_*, pt_*)");
    else
      for (const auto &s : pt) plan.push_back({"pt/" + s, "pt", {s}, "", this});
    plan_unsupported(k, "pt/pt_*", "pt", plan);
  }

  std::vector<ReportItem> run(const KernelChecks &k, const PlannedCheck &c, size_t row,
                              const std::vector<models::Model> &models) const override {
    const harness::KernelRunner &runner = *k.runner;
    const JudgedRun run(runner.run(runner.find(c.targets[0])));
    Refs refs(run.trace, runner.tree().root);
    std::vector<ReportItem> items;
    for (const auto &m : models) {
      items.push_back(pt_item(c, row, m.name, run.judge(checker::check_pt_trace(run.trace, m, k.pt)), run.trace, refs,
                              k.entry ? k.entry->fields.get() : nullptr));
      set_kernel(items.back(), run.kernel, runner.tree().root);
    }
    return items;
  }
};

}  // namespace

const Family &pt_family() {
  static const PtFamily f;
  return f;
}

}  // namespace smmu::checks
