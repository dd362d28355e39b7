#include "findings.h"

#include <algorithm>
#include <map>
#include <set>

namespace smmu::report {

namespace {

// A long reason is cut: the example cell's whole story is in --details.
std::string shortened(const std::string &s, size_t max = 100) {
  return s.size() <= max ? s : s.substr(0, max - 3) + "...";
}

}  // namespace

std::vector<Finding> group_findings(const Report &r, const std::vector<Cell> &cells) {
  std::map<std::pair<std::string, std::string>, std::vector<const ReportItem *>> by_cell;
  for (const auto &it : r.items) by_cell[{it.check, it.model}].push_back(&it);
  std::vector<Finding> out;
  std::map<std::string, size_t> index;               // key -> into out
  std::vector<std::set<std::string>> counted;        // per finding: the cells counted
  auto add = [&](const Cell &c, const ReportItem &it, const std::string &kind, const SourceRef &at,
                 const std::string &reason) {
    const std::string key = kind + "\n" + (at.file.empty() ? "reason\n" + reason : where(at));
    auto [pos, fresh] = index.emplace(key, out.size());
    if (fresh) {
      Finding f;
      f.kind = kind;
      f.at = at;
      f.reason = reason;
      f.check = c.check;
      f.model = c.model;
      f.item = it.item;
      out.push_back(std::move(f));
      counted.emplace_back();
    }
    Finding &f = out[pos->second];
    if (!counted[pos->second].insert(c.check + "\n" + c.model).second) return;
    ++f.cells;
    f.required |= c.gates();
    if (std::find(f.models.begin(), f.models.end(), c.model) == f.models.end()) f.models.push_back(c.model);
  };
  for (const auto &c : cells) {
    if (c.ok() || c.known) continue;
    for (const ReportItem *it : by_cell[{c.check, c.model}]) {
      if (it->baseline == "known") continue;  // the baseline accounts for it
      if (it->kernel_failed())
        add(c, *it, "kernel " + kernel_text(*it), it->kernel_location, it->kernel_message);
      if (it->verdict == "pass") continue;
      const std::string kind = it->verdict == "violation" || it->verdict == "warning" ? it->kind : it->verdict;
      add(c, *it, kind, it->locations.empty() ? SourceRef{} : it->locations[0], it->reason);
    }
  }
  // Models in column order, whatever order the cells came in.
  for (auto &f : out)
    std::stable_sort(f.models.begin(), f.models.end(), [&](const std::string &a, const std::string &b) {
      auto rank = [&](const std::string &m) { return std::find(r.models.begin(), r.models.end(), m) - r.models.begin(); };
      return rank(a) < rank(b);
    });
  return out;
}

std::string finding_line(const Finding &f) {
  std::string models;
  for (const auto &m : f.models) models += (models.empty() ? "" : ",") + (m == "any" ? "any model" : m);
  // A lint finding's item is its file:line, already said.
  const bool item = !f.item.empty() && f.item != where(f.at);
  std::string s = f.kind + (f.at.file.empty() ? "" : " at " + where(f.at)) + " under " + models + ": " +
                  std::to_string(f.cells) + (f.cells == 1 ? " cell" : " cells") + ", e.g. " + f.check +
                  (f.model == "any" ? "" : " under " + f.model) + (item ? " (" + f.item + ")" : "");
  // Without a location the reason is all there is to go on: kept whole.
  return s + ": " + (f.at.file.empty() ? f.reason : shortened(f.reason));
}

}  // namespace smmu::report
