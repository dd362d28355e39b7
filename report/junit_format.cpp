#include <algorithm>
#include <cstdio>
#include <sstream>

#include "formats.h"

namespace smmu::report {

namespace {

std::string xml(const std::string &s) {
  std::string o;
  for (unsigned char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t') o += ' ';  // not allowed in XML 1.0
        else o += static_cast<char>(c);
    }
  }
  return o;
}

double cell_seconds(const Report &r, const Cell &c) {
  double s = 0;
  for (const auto &it : r.items)
    if (it.check == c.check && it.model == c.model) s += it.seconds;
  return s;
}

std::string cell_details(const Report &r, const Cell &c) {
  std::ostringstream d;
  if (c.first_kernel) {
    const ReportItem &k = *c.first_kernel;
    d << "kernel " << kernel_text(k) << ": " << k.kernel_message << "\n";
    if (!k.kernel_location.file.empty()) d << "  at " << where(k.kernel_location) << "\n";
  }
  for (const auto &it : r.items) {
    if (it.check != c.check || it.model != c.model || it.verdict == "pass") continue;
    d << it.verdict << (it.kind.empty() ? "" : " (" + it.kind + ")") << ": "
      << (it.item.empty() ? c.check : it.item) << ": " << it.reason << "\n";
    for (const auto &l : it.locations)
      if (!l.file.empty()) d << "  at " << where(l) << (l.text.empty() ? "" : "  " + l.text) << "\n";
    if (c.items == 1 && !it.witness_text.empty()) d << it.witness_text;
  }
  return d.str();
}

}  // namespace

void write_junit(std::ostream &out, const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
  std::vector<std::string> families;
  for (const auto &c : cells)
    if (std::find(families.begin(), families.end(), family(c.check)) == families.end())
      families.push_back(family(c.check));
  auto counts = [&](const std::string *fam, size_t &tests, size_t &failures, size_t &skipped, double &secs) {
    tests = failures = skipped = 0;
    secs = 0;
    for (const auto &c : cells) {
      if (fam && family(c.check) != *fam) continue;
      ++tests;
      secs += cell_seconds(r, c);
      if (!c.ok()) (c.gates() ? failures : skipped)++;
    }
  };
  size_t tests, failures, skipped;
  double secs;
  counts(nullptr, tests, failures, skipped, secs);
  char buf[32];
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::snprintf(buf, sizeof buf, "%.3f", secs);
  out << "<testsuites name=\"smmu-check kernel " << xml(r.tree) << "\" tests=\"" << tests << "\" failures=\""
      << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << buf << "\">\n";
  for (const auto &fam : families) {
    counts(&fam, tests, failures, skipped, secs);
    std::snprintf(buf, sizeof buf, "%.3f", secs);
    out << "  <testsuite name=\"" << xml(fam) << "\" tests=\"" << tests << "\" failures=\"" << failures
        << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << buf << "\">\n";
    for (const auto &c : cells) {
      if (family(c.check) != fam) continue;
      std::snprintf(buf, sizeof buf, "%.3f", cell_seconds(r, c));
      out << "    <testcase classname=\"smmu-check." << xml(fam) << "\" name=\"" << xml(c.check + " [" + c.model + "]")
          << "\" time=\"" << buf << "\"";
      if (c.ok()) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      std::string msg = c.text() + (c.first ? ": " + c.first->reason : "") +
                        (c.first_kernel ? "; kernel " + kernel_text(*c.first_kernel) + ": " + c.first_kernel->kernel_message : "");
      std::string type = c.first ? (c.first->kind.empty() ? c.first->verdict : c.first->kind) : "kernel-run";
      if (c.gates())
        out << "      <failure type=\"" << xml(type)
            << "\" message=\"" << xml(msg) << "\">" << xml(cell_details(r, c)) << "</failure>\n";
      else
        out << "      <skipped message=\""
            << xml(msg + (c.known && c.required ? " (fails as in the baseline " + r.baseline + ")"
                                                : " (not required" + (expect ? " by " + expect->file : "") + ")"))
            << "\"/>\n      <system-out>" << xml(cell_details(r, c)) << "</system-out>\n";
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace smmu::report
