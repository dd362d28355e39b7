// Where each line of a sliced C file comes from. The slicer writes the kept
// kernel lines in runs, each after a `#line N "kernel/file.c"` marker; the
// prelude before the first marker and the epilogue's #include lines (glue)
// come from no kernel line. Coverage and compiler diagnostics of a slice
// count the sliced file's own lines: this maps them back.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace smmu::harness {

struct KernelLine {
  std::string file;  // as the marker names it: relative to the tree root
  int line = 0;      // 1-based
  bool operator==(const KernelLine &o) const { return line == o.line && file == o.file; }
};

class LineMap {
 public:
  LineMap() = default;
  // The sliced file's text, or the file itself (throws UserError if unreadable).
  static LineMap parse(const std::string &sliced_text);
  static LineMap read(const std::filesystem::path &sliced_file);

  // The kernel line that 1-based line `sliced_line` of the sliced file is; none
  // for markers, the prelude, the epilogue's includes, or past the end.
  std::optional<KernelLine> kernel_line(int sliced_line) const;
  // The sliced line that holds `file`:`line`; 0 when the slice did not keep it.
  int sliced_line(const std::string &file, int line) const;
  // Lines of the sliced file.
  int size() const { return static_cast<int>(lines_.size()); }

 private:
  std::vector<std::string> files_;            // distinct kernel files named by markers
  std::vector<std::pair<int, int>> lines_;    // per sliced line - 1: (file index or -1, kernel line)
};

}  // namespace smmu::harness
