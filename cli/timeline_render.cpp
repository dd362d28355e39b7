// Draws a Timeline: plain text for a terminal, SVG for a page or a review,
// HTML (the SVG plus the text) for a browser. All three read the same columns:
// CPU events in program order, each SMMU read placed after the events it follows.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "timeline.h"

namespace smmu::cli {

namespace {

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

std::string xml(const std::string &s) {
  std::string o;
  for (char c : s) switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  return o;
}

// One column: a CPU event (cpu >= 0) or an SMMU read (read >= 0).
struct Column {
  int cpu = -1, read = -1;
};

std::vector<Column> columns(const Timeline &tl) {
  std::vector<int> order(tl.reads.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return tl.reads[a].instant < tl.reads[b].instant; });
  std::vector<Column> cols;
  size_t r = 0;
  for (size_t c = 0; c < tl.cpu.size(); ++c) {
    while (r < order.size() && tl.reads[order[r]].instant <= tl.cpu[c].index) cols.push_back({-1, order[r++]});
    cols.push_back({static_cast<int>(c), -1});
  }
  while (r < order.size()) cols.push_back({-1, order[r++]});
  return cols;
}

// Splits at spaces into lines of at most `width` characters.
std::vector<std::string> wrap(const std::string &s, size_t width) {
  std::vector<std::string> lines{""};
  std::istringstream words(s);
  for (std::string w; words >> w;) {
    if (!lines.back().empty() && lines.back().size() + 1 + w.size() > width) lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + w;
  }
  return lines;
}

std::string sources(const Timeline::Read &r) {
  std::string s;
  for (int src : r.sources) s += (s.empty() ? "" : ", ") + (src < 0 ? std::string("initial") : "event " + std::to_string(src + 1));
  return s;
}

}  // namespace

void render_text(std::ostream &out, const Timeline &tl) {
  out << tl.title << "\n" << tl.verdict << "\n";
  for (const auto &d : tl.details) out << "  " << d << "\n";
  out << "\n";
  out << "   event  CPU / SMMU\n";
  for (const Column &c : columns(tl)) {
    if (c.cpu >= 0) {
      const auto &e = tl.cpu[c.cpu];
      char idx[16];
      std::snprintf(idx, sizeof idx, "%8d", e.index + 1);
      out << idx << "  " << (e.glyph == '|' ? "---- " : "") << e.label;
      if (!e.where.empty()) out << "   " << e.where;
      for (const auto &u : tl.units)
        for (const auto &[at, value] : u.values)
          if (at == e.index) out << "\n            " << u.name << " := " << hex(value);
      out << "\n";
    } else {
      const auto &r = tl.reads[c.read];
      out << "    SMMU  reads " << tl.units[r.unit].name << " (" << r.label << ") = " << hex(r.value)
          << "  from " << sources(r) << (r.marked ? "   <== violation" : "") << "\n";
    }
  }
}

