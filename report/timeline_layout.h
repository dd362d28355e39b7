// Where a timeline's pieces go. Columns: the CPU events in program order,
// each SMMU read after the events it follows, each elided range where its
// events would be (text and SVG read the same columns). Labels: placed in
// rows so that no two overlap, a label's width taken as its characters times
// the monospace advance (0.6 em), as the overlap test measures them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "timeline.h"

namespace smmu::report::timeline_detail {

// One column: a CPU event, an SMMU read or an elided range (one index set).
struct Column {
  int cpu = -1, read = -1, elision = -1;
};
std::vector<Column> columns(const Timeline &tl);

// The advance of a monospace glyph, in em; the width of s at font size px.
constexpr double kGlyphEm = 0.6;
double text_width(const std::string &s, double font);

// Labels sharing a band of rows: each goes to the first row where its
// horizontal extent [x, x + width) (plus a gap) meets no label already there.
class LabelRows {
 public:
  int place(double x, double width);
  int rows() const { return static_cast<int>(rows_.size()); }

 private:
  std::vector<std::vector<std::pair<double, double>>> rows_;
};

// Where a read's value came from: "event 7, initial".
std::string sources(const Timeline::Read &r);

// s with XML's special characters escaped.
std::string xml_escape(const std::string &s);

// Splits at spaces into lines of at most `width` characters.
std::vector<std::string> wrap(const std::string &s, size_t width);

}  // namespace smmu::report::timeline_detail
