// A Timeline as text for a terminal, and as HTML (the SVG plus the text).
#include <cstdio>
#include <sstream>

#include "hex.h"
#include "timeline_layout.h"

namespace smmu::report {

using namespace timeline_detail;

namespace {

const char *const kIndent = "            ";

// What became of the cached entries at CPU event `index`.
void cache_at(std::ostream &out, const Timeline &tl, int index) {
  for (const auto &c : tl.cache) {
    for (const auto &m : c.misses)
      if (m.event == index) out << kIndent << "cache: " << c.name << " stays: " << m.why << "\n";
    if (c.removed_by == index) out << kIndent << "cache: " << c.name << " removed once the CMD_SYNC after it completes\n";
  }
}

}  // namespace

void render_text(std::ostream &out, const Timeline &tl) {
  out << tl.title << "\n" << tl.verdict << "\n";
  for (const auto &d : tl.details) out << "  " << d << "\n";
  out << "\n";
  out << "   event  CPU / SMMU\n";
  for (const Column &c : columns(tl)) {
    if (c.elision >= 0) {
      out << "       \u2026  " << tl.elided[c.elision].text() << "\n";
    } else if (c.cpu >= 0) {
      const auto &e = tl.cpu[c.cpu];
      char idx[16];
      std::snprintf(idx, sizeof idx, "%8d", e.index + 1);
      out << idx << "  " << (e.glyph == '|' ? "---- " : "") << e.label;
      if (!e.where.empty()) out << "   " << e.where;
      out << "\n";
      for (const auto &u : tl.units)
        for (const auto &[at, value] : u.values)
          if (at == e.index) out << kIndent << u.name << " := " << hex(value) << "\n";
      cache_at(out, tl, e.index);
    } else {
      const auto &r = tl.reads[c.read];
      out << "    SMMU  reads " << tl.units[r.unit].name << " (" << r.label << ") = " << hex(r.value);
      if (!r.sources.empty()) out << "  from " << sources(r);
      out << (r.marked ? "   <== violation" : "") << "\n";
      for (const auto &ce : tl.cache)
        if (ce.read == c.read)
          out << kIndent << "cache: fills " << ce.name
              << (ce.until < 0 ? ", never removed in this run" : ", until event " + std::to_string(ce.until)) << "\n";
        else if (r.use && ce.marked)
          out << kIndent << "cache: through " << ce.name << ", still held here\n";
    }
  }
  if (!tl.cache_note.empty()) out << "\n" << tl.cache_note << "\n";
}

void render_html(std::ostream &out, const Timeline &tl) {
  out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" << xml_escape(tl.title)
      << "</title>\n<style>body{font-family:sans-serif;margin:1em} div.svg{overflow-x:auto;border:1px solid #ddd}"
         " pre{background:#f6f6f6;padding:.5em;overflow-x:auto}</style></head><body>\n";
  out << "<h1>" << xml_escape(tl.title) << "</h1>\n<p>" << xml_escape(tl.verdict) << "</p>\n<div class=\"svg\">\n";
  render_svg(out, tl);
  std::ostringstream text;
  render_text(text, tl);
  out << "</div>\n<h2>As text</h2>\n<pre>" << xml_escape(text.str()) << "</pre>\n</body></html>\n";
}

}  // namespace smmu::report