void render_svg(std::ostream &out, const Timeline &tl) {
  const std::vector<Column> cols = columns(tl);
  const int left = 190, colw = 30, laneh = 54;
  const int lanes = static_cast<int>(tl.units.size()) + 2;  // CPU, units..., SMMU
  const int width = std::max(760, left + colw * static_cast<int>(cols.size() + 1) + 40);
  const size_t chars = static_cast<size_t>(width - 20) / 7;
  std::vector<std::string> verdict = wrap(tl.verdict, chars);
  for (const auto &d : tl.details)
    for (const auto &line : wrap(d, chars - 2)) verdict.push_back("  " + line);
  const std::vector<std::string> legend =
      wrap("blue dot: store; bar: barrier; green square: CMO; orange diamond: command; grey dot: allocation; "
           "dashed line: sync or operation boundary; red: the reads that make the violation; dashed arcs: where a "
           "read's value came from. Hover for details.", chars);
  const int top = 50 + 16 * static_cast<int>(verdict.size());
  const int height = top + lanes * laneh + 30 + 16 * static_cast<int>(legend.size());
  auto x_of = [&](size_t col) { return left + colw * static_cast<int>(col) + colw / 2; };
  auto y_of = [&](int lane) { return top + lane * laneh + laneh / 2; };
  const int cpu_lane = 0, smmu_lane = lanes - 1;
  std::map<int, size_t> col_of_event;
  for (size_t c = 0; c < cols.size(); ++c)
    if (cols[c].cpu >= 0) col_of_event[tl.cpu[cols[c].cpu].index] = c;

  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"monospace\" font-size=\"11\">\n";
  out << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out << "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">" << xml(tl.title) << "</text>\n";
  for (size_t i = 0; i < verdict.size(); ++i)
    out << "<text x=\"10\" y=\"" << 42 + 16 * i << "\">" << xml(verdict[i]) << "</text>\n";
  // Lanes.
  for (int l = 0; l < lanes; ++l) {
    std::string name = l == cpu_lane ? "CPU" : l == smmu_lane ? "SMMU reads" : tl.units[l - 1].name;
    out << "<text x=\"10\" y=\"" << y_of(l) + 4 << "\" font-weight=\"bold\">" << xml(name) << "</text>\n";
    out << "<line x1=\"" << left << "\" y1=\"" << y_of(l) << "\" x2=\"" << width - 20 << "\" y2=\"" << y_of(l)
        << "\" stroke=\"#bbb\"/>\n";
    if (l != cpu_lane && l != smmu_lane && !tl.units[l - 1].values.empty())
      out << "<text x=\"" << left - 4 << "\" y=\"" << y_of(l) - 8 << "\" text-anchor=\"end\" fill=\"#666\">"
          << hex(tl.units[l - 1].values.front().second) << "</text>\n";
  }
  // CPU events, and the value each store leaves in its unit.
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].cpu < 0) continue;
    const auto &e = tl.cpu[cols[c].cpu];
    int x = x_of(c), y = y_of(cpu_lane);
    std::string tip = "<title>event " + std::to_string(e.index + 1) + ": " + xml(e.label) +
                      (e.where.empty() ? "" : " (" + xml(e.where) + ")") + "</title>";
    switch (e.glyph) {
      case 'b':
        out << "<g><rect x=\"" << x - 2 << "\" y=\"" << y - 12 << "\" width=\"4\" height=\"24\" fill=\"#333\"/>" << tip << "</g>\n";
        break;
      case 'c':
        out << "<g><rect x=\"" << x - 7 << "\" y=\"" << y - 7 << "\" width=\"14\" height=\"14\" fill=\"#2a7\"/>" << tip << "</g>\n";
        break;
      case 'q':
        out << "<g><polygon points=\"" << x << "," << y - 8 << " " << x + 8 << "," << y << " " << x << "," << y + 8
            << " " << x - 8 << "," << y << "\" fill=\"#c80\"/>" << tip << "</g>\n";
        break;
      case '|':
        out << "<g><line x1=\"" << x << "\" y1=\"" << top << "\" x2=\"" << x << "\" y2=\"" << top + lanes * laneh
            << "\" stroke=\"#888\" stroke-dasharray=\"4,3\"/>" << tip << "</g>\n";
        break;
      default:
        out << "<g><circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"6\" fill=\""
            << (e.glyph == 's' ? "#36c" : e.glyph == 'a' ? "#999" : "#a33") << "\"/>" << tip << "</g>\n";
    }
    out << "<text x=\"" << x << "\" y=\"" << top - 6 << "\" text-anchor=\"middle\" fill=\"#666\" font-size=\"9\">"
        << e.index + 1 << "</text>\n";
    for (size_t u = 0; u < tl.units.size(); ++u)
      for (const auto &[at, value] : tl.units[u].values)
        if (at == e.index) {
          int yu = y_of(static_cast<int>(u) + 1);
          out << "<g><circle cx=\"" << x << "\" cy=\"" << yu << "\" r=\"4\" fill=\"#36c\"/><title>" << xml(tl.units[u].name)
              << " := " << hex(value) << " (event " << e.index + 1 << ")</title></g>\n";
          out << "<text x=\"" << x + 3 << "\" y=\"" << yu - 8 << "\" font-size=\"9\" transform=\"rotate(-30 " << x + 3
              << " " << yu - 8 << ")\">" << hex(value) << "</text>\n";
        }
  }
  // SMMU reads: a marker on the SMMU lane, a tick on the unit read, a line back to each source store.
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].read < 0) continue;
    const auto &r = tl.reads[cols[c].read];
    int x = x_of(c), ys = y_of(smmu_lane), yu = y_of(r.unit + 1);
    const char *color = r.marked ? "#d00" : "#36c";
    out << "<g class=\"read" << (r.marked ? " violation" : "") << "\"><circle cx=\"" << x << "\" cy=\"" << ys
        << "\" r=\"7\" fill=\"" << color << "\"/><title>SMMU reads " << xml(tl.units[r.unit].name) << " ("
        << xml(r.label) << ") = " << hex(r.value) << " from " << xml(sources(r)) << "</title></g>\n";
    out << "<line x1=\"" << x << "\" y1=\"" << ys << "\" x2=\"" << x << "\" y2=\"" << yu << "\" stroke=\"" << color
        << "\" stroke-width=\"" << (r.marked ? 2 : 1) << "\"/>\n";
    out << "<text x=\"" << x + 4 << "\" y=\"" << yu + 14 << "\" font-size=\"9\" fill=\"" << color << "\">"
        << hex(r.value) << "</text>\n";
    for (int src : r.sources) {
      auto it = col_of_event.find(src);
      if (it == col_of_event.end()) continue;
      int xs = x_of(it->second);
      out << "<path d=\"M " << x << " " << yu << " Q " << (x + xs) / 2 << " " << yu - 24 << " " << xs << " " << yu
          << "\" fill=\"none\" stroke=\"" << color << "\" stroke-dasharray=\"3,2\"/>\n";
    }
  }
  for (size_t i = 0; i < legend.size(); ++i)
    out << "<text x=\"10\" y=\"" << top + lanes * laneh + 24 + 16 * i << "\" fill=\"#444\">" << xml(legend[i])
        << "</text>\n";
  out << "</svg>\n";
}

void render_html(std::ostream &out, const Timeline &tl) {
  out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" << xml(tl.title)
      << "</title>\n<style>body{font-family:sans-serif;margin:1em} div.svg{overflow-x:auto;border:1px solid #ddd}"
         " pre{background:#f6f6f6;padding:.5em;overflow-x:auto}</style></head><body>\n";
  out << "<h1>" << xml(tl.title) << "</h1>\n<p>" << xml(tl.verdict) << "</p>\n<div class=\"svg\">\n";
  render_svg(out, tl);
  std::ostringstream text;
  render_text(text, tl);
  out << "</div>\n<h2>As text</h2>\n<pre>" << xml(text.str()) << "</pre>\n</body></html>\n";
}

}  // namespace smmu::cli
