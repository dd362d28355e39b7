#include "timeline_layout.h"

#include <algorithm>
#include <sstream>

namespace smmu::report::timeline_detail {

std::vector<Column> columns(const Timeline &tl) {
  std::vector<int> order(tl.reads.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return tl.reads[a].instant < tl.reads[b].instant; });
  // CPU events and elided ranges, by their first event.
  std::vector<std::pair<int, Column>> events;
  for (size_t c = 0; c < tl.cpu.size(); ++c) events.push_back({tl.cpu[c].index, {static_cast<int>(c), -1, -1}});
  for (size_t e = 0; e < tl.elided.size(); ++e) events.push_back({tl.elided[e].first, {-1, -1, static_cast<int>(e)}});
  std::stable_sort(events.begin(), events.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<Column> cols;
  size_t r = 0;
  for (const auto &[index, col] : events) {
    while (r < order.size() && tl.reads[order[r]].instant <= index) cols.push_back({-1, order[r++], -1});
    cols.push_back(col);
  }
  while (r < order.size()) cols.push_back({-1, order[r++], -1});
  return cols;
}

double text_width(const std::string &s, double font) {
  size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xc0) != 0x80;  // UTF-8: count code points
  return static_cast<double>(chars) * font * kGlyphEm;
}

int LabelRows::place(double x, double width) {
  const double gap = 4;
  for (size_t r = 0;; ++r) {
    if (r == rows_.size()) rows_.emplace_back();
    auto &row = rows_[r];
    bool free = std::none_of(row.begin(), row.end(), [&](const auto &iv) {
      return x < iv.second + gap && iv.first < x + width + gap;
    });
    if (free) {
      row.push_back({x, x + width});
      return static_cast<int>(r);
    }
  }
}

std::string sources(const Timeline::Read &r) {
  std::string s;
  for (int src : r.sources) s += (s.empty() ? "" : ", ") + (src < 0 ? std::string("initial") : "event " + std::to_string(src + 1));
  return s;
}

std::string xml_escape(const std::string &s) {
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

std::vector<std::string> wrap(const std::string &s, size_t width) {
  std::vector<std::string> lines{""};
  std::istringstream words(s);
  for (std::string w; words >> w;) {
    if (!lines.back().empty() && lines.back().size() + 1 + w.size() > width) lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + w;
  }
  return lines;
}

}  // namespace smmu::report::timeline_detail
