#include <algorithm>
#include <map>

#include "formats.h"
#include "kernel_tree.h"

namespace smmu::report {

using harness::UserError;

Report merge_reports(const std::vector<Report> &shards, const std::vector<std::string> &names) {
  if (shards.empty()) throw UserError("expected at least one report");
  const Report &a = shards[0];
  auto join = [](const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  std::map<int, std::string> seen_shard;
  std::map<size_t, std::string> seen_row;
  Report m = a;
  m.rows.clear();
  m.items.clear();
  m.skipped.clear();
  m.coverage.reset();
  m.fixed.clear();
  m.shard = m.shards = 1;
  for (size_t k = 0; k < shards.size(); ++k) {
    const Report &b = shards[k];
    auto differ = [&](const std::string &what, const std::string &x, const std::string &y) {
      if (x != y)
        throw UserError("" + names[k] + " is not a shard of the same run as " + names[0] + ": " + what +
                        " '" + y + "', not '" + x + "'");
    };
    differ("tree", a.tree + " " + a.version, b.tree + " " + b.version);
    differ("models", join(a.models), join(b.models));
    differ("engine", a.engine + (a.clean_at_sync ? " --clean-at-sync" : ""),
           b.engine + (b.clean_at_sync ? " --clean-at-sync" : ""));
    differ("--only", a.only, b.only);
    differ("--coverage", a.coverage || !a.coverage_note.empty() ? "on" : "off",
           b.coverage || !b.coverage_note.empty() ? "on" : "off");
    differ("plan of checks", std::to_string(a.plan_rows) + " checks in " + std::to_string(a.shards) + " shards",
           std::to_string(b.plan_rows) + " checks in " + std::to_string(b.shards) + " shards");
    if (b.shards > 1) {
      if (seen_shard.count(b.shard))
        throw UserError("" + names[k] + " and " + seen_shard[b.shard] + " are both shard " +
                        std::to_string(b.shard) + "/" + std::to_string(b.shards));
      seen_shard[b.shard] = names[k];
    }
    for (const auto &row : b.rows) {
      if (seen_row.count(row.index))
        throw UserError("check " + row.check + " is in both " + seen_row[row.index] + " and " + names[k]);
      seen_row[row.index] = names[k];
      m.rows.push_back(row);
    }
    m.items.insert(m.items.end(), b.items.begin(), b.items.end());
    m.fixed.insert(m.fixed.end(), b.fixed.begin(), b.fixed.end());  // --baseline: each shard's rows
    if (b.coverage) {
      if (!m.coverage) m.coverage = b.coverage;
      else merge_coverage(*m.coverage, *b.coverage);
    }
    for (const auto &s : b.skipped)
      if (std::find(m.skipped.begin(), m.skipped.end(), s) == m.skipped.end()) m.skipped.push_back(s);
    m.seconds = std::max(m.seconds, b.seconds);
  }
  if (m.rows.size() != a.plan_rows) {
    std::string missing;
    if (a.shards > 1)
      for (int s = 1; s <= a.shards; ++s)
        if (!seen_shard.count(s)) missing += (missing.empty() ? "" : ", ") + std::to_string(s) + "/" + std::to_string(a.shards);
    throw UserError("the reports hold " + std::to_string(m.rows.size()) + " of the " +
                    std::to_string(a.plan_rows) + " checks of the run" +
                    (missing.empty() ? "" : "; missing shard " + missing));
  }
  std::sort(m.rows.begin(), m.rows.end(), [](const PlanRow &x, const PlanRow &y) { return x.index < y.index; });
  std::stable_sort(m.items.begin(), m.items.end(),
                   [](const ReportItem &x, const ReportItem &y) { return x.row < y.row; });
  return m;
}

}  // namespace smmu::report
