#include "cells.h"

#include <algorithm>
#include <map>
#include <set>

namespace smmu::report {

namespace {

// Violation kinds first, most specific first, then unknown; others by name.
int kind_rank(const std::string &k) {
  static const char *order[] = {"torn", "misordered", "stale", "unknown"};
  for (int i = 0; i < 4; ++i)
    if (k == order[i]) return i;
  return 4;
}

int verdict_rank(const std::string &v) {
  if (v == "violation") return 4;
  if (v == "unknown") return 3;
  if (v == "unsupported") return 2;
  if (v == "warning") return 1;
  return 0;
}

}  // namespace

std::string where(const SourceRef &s) {
  if (s.file.empty()) return "";
  std::string w = s.file + ":" + std::to_string(s.line);
  if (s.column > 0) w += ":" + std::to_string(s.column);
  return w;
}

std::string family(const std::string &check) { return check.substr(0, check.find('/')); }

std::string verdict_text(const Cell &c) {
  if (c.not_pass == 0) return "pass";
  if (c.verdict == "warning") return "warnings " + std::to_string(c.not_pass);
  std::string k;
  for (const auto &[name, n] : c.kinds) k += (k.empty() ? "" : "+") + name;
  if (c.items == 1) return k;
  return k + " " + std::to_string(c.not_pass) + "/" + std::to_string(c.items);
}

// "fail", "bug", "fail, stopped": what the kernel run said, for a cell's text.
std::string kernel_text(const ReportItem &it) {
  return it.kernel_status + (it.kernel_status == "fail" && !it.trace_complete ? ", stopped" : "");
}

std::string Cell::text() const {
  std::string t = verdict_text(*this);
  if (first_kernel) t += " (kernel " + kernel_text(*first_kernel) + ")";
  return t;
}

std::vector<Cell> report_cells(const Report &r, const Expectations *expect) {
  std::map<std::pair<size_t, std::string>, std::vector<const ReportItem *>> by;
  std::map<size_t, std::vector<std::string>> extra_models;  // a model not among the columns
  for (const auto &it : r.items) {
    auto key = std::make_pair(it.row, it.model);
    if (!by.count(key) && it.model != "any" &&
        std::find(r.models.begin(), r.models.end(), it.model) == r.models.end())
      extra_models[it.row].push_back(it.model);
    by[key].push_back(&it);
  }
  std::vector<Cell> cells;
  for (const auto &row : r.rows) {
    std::vector<std::string> models;
    if (by.count({row.index, "any"})) models = {"any"};
    else models = r.models;
    for (const auto &m : extra_models[row.index]) models.push_back(m);
    for (const auto &m : models) {
      Cell c;
      c.check = row.check;
      c.model = m;
      c.verdict = "pass";
      std::map<std::string, int> kinds;
      bool all_known = true;
      for (const ReportItem *it : by[{row.index, m}]) {
        ++c.items;
        if (it->fails() && it->baseline != "known") all_known = false;
        if (it->kernel_failed()) {
          ++c.kernel_failed;
          if (!c.first_kernel) c.first_kernel = it;
        }
        if (it->verdict == "pass") continue;
        ++c.not_pass;
        if (!c.first) c.first = it;
        if (verdict_rank(it->verdict) > verdict_rank(c.verdict)) c.verdict = it->verdict;
        ++kinds[it->verdict == "violation" ? it->kind : it->verdict];
      }
      c.known = !c.ok() && all_known;
      c.kinds.assign(kinds.begin(), kinds.end());
      std::sort(c.kinds.begin(), c.kinds.end(), [](const auto &a, const auto &b) {
        return kind_rank(a.first) != kind_rank(b.first) ? kind_rank(a.first) < kind_rank(b.first) : a.first < b.first;
      });
      // Unsupported is neither pass nor fail unless an expectation names the row.
      c.required = expect ? expect->requires_pass(c.check, c.model) : c.verdict != "unsupported";
      cells.push_back(std::move(c));
    }
  }
  return cells;
}

int report_status(const Report &r, const Expectations *expect) {
  for (const auto &c : report_cells(r, expect))
    if (c.gates()) return 1;
  return 0;
}

Totals totals(const std::vector<Cell> &cells) {
  Totals t;
  std::set<std::string> kernel_failed;
  for (const auto &c : cells) {
    if (c.kernel_failed) kernel_failed.insert(c.check);
    // Lint's findings count also in a cell that a file not checked makes unknown.
    for (const auto &[kind, n] : c.kinds)
      if (kind == "warning") t.warnings += n;
    if (c.verdict != "warning") {
      ++t.cells;
      if (c.verdict == "pass") ++t.pass;
      else if (c.verdict == "violation") ++t.violation;
      else if (c.verdict == "unsupported") ++t.unsupported;
      else ++t.unknown;
    }
    if (c.known) ++t.known;
    if (c.required) {
      ++t.required;
      if (c.gates()) ++t.required_failed;
      if (c.known) ++t.required_known;
    }
  }
  t.kernel_failed = kernel_failed.size();
  return t;
}

}  // namespace smmu::report
