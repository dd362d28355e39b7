// lint: plain stores into live descriptor memory, as 'smmu-check lint'; it
// reads the tree, runs no kernel code, and no model changes it: one cell.
#include "items.h"
#include "lint.h"
#include "registry.h"

namespace smmu::checks {

namespace {

class LintFamily : public Family {
 public:
  const char *name() const override { return "lint"; }
  void plan(const KernelChecks &, std::vector<PlannedCheck> &plan, std::vector<std::string> &) const override {
    plan.push_back({"lint", "lint", {}, "", this});
  }

  std::vector<ReportItem> run(const KernelChecks &k, const PlannedCheck &c, size_t row,
                              const std::vector<models::Model> &) const override {
    auto t0 = Clock::now();
    std::vector<ReportItem> items = lint_items(c, row, lint::lint_tree(*k.tree, lint::CheckFilter("smmu-*")));
    items[0].seconds = since(t0);
    return items;
  }

  bool needs_slice() const override { return false; }
  bool model_independent() const override { return true; }
};

}  // namespace

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

const Family &lint_family() {
  static const LintFamily f;
  return f;
}

}  // namespace smmu::checks
