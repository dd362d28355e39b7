#include "coverage_summary.h"

#include <algorithm>
#include <cstdio>
#include <set>


namespace smmu::report {

const std::vector<std::string> &key_functions() {
  static const std::vector<std::string> names = {
      "__arm_lpae_map", "__arm_lpae_unmap", "arm_lpae_init_pte", "arm_lpae_install_table",
      "arm_lpae_split_blk_unmap",
      "__arm_smmu_tlb_inv_range",                                            // 6.12
      "arm_smmu_domain_inv_range", "__arm_smmu_domain_inv_range",            // 7.x
      "arm_smmu_inv_to_cmdq_batch", "arm_smmu_cmdq_batch_add_range",
      "arm_smmu_write_entry", "arm_smmu_atc_inv_domain", "arm_smmu_atc_inv_master",
      "arm_smmu_mm_arch_invalidate_secondary_tlbs",                          // SVA (explore)
      "arm_smmu_atc_inv_to_cmd", "arm_smmu_invs_end_batch",                 // ATS
  };
  return names;
}

const harness::FunctionCoverage *CoverageSummary::find(const std::string &function) const {
  for (const auto &f : functions)
    if (f.function == function) return &f;
  return nullptr;
}

CoverageSummary::Lines CoverageSummary::lines(const std::vector<std::string> &names) const {
  Lines l;
  std::set<std::string> seen;
  for (const auto &n : names) {
    const harness::FunctionCoverage *f = find(n);
    if (!f || !f->present || !seen.insert(n).second) continue;  // nor a variable: never present
    ++l.present;
    l.executed += f->lines_executed();
    l.executable += f->lines_executable();
  }
  return l;
}

CoverageSummary coverage_summary(const harness::SliceCoverage &coverage, const harness::Profile &profile,
                                 const std::vector<std::string> &key) {
  CoverageSummary s;
  s.key = key.empty() ? key_functions() : key;
  s.families = family_roots(profile);
  std::vector<std::string> names = s.key;
  for (const auto &f : s.families)
    for (const auto &r : f.roots)
      if (std::find(names.begin(), names.end(), r) == names.end()) names.push_back(r);
  s.functions = coverage.report(names).functions;
  return s;
}

std::vector<FamilyRoots> family_roots(const harness::Profile &profile) {
  std::vector<FamilyRoots> out = {{"core", {}}};
  auto add = [](std::vector<std::string> &to, const std::vector<std::string> &names) {
    for (const auto &n : names)
      if (std::find(to.begin(), to.end(), n) == to.end()) to.push_back(n);
  };
  for (const auto &u : profile.units) {
    add(out[0].roots, u.roots);
    for (const auto &f : u.families) {
      auto it = std::find_if(out.begin(), out.end(), [&](const FamilyRoots &r) { return r.family == f.family; });
      if (it == out.end()) it = out.insert(out.end(), {f.family, {}});
      add(it->roots, f.roots);
    }
  }
  return out;
}


namespace {

// The roots of `f` that are not variables (an ops table is a root too).
size_t function_roots(const CoverageSummary &s, const FamilyRoots &f) {
  size_t n = 0;
  for (const auto &r : f.roots) {
    const harness::FunctionCoverage *c = s.find(r);
    n += !(c && c->variable);
  }
  return n;
}

}  // namespace

std::string lines_text(const CoverageSummary::Lines &l) {
  if (l.executable == 0) return "-";
  char pct[16];
  std::snprintf(pct, sizeof pct, "%.0f%%", 100.0 * static_cast<double>(l.executed) / static_cast<double>(l.executable));
  return std::to_string(l.executed) + "/" + std::to_string(l.executable) + " (" + pct + ")";
}

void write_coverage_text(std::ostream &out, const CoverageSummary &s) {
  size_t w = 6;
  for (const auto &f : s.families) w = std::max(w, f.family.size());
  for (const auto &k : s.key) w = std::max(w, k.size());
  auto pad = [&](const std::string &t) { return t + std::string(w + 2 - std::min(w + 1, t.size()), ' '); };
  out << "coverage: kernel lines executed / executable\n";
  out << "  " << pad("family") << "root functions of the family\n";
  for (const auto &f : s.families) {
    CoverageSummary::Lines l = s.lines(f.roots);
    out << "  " << pad(f.family) << lines_text(l);
    size_t functions = function_roots(s, f);
    if (l.present < functions) out << "  (" << l.present << " of " << functions << " root functions in this slice)";
    out << "\n";
  }
  out << "  " << pad("key function") << "lines, then those not executed\n";
  for (const auto &k : s.key) {
    const harness::FunctionCoverage *f = s.find(k);
    out << "  " << pad(k);
    if (!f || !f->present) {
      if (f && f->variable) out << "a variable, not a function (" << f->file << ")\n";
      else if (f && f->in_tree) out << "not in the slice: nothing the harness runs calls it (" << f->file << ")\n";
      else out << "absent from this tree\n";
      continue;
    }
    out << lines_text(s.lines({k}));
    if (!f->unexecuted.empty()) out << "  not executed: " << f->file << ":" << harness::line_ranges(f->unexecuted);
    out << "\n";
  }
}

void write_coverage_json(json::OStream &j, const CoverageSummary &s) {
  auto lines = [&](const CoverageSummary::Lines &l) {
    j.attribute("lines_executed", static_cast<uint64_t>(l.executed));
    j.attribute("lines_executable", static_cast<uint64_t>(l.executable));
  };
  j.objectBegin();
  j.attribute("key_functions", json::Array(s.key));
  j.attributeArray("families", [&] {
    for (const auto &f : s.families)
      j.object([&] {
        j.attribute("family", f.family);
        j.attribute("roots", json::Array(f.roots));
        CoverageSummary::Lines l = s.lines(f.roots);
        j.attribute("roots_present", static_cast<uint64_t>(l.present));
        lines(l);
      });
  });
  j.attributeArray("functions", [&] {
    for (const auto &f : s.functions)
      j.object([&] {
        j.attribute("function", f.function);
        j.attribute("present", f.present);
        j.attribute("in_tree", f.present || f.in_tree);
        j.attribute("variable", f.variable);
        j.attribute("file", f.file);
        lines(s.lines({f.function}));
        j.attribute("executable", json::Array(f.executable));
        j.attribute("counts", json::Array(f.counts));
        j.attribute("unexecuted", json::Array(f.unexecuted));
        j.attribute("unexecuted_ranges", f.unexecuted.empty() ? "" : f.file + ":" + harness::line_ranges(f.unexecuted));
        j.attributeArray("branches", [&] {
          for (const auto &b : f.branches)
            j.object([&] {
              j.attribute("line", b.line);
              j.attribute("column", b.column);
              j.attribute("true", b.true_count);
              j.attribute("false", b.false_count);
            });
        });
      });
  });
  j.objectEnd();
}

bool fromJSON(const json::Value &v, FamilyRoots &f, json::Path p) {
  Members m(v, p);
  return m && m.may("family", f.family) && m.may("roots", f.roots);
}

bool fromJSON(const json::Value &v, CoverageSummary &s, json::Path p) {
  Members m(v, p);
  auto function = [&](const json::Value &x, json::Path q) {
    Members o(x, q);
    harness::FunctionCoverage f;
    bool in_tree = false;
    auto branch = [&](const json::Value &y, json::Path r) {
      Members b(y, r);
      f.branches.emplace_back();
      harness::BranchCoverage &c = f.branches.back();
      return b && b.may("line", c.line) && b.may("column", c.column) && b.may("true", c.true_count) &&
             b.may("false", c.false_count);
    };
    if (!o || !o.may("function", f.function) || !o.may("present", f.present) || !o.may("in_tree", in_tree) ||
        !o.may("variable", f.variable) || !o.may("file", f.file) || !o.may("executable", f.executable) ||
        !o.may("counts", f.counts) || !o.each("branches", branch))
      return false;
    f.in_tree = !f.present && in_tree;
    f.counts.resize(f.executable.size());
    for (size_t k = 0; k < f.executable.size(); ++k) (f.counts[k] ? f.executed : f.unexecuted).push_back(f.executable[k]);
    s.functions.push_back(std::move(f));
    return true;
  };
  return m && m.may("key_functions", s.key) && m.may("families", s.families) && m.each("functions", function);
}

void merge_coverage(CoverageSummary &into, const CoverageSummary &more) {
  for (const auto &k : more.key)
    if (std::find(into.key.begin(), into.key.end(), k) == into.key.end()) into.key.push_back(k);
  for (const auto &f : more.families) {
    auto it = std::find_if(into.families.begin(), into.families.end(),
                           [&](const FamilyRoots &r) { return r.family == f.family; });
    if (it == into.families.end()) into.families.push_back(f);
  }
  for (const auto &f : more.functions) {
    auto it = std::find_if(into.functions.begin(), into.functions.end(),
                           [&](const harness::FunctionCoverage &x) { return x.function == f.function; });
    if (it == into.functions.end()) into.functions.push_back(f);
    else harness::accumulate(*it, f);
  }
}

}  // namespace smmu::report
