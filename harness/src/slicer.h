// Cuts a standalone C translation unit out of one kernel source file with
// Clang libTooling: the dependency closure of a set of root functions, every
// macro the file defines, #line markers back to the kernel file:line, and
// plain stores through pointers rewritten into recorded KSHIM_PLAIN_STORE calls.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
}

namespace smmu::harness {

struct SliceRequest {
  std::filesystem::path tree_root;   // kernel tree root
  std::string file;                  // path of the .c file relative to tree_root
  // Functions and variables to keep with everything they reference. Empty:
  // keep the whole file (minus its #include lines).
  std::vector<std::string> roots;
  // Keep the whole file even though roots are named: the roots are then only
  // checked for presence (a whole-file unit's optional families).
  bool whole_file = false;
  // Definitions renamed to __kshim_real_<name>; the harness glue defines <name>.
  std::vector<std::string> wraps;
  // Functions left out of the slice; each kept call F(args) becomes
  // __kshim_replaced_F(__FILE__, line, args), which the prelude declares
  // and the glue defines, so the replacement knows its kernel call site.
  std::vector<std::string> replaces;
  std::vector<std::string> prelude;   // lines placed before the kernel code
  std::vector<std::string> epilogue;  // lines placed after it
  std::vector<std::string> clang_args;  // -I, -D, -std, ...
  std::string resource_dir;           // clang resource dir (builtin headers)
};

struct SliceResult {
  std::string text;                        // the C translation unit
  std::vector<std::string> missing;        // roots/wraps/replaces not defined in the file
  std::vector<std::string> kept;           // names of kept top-level declarations
  std::vector<std::string> diagnostics;    // parse errors, "file:line:col: message"
  std::vector<std::string> unrewritten;    // plain stores inside macros, left as they are
  int plain_stores_rewritten = 0;
};

SliceResult slice_file(const SliceRequest &request);

// What parse_kernel_file() tells its visitor besides the AST.
struct ParsedFile {
  // Main-file lines in inactive #if/#ifdef branches (1-based, inclusive ranges).
  std::vector<std::pair<unsigned, unsigned>> skipped_lines;
};

// Parses request.file exactly as slice_file() does (includes blanked, prelude as a
// forced include, clang_args, errors tolerated) and hands the AST to `visit`; roots,
// wraps, replaces and the epilogue are ignored. For static checks (smmu-check lint).
// Returns every error as "file:line:col: error: message" ("fatal error:" for a fatal
// one, e.g. an #include not found); an unreadable file is one.
std::vector<std::string> parse_kernel_file(
    const SliceRequest &request,
    const std::function<void(clang::ASTContext &, const ParsedFile &)> &visit);

}  // namespace smmu::harness
