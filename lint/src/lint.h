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

// A file clang could not parse into a usable AST (a fatal error such as an
// #include that is not found stops the parse and silences every later error,
// or no function came out at all): nothing in it was checked.
struct UncheckedFile {
  std::string file;         // relative to the tree root
  std::string first_error;  // "file:line:col: fatal error: message", paths under the root relative
};

struct LintResult {
  std::vector<Finding> findings;           // sorted by file, line, column, check
  std::vector<std::string> files;          // files checked (parsed), relative to the tree root
  std::vector<UncheckedFile> not_checked;  // files that did not parse, in lint order
  std::vector<std::string> parse_errors;   // of files checked, against our shim; findings stay valid
  // Function bodies (kernel style: "{" alone on a line) that the parse lost to
  // errors, so nothing in them was checked; `file:line` of the "{" and the name.
  std::vector<std::pair<SourcePoint, std::string>> unparsed;
};

struct CheckInfo {
  std::string name, summary;
};
// Every check, in registration order (asked of the Clang tool process).
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

// Parses request.file as the slicer does and runs the enabled checks, in the
// Clang tool process (smmu-clang); appends to `out` as append() does: to
// out.files if it parsed, else to out.not_checked with its first error.
// Throws harness::UserError if the file cannot be read.
void lint_request(const harness::SliceRequest &request, const CheckFilter &filter, LintResult &out);

// Lints linted_files() of the tree, each parsed with the harness's prelude and flags
// for its unit (harness::unit_slice_request), all in one Clang tool process.
LintResult lint_tree(const harness::KernelTree &tree, const CheckFilter &filter);

// Appends `from` to `into`, keeping into.findings sorted by file, line, column, check.
void append(LintResult &into, LintResult from);

// clang-tidy's text format: "FILE:LINE:COL: warning: MESSAGE [CHECK]", the source line,
// a caret line, the fix-it's replacement text, notes; then one error line per file
// not checked, and "N warnings in M files (K files checked[, U files not checked ...])".
void print_text(std::ostream &out, const LintResult &result);
std::string summary_line(const LintResult &result);

}  // namespace smmu::lint
