// A Timeline as SVG: one lane per row (CPU, the memory units, the SMMU's
// reads, then one per cached entry), one column per CPU event, read or
// elided range. Every text label is placed in a row of its lane where it
// overlaps no other (timeline_layout.h); lanes grow to hold their rows.
#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

#include "hex.h"
#include "timeline_layout.h"

namespace smmu::report {

using namespace timeline_detail;

namespace {

constexpr double kFont = 11, kSmall = 9, kRow = 12, kColumn = 30;

struct Label {
  Label(double x, std::string text, std::string fill = "#444", std::string anchor = "start", std::string cls = "")
      : x(x), text(std::move(text)), fill(std::move(fill)), anchor(std::move(anchor)), cls(std::move(cls)) {}
  double x;
  std::string text, fill, anchor, cls;
  int row = 0;
};

// A lane: its name (and a second line under it), its labels above and below its line.
struct Lane {
  std::string name, sub;
  std::vector<Label> above, below;
  int rows_above = 0, rows_below = 0;
  double y = 0, bottom = 0;
};

double left_edge(const Label &l) {
  double w = text_width(l.text, kSmall);
  return l.anchor == "middle" ? l.x - w / 2 : l.anchor == "end" ? l.x - w : l.x;
}

int place_rows(std::vector<Label> &labels) {
  LabelRows rows;
  for (Label &l : labels) l.row = rows.place(left_edge(l), text_width(l.text, kSmall));
  return rows.rows();
}

void text(std::ostream &out, double x, double y, const Label &l) {
  out << "<text x=\"" << x << "\" y=\"" << y << "\" font-size=\"" << kSmall << "\" fill=\"" << l.fill << "\"";
  if (l.anchor != "start") out << " text-anchor=\"" << l.anchor << "\"";
  if (!l.cls.empty()) out << " class=\"" << l.cls << "\"";
  out << ">" << xml_escape(l.text) << "</text>\n";
}

void line(std::ostream &out, double x1, double y1, double x2, double y2, const std::string &stroke,
          const std::string &extra = "") {
  out << "<line x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\"" << x2 << "\" y2=\"" << y2 << "\" stroke=\"" << stroke
      << "\"" << (extra.empty() ? "" : " " + extra) << "/>\n";
}

const char *const kMarked = "#d00", *const kNeutral = "#888", *const kStore = "#36c";

}  // namespace

void render_svg(std::ostream &out, const Timeline &tl) {
  const std::vector<Column> cols = columns(tl);
  std::map<int, size_t> col_of_event;  // CPU event index -> column
  std::vector<size_t> col_of_read(tl.reads.size());
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].cpu >= 0) col_of_event[tl.cpu[cols[c].cpu].index] = c;
    if (cols[c].read >= 0) col_of_read[cols[c].read] = c;
  }
  // The column drawn for an instant: the last CPU event before it.
  auto col_before = [&](int instant) -> size_t {
    auto it = col_of_event.lower_bound(instant);
    return it == col_of_event.begin() ? 0 : std::prev(it)->second;
  };

  // Lanes: CPU, units, SMMU reads, cached entries.
  std::vector<Lane> lanes(tl.units.size() + 2 + tl.cache.size());
  const size_t cpu = 0, smmu = tl.units.size() + 1, cache0 = smmu + 1;
  lanes[cpu].name = "CPU";
  lanes[smmu].name = "SMMU reads";
  for (size_t u = 0; u < tl.units.size(); ++u) {
    lanes[u + 1].name = tl.units[u].name;
    if (!tl.units[u].values.empty()) lanes[u + 1].sub = "initially " + hex(tl.units[u].values.front().second);
  }
  for (size_t k = 0; k < tl.cache.size(); ++k) {
    lanes[cache0 + k].name = tl.cache[k].name;
    lanes[cache0 + k].sub = k == 0 ? "cached by the walk" : "";
  }
  double left = 190;
  for (const Lane &l : lanes)
    left = std::max({left, 24 + text_width(l.name, kFont), 24 + text_width(l.sub, kSmall)});
  auto x_of = [&](size_t col) { return left + kColumn * static_cast<double>(col) + kColumn / 2; };

  // Labels, by lane.
  std::vector<Label> header;  // event numbers, above the lanes
  for (size_t c = 0; c < cols.size(); ++c) {
    const double x = x_of(c);
    if (cols[c].cpu >= 0) {
      const auto &e = tl.cpu[cols[c].cpu];
      header.push_back({x, std::to_string(e.index + 1), "#666", "middle"});
      for (size_t u = 0; u < tl.units.size(); ++u)
        for (const auto &[at, value] : tl.units[u].values)
          if (at == e.index) lanes[u + 1].above.push_back({x - 3, hex(value), kStore});
    } else if (cols[c].elision >= 0) {
      lanes[cpu].below.push_back({x - 4, "\u2026 " + tl.elided[cols[c].elision].text(), "#666", "start", "elision"});
    } else {
      const auto &r = tl.reads[cols[c].read];
      lanes[r.unit + 1].below.push_back({x + 4, hex(r.value), r.marked ? kMarked : kNeutral});
      if (r.marked && (r.use || !r.label.empty()))
        lanes[smmu].below.push_back({x + 4, r.label, kMarked});
    }
  }
  for (size_t k = 0; k < tl.cache.size(); ++k) {
    const auto &ce = tl.cache[k];
    Lane &lane = lanes[cache0 + k];
    for (const auto &m : ce.misses)
      if (col_of_event.count(m.event))
        lane.below.push_back({x_of(col_of_event[m.event]) - 3,
                              "event " + std::to_string(m.event + 1) + " did not remove it: " + m.why, "#b60",
                              "start", "cache-miss-why"});
    if (ce.removed_by >= 0 && col_of_event.count(ce.removed_by))
      lane.below.push_back({x_of(col_before(ce.until)) + 3,
                            "removed by event " + std::to_string(ce.removed_by + 1) + " and its CMD_SYNC", "#2a7"});
    if (ce.until < 0) lane.above.push_back({x_of(cols.size()), "never removed", ce.marked ? kMarked : kNeutral, "end"});
  }
  int header_rows = place_rows(header);
  double right = left + kColumn * static_cast<double>(cols.size() + 1);
  for (Lane &l : lanes) {
    l.rows_above = place_rows(l.above);
    l.rows_below = place_rows(l.below);
    for (const auto *labels : {&l.above, &l.below})
      for (const Label &lb : *labels) right = std::max(right, left_edge(lb) + text_width(lb.text, kSmall));
  }
  const double width = std::max(760.0, right + 20);

  // Text above the lanes: the verdict and its details, wrapped to the width.
  const size_t chars = static_cast<size_t>((width - 20) / text_width("m", kFont));
  std::vector<std::string> verdict = wrap(tl.verdict, chars);
  for (const auto &d : tl.details)
    for (const auto &l : wrap(d, chars - 2)) verdict.push_back("  " + l);
  if (!tl.cache_note.empty()) verdict.push_back(tl.cache_note);
  const std::vector<std::string> legend = wrap(
      std::string("blue dot: store; bar: barrier; green square: CMO; orange diamond: command; grey dot: allocation; "
                  "grey box: events not drawn; dashed line: sync or operation boundary; red: the reads that make "
                  "the violation (grey: reads it does not need); dashed arcs: where a read's value came from") +
          (tl.cache.empty() ? "" : "; cache lanes: what each read left in the TLB or walk cache, until the "
                                   "invalidation that removed it (green) or for good (orange cross: an "
                                   "invalidation that did not remove it)") +
          ". Hover for details.",
      chars);
  double y = 42 + 16.0 * static_cast<double>(verdict.size()) + kRow * header_rows;
  const double top = y;
  for (Lane &l : lanes) {
    l.y = y + 18 + kRow * l.rows_above;
    l.bottom = l.y + std::max(22.0, 14 + kRow * l.rows_below);
    y = l.bottom;
  }
  const double lanes_bottom = y;
  const double height = lanes_bottom + 16 + 16.0 * static_cast<double>(legend.size());

  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"monospace\" font-size=\"" << kFont
      << "\">\n";
  out << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out << "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">" << xml_escape(tl.title) << "</text>\n";
  for (size_t i = 0; i < verdict.size(); ++i)
    out << "<text x=\"10\" y=\"" << 42 + 16 * i << "\">" << xml_escape(verdict[i]) << "</text>\n";
  for (const Label &l : header) text(out, l.x, top - 6 - kRow * l.row, l);
  for (const Lane &l : lanes) {
    out << "<text x=\"10\" y=\"" << l.y + 4 << "\" font-weight=\"bold\">" << xml_escape(l.name) << "</text>\n";
    if (!l.sub.empty()) text(out, 10, l.y + 17, {0, l.sub, "#666"});
    line(out, left, l.y, width - 20, l.y, "#bbb");
    for (const Label &lb : l.above) text(out, lb.x, l.y - 8 - kRow * lb.row, lb);
    for (const Label &lb : l.below) text(out, lb.x, l.y + 18 + kRow * lb.row, lb);
  }
  const double y_cpu = lanes[cpu].y, y_smmu = lanes[smmu].y;
  // CPU events, elided ranges, and the value each store leaves in its unit.
  for (size_t c = 0; c < cols.size(); ++c) {
    const double x = x_of(c);
    if (cols[c].elision >= 0) {
      out << "<g class=\"elision\"><rect x=\"" << x - 9 << "\" y=\"" << y_cpu - 6 << "\" width=\"18\" height=\"12\" "
          << "fill=\"#eee\" stroke=\"#999\" stroke-dasharray=\"2,2\"/><title>"
          << xml_escape(tl.elided[cols[c].elision].text()) << "</title></g>\n";
      continue;
    }
    if (cols[c].cpu < 0) continue;
    const auto &e = tl.cpu[cols[c].cpu];
    std::string tip = "<title>event " + std::to_string(e.index + 1) + ": " + xml_escape(e.label) +
                      (e.where.empty() ? "" : " (" + xml_escape(e.where) + ")") + "</title>";
    const double y = y_cpu;
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
        out << "<g>";
        line(out, x, top, x, lanes_bottom, "#888", "stroke-dasharray=\"4,3\"");
        out << tip << "</g>\n";
        break;
      default:
        out << "<g><circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"6\" fill=\""
            << (e.glyph == 's' ? kStore : e.glyph == 'a' ? "#999" : "#a33") << "\"/>" << tip << "</g>\n";
    }
    for (size_t u = 0; u < tl.units.size(); ++u)
      for (const auto &[at, value] : tl.units[u].values)
        if (at == e.index)
          out << "<g><circle cx=\"" << x << "\" cy=\"" << lanes[u + 1].y << "\" r=\"4\" fill=\"" << kStore
              << "\"/><title>" << xml_escape(tl.units[u].name) << " := " << hex(value) << " (event " << e.index + 1
              << ")</title></g>\n";
  }
  // SMMU reads: a marker on the SMMU lane, a line to the unit read, an arc back to each source store.
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].read < 0) continue;
    const auto &r = tl.reads[cols[c].read];
    const double x = x_of(c), yu = lanes[r.unit + 1].y;
    const char *color = r.marked ? kMarked : kNeutral;
    out << "<g class=\"read" << (r.marked ? " violation" : "") << "\"><circle cx=\"" << x << "\" cy=\"" << y_smmu
        << "\" r=\"" << (r.marked ? 7 : 5) << "\" fill=\"" << color << "\"/><title>SMMU reads "
        << xml_escape(tl.units[r.unit].name) << " (" << xml_escape(r.label) << ") = " << hex(r.value)
        << (r.sources.empty() ? "" : " from " + xml_escape(sources(r))) << "</title></g>\n";
    line(out, x, y_smmu, x, yu, color, r.marked ? "stroke-width=\"2\"" : "");
    for (int src : r.sources) {
      auto it = col_of_event.find(src);
      if (it == col_of_event.end()) continue;
      const double xs = x_of(it->second);
      out << "<path d=\"M " << x << " " << yu << " Q " << (x + xs) / 2 << " " << yu - 24 << " " << xs << " " << yu
          << "\" fill=\"none\" stroke=\"" << color << "\" stroke-dasharray=\"3,2\"/>\n";
    }
  }
  // Cached entries: a bar from the read that filled it to its removal (or the end), the
  // invalidations that missed it tied to their CPU event, and the cached use it served.
  for (size_t k = 0; k < tl.cache.size(); ++k) {
    const auto &ce = tl.cache[k];
    const double yb = lanes[cache0 + k].y;
    const double x0 = ce.read >= 0 ? x_of(col_of_read[ce.read]) : x_of(col_before(ce.from));
    const double x1 = ce.until < 0 ? x_of(cols.size()) : x_of(col_before(ce.until));
    const char *color = ce.marked ? kMarked : ce.until < 0 ? kNeutral : "#2a7";
    out << "<g class=\"cache-entry" << (ce.marked ? " violation" : "") << "\"><rect x=\"" << x0 << "\" y=\"" << yb - 4
        << "\" width=\"" << std::max(2.0, x1 - x0) << "\" height=\"8\" fill=\"" << color << "\" opacity=\"0.6\"/><title>"
        << xml_escape(ce.name) << ": filled after event " << ce.from
        << (ce.until < 0 ? std::string(", never removed in this run") : ", removed by " + xml_escape(ce.removed_how))
        << "</title></g>\n";
    line(out, x0, y_smmu, x0, yb, kNeutral, "stroke-dasharray=\"1,3\"");
    for (const auto &m : ce.misses) {
      if (!col_of_event.count(m.event)) continue;
      const double xm = x_of(col_of_event[m.event]);
      out << "<g class=\"cache-miss\" data-event=\"" << m.event + 1 << "\">";
      line(out, xm, y_cpu + 9, xm, yb - 5, "#b60", "stroke-dasharray=\"5,3\"");
      out << "<path d=\"M " << xm - 5 << " " << yb - 5 << " L " << xm + 5 << " " << yb + 5 << " M " << xm + 5 << " "
          << yb - 5 << " L " << xm - 5 << " " << yb + 5 << "\" stroke=\"#b60\" stroke-width=\"2\"/><title>event "
          << m.event + 1 << " did not remove " << xml_escape(ce.name) << ": " << xml_escape(m.why) << "</title></g>\n";
    }
    if (ce.removed_by >= 0 && col_of_event.count(ce.removed_by))
      line(out, x_of(col_of_event[ce.removed_by]), y_cpu + 9, x_of(col_of_event[ce.removed_by]), yb - 5, "#2a7",
           "class=\"cache-removal\" stroke-dasharray=\"2,3\"");
    // The cached result used after a boundary: the entry that served it.
    if (ce.marked)
      for (size_t r = 0; r < tl.reads.size(); ++r)
        if (tl.reads[r].use) {
          const double xu = x_of(col_of_read[r]);
          line(out, xu, y_smmu, xu, yb, kMarked, "class=\"cache-use\" stroke-width=\"2\"");
        }
  }
  for (size_t i = 0; i < legend.size(); ++i)
    out << "<text x=\"10\" y=\"" << lanes_bottom + 20 + 16 * i << "\" fill=\"#444\">" << xml_escape(legend[i])
        << "</text>\n";
  out << "</svg>\n";
}

}  // namespace smmu::report
