// kunit/CASE: every STE/CD update of one case of the tree's own KUnit test
// (arm-smmu-v3-test.c), one verdict per model, as 'smmu-check kunit --model'.
#include "case_names.h"
#include "items.h"
#include "registry.h"

namespace smmu::checks {

namespace {

class KunitFamily : public Family {
 public:
  const char *name() const override { return "kunit"; }
  void plan(const KernelChecks &k, std::vector<PlannedCheck> &plan, std::vector<std::string> &skipped) const override {
    auto cases = k.runner->kunit_cases();
    if (plan_unsupported(k, "kunit", "kunit", plan)) return;
    if (cases.empty()) skipped.push_back("kunit: the tree has no arm-smmu-v3-test.c");
    else if (!k.entry) skipped.push_back("kunit: " + k.no_entry);
    else
      for (const auto &c : cases) plan.push_back({"kunit/" + short_case_name(c.name), "kunit", {c.name}, "", this});
  }

  // The first violation of the case's updates names its verdict.
  std::vector<ReportItem> run(const KernelChecks &k, const PlannedCheck &c, size_t row,
                              const std::vector<models::Model> &models) const override {
    const harness::KernelRunner &runner = *k.runner;
    std::vector<harness::RunResult> runs{runner.run(runner.find(c.targets[0]))};
    std::vector<CheckRow> rows = check_runs(runs, models, *k.entry, k.engine, k.options);
    std::vector<checker::EntryUpdate> updates = checker::extract_entry_updates(runs[0].trace);
    Refs refs(runs[0].trace, runner.tree().root);
    std::vector<ReportItem> items;
    for (const auto &r : rows) {
      items.push_back(entry_item(c, row, r.model, r.verdict, runs[0].trace, updates, refs, k.entry->fields.get()));
      set_kernel(items.back(), r.kernel, runner.tree().root);
    }
    add_semantics_notes(k, items);
    return items;
  }
};

}  // namespace

const Family &kunit_family() {
  static const KunitFamily f;
  return f;
}

}  // namespace smmu::checks
