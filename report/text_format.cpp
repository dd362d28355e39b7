#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "findings.h"
#include "formats.h"

namespace smmu::report {

namespace {

std::string seconds_text(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1fs", s);
  return b;
}

std::string gate_line(const Report &r, const std::vector<Cell> &cells, const Expectations *expect) {
  Totals t = totals(cells);
  std::string who = expect ? "gate " + expect->file : "gate (no --expect: every cell must pass)";
  const std::string known = t.required_known ? std::to_string(t.required_known) + " fail as in the baseline " + r.baseline : "";
  if (t.required_failed == 0)
    return who + ": ok, " + std::to_string(t.required - t.required_known) + " required cells pass" +
           (known.empty() ? "" : ", " + known);
  return who + ": FAILED, " + std::to_string(t.required_failed) + " of " + std::to_string(t.required) +
         " required cells do not pass" +
         (r.baseline.empty() ? "" : " (new against the baseline" + (known.empty() ? "" : "; " + known) + ")");
}

std::string one_line(const Cell &c) {
  const ReportItem &it = *c.first;
  std::string s = c.check + " under " + c.model + ": " + verdict_text(c);
  if (c.items > 1) s += ", first " + it.item;
  s += ": " + it.reason;
  if (!it.locations.empty() && !it.locations[0].file.empty()) s += " (" + where(it.locations[0]) + ")";
  return s;
}

// --details: one line per cell that does not pass (its first item), every
// lint finding, and a line per check whose kernel run failed.
void write_cell_findings(std::ostream &out, const Report &r, const std::vector<Cell> &cells,
                         const Expectations *expect) {
  bool header = false;
  std::set<std::string> kernel_said;  // one line per check whose kernel run failed
  for (const auto &c : cells) {
    if (c.ok() || c.known) continue;  // the baseline accounts for a known cell
    if (!header) {
      out << "\nfindings (one line per cell; --format json lists every item with its witness):\n";
      header = true;
    }
    std::string mark = expect && c.gates() ? "! " : "  ";
    if (c.first_kernel && kernel_said.insert(c.check).second) {
      // Model-independent: marked if any cell of the row is required.
      bool required = expect && std::any_of(cells.begin(), cells.end(), [&](const Cell &x) {
                        return x.check == c.check && x.gates() && x.kernel_failed;
                      });
      const ReportItem &k = *c.first_kernel;
      out << (required ? "! " : "  ") << c.check << ": kernel " << kernel_text(k) << ": " << k.kernel_message;
      if (!k.kernel_location.file.empty()) out << " (" << where(k.kernel_location) << ")";
      out << "\n";
    }
    if (!c.not_pass) continue;
    if (c.verdict != "warning") out << mark << one_line(c) << "\n";
    // Lint: every finding, also in a cell that a file not checked makes unknown.
    for (const auto &it : r.items)
      if (it.check == c.check && it.verdict == "warning")
        out << mark << c.check << ": " << (it.locations.empty() ? it.item : where(it.locations[0])) << ": "
            << it.reason << " [" << it.kind << "]\n";
  }
}

// One line per root cause (findings.h), required ones marked.
void write_grouped_findings(std::ostream &out, const Report &r, const std::vector<Cell> &cells,
                            const Expectations *expect) {
  std::vector<Finding> groups = group_findings(r, cells);
  if (groups.empty()) return;
  out << "\nfindings (one line per root cause; --details lists every cell, --format json every item with its "
         "witness):\n";
  for (const auto &f : groups) out << (expect && f.required ? "! " : "  ") << finding_line(f) << "\n";
}

// --baseline: what it accounts for (not listed above, not gated) and what
// this run fixed.
void write_baseline(std::ostream &out, const Report &r, const std::vector<Cell> &cells) {
  if (r.baseline.empty()) return;
  Totals t = totals(cells);
  size_t fresh = 0;
  for (const auto &c : cells) fresh += !c.ok() && !c.known;
  out << "\nbaseline " << r.baseline << ": "
      << (fresh ? std::to_string(fresh) + (fresh == 1 ? " cell fails" : " cells fail") + " anew (listed above)"
                : "no cell fails anew")
      << "; " << t.known << (t.known == 1 ? " cell fails" : " cells fail") << " as in the baseline (not listed, not gated); " << r.fixed.size() << " fixed"
      << (r.fixed.empty() ? "" : ":") << "\n";
  for (const auto &f : r.fixed) out << "  fixed: " << f.check << " under " << f.model << " (was " << f.was << ")\n";
}

}  // namespace

std::string summary_line(const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
  Totals t = totals(cells);
  std::ostringstream s;
  s << "kernel: " << r.rows.size() << " checks x " << r.models.size() << " models: " << t.pass << " pass, "
    << t.violation << " violation, " << t.unknown << " unknown";
  if (t.unsupported) s << ", " << t.unsupported << " unsupported";
  if (t.kernel_failed)
    s << "; the kernel code failed its own checks in " << t.kernel_failed << " check" << (t.kernel_failed > 1 ? "s" : "");
  if (std::any_of(cells.begin(), cells.end(), [](const Cell &c) { return c.model == "any"; }))
    s << "; lint " << t.warnings << " warnings";
  s << " (" << seconds_text(r.seconds) << "); " << gate_line(r, cells, expect);
  return s.str();
}

void write_text(std::ostream &out, const Report &r, const Expectations *expect, bool details) {
  auto cells = report_cells(r, expect);
  out << "smmu-check kernel: " << r.tree << " (" << r.version << "); engine " << r.engine
      << (r.clean_at_sync ? ", clean at sync" : "");
  if (r.shards > 1) out << "; shard " << r.shard << "/" << r.shards;
  out << "\n";
  for (const auto &s : r.skipped) out << "not checked: " << s << "\n";

  // Row label: the check, with the number of items an aggregated row holds.
  std::map<std::string, std::vector<const Cell *>> by_check;
  for (const auto &c : cells) by_check[c.check].push_back(&c);
  auto label = [&](const std::string &check) {
    const auto &v = by_check[check];
    return !v.empty() && v[0]->items > 1 && v[0]->model != "any" ? check + " (" + std::to_string(v[0]->items) + ")"
                                                                 : check;
  };
  auto cell_text = [&](const Cell &c) { return c.text() + (expect && c.gates() ? "!" : ""); };
  size_t w0 = 6;
  for (const auto &row : r.rows) w0 = std::max(w0, label(row.check).size());
  std::vector<size_t> w;
  for (const auto &m : r.models) {
    size_t width = m.size();
    for (const auto &c : cells)
      if (c.model == m) width = std::max(width, cell_text(c).size());
    w.push_back(width);
  }
  out << std::left << std::setw(w0 + 2) << "check";
  for (size_t i = 0; i < r.models.size(); ++i)
    out << (i + 1 < r.models.size() ? std::string(r.models[i]) + std::string(w[i] + 2 - r.models[i].size(), ' ')
                                     : r.models[i]);
  out << "\n";
  bool marked = false;
  for (const auto &row : r.rows) {
    const auto &v = by_check[row.check];
    std::string line = label(row.check);
    line += std::string(w0 + 2 - line.size(), ' ');
    if (!v.empty() && v[0]->model == "any") {
      line += cell_text(*v[0]) + " (any model)";
      marked |= expect && v[0]->gates();
    } else {
      for (size_t i = 0; i < r.models.size(); ++i) {
        const Cell *c = nullptr;
        for (const Cell *x : v)
          if (x->model == r.models[i]) c = x;
        std::string t = c ? cell_text(*c) : "-";
        marked |= c && expect && c->gates();
        line += i + 1 < r.models.size() ? t + std::string(w[i] + 2 - t.size(), ' ') : t;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  if (marked) out << "(! = required to pass by " << expect->file << ")\n";

  if (details) write_cell_findings(out, r, cells, expect);
  else write_grouped_findings(out, r, cells, expect);
  write_baseline(out, r, cells);
  if (r.coverage) {
    out << "\n";
    write_coverage_text(out, *r.coverage);
  } else if (!r.coverage_note.empty()) {
    out << "\ncoverage: " << r.coverage_note << "\n";
  }
  // What fails the gate, last, where a CI log is read.
  if (expect && std::any_of(cells.begin(), cells.end(), [](const Cell &c) { return c.gates(); })) {
    out << "\nrequired by " << expect->file << " and not passing" << (r.baseline.empty() ? "" : " (new against the baseline)")
        << ":\n";
    for (const auto &c : cells)
      if (c.gates()) out << "  " << c.check << " under " << c.model << ": " << c.text() << "\n";
  }
  out << "\n" << summary_line(r, expect) << "\n";
}

}  // namespace smmu::report
