#include "line_map.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "kernel_tree.h"

namespace smmu::harness {

namespace {

// `#line N "file"` (or the GNU `# N "file"`): N and file; false for any other line.
bool line_marker(const std::string &l, int &n, std::string &file) {
  size_t i = l.find_first_not_of(" \t");
  if (i == std::string::npos || l[i] != '#') return false;
  i = l.find_first_not_of(" \t", i + 1);
  if (i != std::string::npos && l.compare(i, 4, "line") == 0) i = l.find_first_not_of(" \t", i + 4);
  if (i == std::string::npos || !std::isdigit(static_cast<unsigned char>(l[i]))) return false;
  size_t end = l.find_first_not_of("0123456789", i);
  n = std::stoi(l.substr(i, end - i));
  size_t q1 = l.find('"', end == std::string::npos ? l.size() : end);
  size_t q2 = q1 == std::string::npos ? q1 : l.find('"', q1 + 1);
  if (q2 == std::string::npos) return false;
  file = l.substr(q1 + 1, q2 - q1 - 1);
  return true;
}

// The slicer blanks the kernel file's own #include lines, so an #include in a
// sliced file is the prelude's or the epilogue's (glue), never kernel code.
bool include_directive(const std::string &l) {
  size_t i = l.find_first_not_of(" \t");
  if (i == std::string::npos || l[i] != '#') return false;
  i = l.find_first_not_of(" \t", i + 1);
  return i != std::string::npos && l.compare(i, 7, "include") == 0;
}

}  // namespace

LineMap LineMap::parse(const std::string &text) {
  LineMap m;
  std::istringstream in(text);
  int file = -1, next = 0;
  for (std::string l; std::getline(in, l);) {
    int n;
    std::string name;
    if (line_marker(l, n, name)) {
      file = -1;
      for (size_t k = 0; k < m.files_.size(); ++k)
        if (m.files_[k] == name) file = static_cast<int>(k);
      if (file < 0) {
        file = static_cast<int>(m.files_.size());
        m.files_.push_back(name);
      }
      next = n;
      m.lines_.emplace_back(-1, 0);
      continue;
    }
    if (file < 0 || include_directive(l)) m.lines_.emplace_back(-1, 0);
    else m.lines_.emplace_back(file, next);
    if (file >= 0) ++next;  // an #include still takes a line of the run it is in
  }
  return m;
}

LineMap LineMap::read(const std::filesystem::path &sliced_file) {
  std::ifstream in(sliced_file, std::ios::binary);
  if (!in) throw UserError(sliced_file.string() + ": cannot read the sliced file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str());
}

std::optional<KernelLine> LineMap::kernel_line(int sliced_line) const {
  if (sliced_line < 1 || sliced_line > size()) return std::nullopt;
  const auto &[file, line] = lines_[sliced_line - 1];
  if (file < 0) return std::nullopt;
  return KernelLine{files_[file], line};
}

int LineMap::sliced_line(const std::string &file, int line) const {
  for (size_t k = 0; k < lines_.size(); ++k)
    if (lines_[k].first >= 0 && lines_[k].second == line && files_[lines_[k].first] == file)
      return static_cast<int>(k) + 1;
  return 0;
}

}  // namespace smmu::harness
