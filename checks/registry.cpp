#include "registry.h"

#include <algorithm>

#include "family_support.h"
#include "kernel_semantics.h"
#include "pt_slice.h"

namespace smmu::checks {

// Each defined in its family's file.
const Family &kunit_family();
const Family &sweep_family();
const Family &writer_family();
const Family &level1_family();
const Family &prove_family();
const Family &graph_family();
const Family &pt_family();
const Family &lint_family();

const std::vector<const Family *> &families() {
  static const std::vector<const Family *> all = {&kunit_family(), &sweep_family(), &writer_family(),
                                                  &level1_family(), &prove_family(), &graph_family(),
                                                  &pt_family(), &lint_family()};
  return all;
}

std::vector<std::string> family_names() {
  std::vector<std::string> names;
  for (const Family *f : families())
    if (std::find(names.begin(), names.end(), f->name()) == names.end()) names.push_back(f->name());
  return names;
}

bool PlannedCheck::model_independent() const { return runs && runs->model_independent(); }

namespace {

// Whether the families named `family` are planned in `k`.
bool family_enabled(const KernelChecks &k, const std::string &family) {
  for (const Family *f : families())
    if (f->name() == family && !f->enabled(k)) return false;
  return true;
}

}  // namespace

std::vector<std::string> disabled_rows(const KernelChecks &k) {
  std::vector<std::string> rows;
  for (const auto &r : family_rows())
    if (!family_enabled(k, r.family)) rows.push_back(r.row);
  return rows;
}

bool KernelChecks::has_scenario(const std::string &name) const {
  return std::find(scenarios.begin(), scenarios.end(), name) != scenarios.end();
}

checker::EngineSet &KernelChecks::engines() const {
  if (!engine_set) engine_set = std::make_shared<checker::EngineSet>(engine, *entry);
  return *engine_set;
}

bool plan_unsupported(const KernelChecks &k, const std::string &row, const std::string &family,
                      std::vector<PlannedCheck> &plan) {
  std::string why = unsupported_reason(row, k.runner->build().unsupported);
  if (!why.empty()) plan.push_back({row, family, {}, why});
  return !why.empty();
}

std::vector<PlannedCheck> plan_checks(KernelChecks &k, std::vector<std::string> &skipped) {
  std::vector<PlannedCheck> plan;
  if (!k.runner) {
    // Every family that runs kernel code is unsupported, for the same reason; lint reads the tree.
    for (const auto &r : family_rows())
      if (family_enabled(k, r.family)) plan.push_back({r.row, r.family, {}, "the slice could not be built: " + k.no_slice});
    plan.push_back({"pt/iopt_*", "pt", {}, "the slice could not be built: " + k.no_slice});
    for (const Family *f : families())
      if (!f->needs_slice() && f->enabled(k)) f->plan(k, plan, skipped);
    return plan;
  }
  // What the families read of the tree, once: its scenarios and the semantics
  // its own code gives the checker.
  const harness::KernelRunner &runner = *k.runner;
  k.scenarios.clear();
  for (const auto &s : runner.scenarios()) k.scenarios.push_back(s.name);
  try {
    k.entry = kernel_semantics(runner, checker::needs_ir(k.engine), /*conservative_ok=*/true);
  } catch (const harness::UserError &e) {
    k.no_entry = e.what();
  }
  k.graph = structure_graph(runner);
  k.pt = checker::pt_semantics(runner.slice());
  for (const Family *f : families())
    if (f->enabled(k)) f->plan(k, plan, skipped);
  return plan;
}

std::vector<ReportItem> run_check(const KernelChecks &k, const PlannedCheck &c, size_t row,
                                  const std::vector<models::Model> &models) {
  if (!c.unsupported.empty()) {
    std::vector<ReportItem> items = unknown_items(c, row, models, c.unsupported);
    for (auto &it : items) it.verdict = "unsupported";
    return items;
  }
  if (!c.runs) return unknown_items(c, row, models, "no such check");
  try {
    return c.runs->run(k, c, row, models);
  } catch (const std::exception &e) {
    return unknown_items(c, row, models, std::string("could not be checked: ") + e.what());
  }
}

}  // namespace smmu::checks
