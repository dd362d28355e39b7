// smmu-check lint: a clang-tidy-style static check for stores into SMMUv3
// descriptor memory (STE, CD, page-table entries) that are not single-copy
// atomic by construction. See docs/lint.md for the rules.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "kernel_tree.h"
#include "slicer.h"

namespace smmu::lint {

struct SourcePoint {
  std::string file;               // relative to the tree root (SliceRequest::file)
  unsigned line = 0, column = 0;  // 1-based; column in bytes, as clang counts
};

// A replacement of [begin, end) (end exclusive) by `replacement`.
struct FixIt {
  SourcePoint begin, end;
  std::string replacement;
};

struct Note {
  SourcePoint where;
  std::string message;
  std::string source_line;  // the line `where` points into
};

struct Finding {
  std::string check;  // e.g. "smmu-descriptor-plain-store"
  SourcePoint where;
  std::string message;
  std::string function;  // enclosing function, "" at file scope
  std::string source_line;
  // Columns of the highlighted expression on `where.line` (end exclusive); 0 if none.
  unsigned range_begin = 0, range_end = 0;
  std::optional<FixIt> fixit;
  std::vector<Note> notes;
};

struct LintResult {
  std::vector<Finding> findings;          // sorted by file, line, column, check
  std::vector<std::string> files;         // files checked, relative to the tree root
  std::vector<std::string> parse_errors;  // against our shim; findings stay valid
  // Function bodies (kernel style: "{" alone on a line) that the parse lost to
  // errors, so nothing in them was checked; `file:line` of the "{" and the name.
  std::vector<std::pair<SourcePoint, std::string>> unparsed;
};

struct CheckInfo {
  std::string name, summary;
};
// Every check, in registration order.
std::vector<CheckInfo> available_checks();

// clang-tidy's --checks syntax: comma-separated globs, '-' disables, the last match wins.
class CheckFilter {
 public:
  explicit CheckFilter(std::string spec = "smmu-*");
  bool enabled(const std::string &check) const;
  const std::string &spec() const { return spec_; }

 private:
  std::string spec_;
};

// The files `lint_tree` checks, relative to the tree root.
const std::vector<std::string> &linted_files();

// Parses request.file as the slicer does and runs the enabled checks; appends to `out`.
// Throws harness::UserError if the file cannot be read or parses to no function at all.
void lint_request(const harness::SliceRequest &request, const CheckFilter &filter, LintResult &out);

// Lints linted_files() of the tree, each parsed with the harness's prelude and flags
// for its unit (harness::unit_slice_request). Findings are sorted.
LintResult lint_tree(const harness::KernelTree &tree, const CheckFilter &filter);

// clang-tidy's text format: "FILE:LINE:COL: warning: MESSAGE [CHECK]", the source line,
// a caret line, the fix-it's replacement text, notes; then "N warnings in M files".
void print_text(std::ostream &out, const LintResult &result);
std::string summary_line(const LintResult &result);

}  // namespace smmu::lint
