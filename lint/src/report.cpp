// clang-tidy's text format, with clang's snippet conventions: tabs expanded to
// 8 columns, '~' under the expression, '^' at the reported column, the fix-it's
// replacement text under the expression it replaces.
#include <sstream>

#include "lint.h"

namespace smmu::lint {

namespace {

std::string expand_tabs(const std::string &line) {
  std::string out;
  for (char c : line) {
    if (c == '\t')
      out.append(8 - out.size() % 8, ' ');
    else
      out += c;
  }
  return out;
}

// 0-based display column of the byte column `column` (1-based) of `line`.
size_t display_column(const std::string &line, unsigned column) {
  size_t col = 0;
  for (size_t i = 0; i + 1 < column && i < line.size(); ++i)
    col = line[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
  return col + (column > line.size() + 1 ? column - line.size() - 1 : 0);
}

void snippet(std::ostream &out, const std::string &line, unsigned caret, unsigned begin,
             unsigned end) {
  if (line.empty()) return;
  std::string shown = expand_tabs(line);
  out << shown << "\n";
  std::string marks(shown.size() + 1, ' ');
  if (begin && end > begin)
    for (size_t c = display_column(line, begin); c < display_column(line, end) && c < marks.size();
         ++c)
      marks[c] = '~';
  size_t at = display_column(line, caret);
  if (at >= marks.size()) marks.resize(at + 1, ' ');
  marks[at] = '^';
  marks.erase(marks.find_last_not_of(' ') + 1);
  out << marks << "\n";
}

// A multi-line replacement is shown on one line: each line break with its
// indentation becomes one space (none just inside parentheses).
std::string one_line(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t j = s.find_first_not_of(" \t\n", i);
    if (j == std::string::npos) j = s.size();
    if (j == i) {
      out += s[i++];
      continue;
    }
    std::string ws = s.substr(i, j - i);
    if (ws.find('\n') == std::string::npos)
      out += ws;
    else if (!out.empty() && out.back() != '(' && j < s.size() && s[j] != ')')
      out += ' ';
    i = j;
  }
  return out;
}

std::string where(const SourcePoint &p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

}  // namespace

std::string summary_line(const LintResult &r) {
  size_t files = 0;
  for (size_t i = 0; i < r.findings.size(); ++i)
    if (i == 0 || r.findings[i].where.file != r.findings[i - 1].where.file) ++files;
  size_t n = r.findings.size(), checked = r.files.size(), unchecked = r.not_checked.size();
  std::ostringstream s;
  s << n << (n == 1 ? " warning" : " warnings") << " in " << files
    << (files == 1 ? " file" : " files") << " (" << checked << (checked == 1 ? " file" : " files")
    << " checked";
  if (unchecked)
    s << ", " << unchecked << (unchecked == 1 ? " file" : " files") << " not checked (parse errors)";
  s << ")";
  return s.str();
}

void print_text(std::ostream &out, const LintResult &r) {
  for (const auto &f : r.findings) {
    out << where(f.where) << ": warning: " << f.message << " [" << f.check << "]\n";
    snippet(out, f.source_line, f.where.column, f.range_begin, f.range_end);
    if (f.fixit) {
      size_t indent = f.fixit->begin.line == f.where.line
                          ? display_column(f.source_line, f.fixit->begin.column)
                          : 0;
      out << std::string(indent, ' ') << one_line(f.fixit->replacement) << "\n";
    }
    for (const auto &n : f.notes) {
      out << where(n.where) << ": note: " << n.message << "\n";
      snippet(out, n.source_line, n.where.column, 0, 0);
    }
  }
  for (const auto &u : r.not_checked)
    out << u.file << ": error: not checked: the file did not parse; first error: " << u.first_error
        << "\n";
  out << summary_line(r) << "\n";
}

}  // namespace smmu::lint
