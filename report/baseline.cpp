#include "baseline.h"

#include <map>
#include <set>

#include "cells.h"
#include "formats.h"
#include "kernel_tree.h"

namespace smmu::report {

namespace {

// What an item's failure is: its verdict and kind, and how its kernel run
// ended. Equal failures are "the same way".
std::string failure(const ReportItem &it) {
  std::string s = it.verdict == "pass" ? "" : it.verdict + " " + it.kind;
  if (it.kernel_failed()) s += "; kernel " + kernel_text(it);
  return s;
}

// The name an item is matched by across runs.
std::string name_of(const ReportItem &it) {
  std::string n = it.check + "\n" + it.model + "\n";
  if (it.verdict == "warning" && !it.locations.empty())
    return n + "warning\n" + it.kind + "\n" + it.locations[0].file + "\n" + it.locations[0].text + "\n" + it.reason;
  return n + it.item;
}

}  // namespace

Report read_baseline(const std::string &text, const std::string &name) {
  try {
    return read_report(text, name, nullptr);
  } catch (const harness::UserError &e) {
    throw harness::UserError("--baseline " + std::string(e.what()) +
                             " (a baseline is the report of 'smmu-check kernel --format json --output FILE')");
  }
}

void apply_baseline(Report &r, const Report &base, const std::string &name) {
  // Every failure of the baseline under its name; a name may recur (two lint
  // warnings alike in one file), so each match uses one up.
  std::map<std::string, std::multiset<std::string>> failed;
  for (const auto &it : base.items)
    if (it.fails()) failed[name_of(it)].insert(failure(it));
  for (auto &it : r.items) {
    it.baseline.clear();
    if (!it.fails()) continue;
    auto f = failed.find(name_of(it));
    auto same = f == failed.end() ? std::multiset<std::string>::iterator{} : f->second.find(failure(it));
    if (f != failed.end() && same != f->second.end()) {
      f->second.erase(same);
      it.baseline = "known";
    } else {
      it.baseline = "new";
    }
  }
  r.baseline = name;
  r.fixed.clear();
  std::map<std::pair<std::string, std::string>, bool> passes;  // this run's cells
  for (const auto &c : report_cells(r, nullptr)) passes[{c.check, c.model}] = c.ok();
  for (const auto &c : report_cells(base, nullptr)) {
    auto now = passes.find({c.check, c.model});
    if (!c.ok() && c.verdict != "unsupported" && now != passes.end() && now->second)
      r.fixed.push_back({c.check, c.model, c.text()});
  }
}

}  // namespace smmu::report
