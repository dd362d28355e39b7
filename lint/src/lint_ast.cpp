#include "lint_ast.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "check.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "descriptor_memory.h"

namespace fs = std::filesystem;

namespace smmu::lint {

using harness::UserError;

std::vector<CheckInfo> registered_checks() {
  std::vector<CheckInfo> out;
  for (const auto &f : check_factories()) out.push_back({f.name, f.summary});
  return out;
}

namespace {

// Kernel style opens every function body with "{" alone in column 1: one the AST has
// no function for was lost to a parse error (typically an unknown return type).
// Lines in inactive #if branches are not code.
std::vector<std::pair<SourcePoint, std::string>> unparsed_bodies(
    clang::ASTContext &ast, const harness::ParsedFile &file_info, const DescriptorMemory &memory,
    const std::string &file) {
  const clang::SourceManager &sm = ast.getSourceManager();
  std::set<unsigned> parsed;
  for (const clang::FunctionDecl *fn : memory.functions())
    parsed.insert(sm.getExpansionLineNumber(fn->getBody()->getBeginLoc()));
  for (auto [first, last] : file_info.skipped_lines)
    for (unsigned l = first; l <= last; ++l) parsed.insert(l);
  std::vector<std::string> lines;
  std::istringstream in(sm.getBufferData(sm.getMainFileID()).str());
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::vector<std::pair<SourcePoint, std::string>> out;
  for (unsigned i = 0; i < lines.size(); ++i) {
    if (lines[i].find_first_not_of(" \t\r", 1) != std::string::npos ||
        lines[i].rfind("{", 0) != 0 || parsed.count(i + 1))
      continue;
    // The name: the identifier before the first '(' of the signature above.
    std::string name = "?";
    for (unsigned j = i; j-- > 0 && i - j <= 8;) {
      const std::string &l = lines[j];
      if (l.empty() || l[0] == ' ' || l[0] == '\t' || l[0] == '}') continue;
      size_t paren = l.find('(');
      if (paren == std::string::npos) continue;
      size_t e = l.find_last_not_of(" \t", paren - 1);
      size_t b = e == std::string::npos
                     ? std::string::npos
                     : l.find_last_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", e);
      if (e != std::string::npos) name = l.substr(b == std::string::npos ? 0 : b + 1, e - b);
      break;
    }
    out.push_back({{file, i + 1, 1}, name});
  }
  return out;
}

}  // namespace

void lint_parsed(const harness::SliceRequest &request, const CheckFilter &filter,
                  LintResult &out) {
  if (!fs::is_regular_file(request.tree_root / request.file))
    throw UserError((request.tree_root / request.file).string() + ": not found");
  std::vector<Finding> found;
  std::vector<std::pair<SourcePoint, std::string>> unparsed;
  size_t functions = 0;
  std::vector<std::string> errors = harness::parse_kernel_file(
      request, [&](clang::ASTContext &ast, const harness::ParsedFile &parsed) {
        DescriptorMemory memory(ast);
        functions = memory.function_count();
        CheckContext context(ast, memory, request.file, found);
        std::vector<std::unique_ptr<Check>> checks;
        clang::ast_matchers::MatchFinder finder;
        for (const auto &factory : check_factories()) {
          if (!filter.enabled(factory.name)) continue;
          checks.push_back(factory.make(factory.name, context));
          checks.back()->register_matchers(finder);
        }
        finder.matchAST(ast);
        unparsed = unparsed_bodies(ast, parsed, memory, request.file);
      });
  // Errors are expected (the shim does not cover the whole file) and clang's
  // recovery keeps the function bodies; a fatal error does not (the parse goes
  // on blind, every later error silenced), and neither does a file that yields
  // no function at all. Such a file was not checked, whatever it matched.
  auto fatal = std::find_if(errors.begin(), errors.end(), [](const std::string &e) {
    return e.find(": fatal error: ") != std::string::npos;
  });
  if (fatal != errors.end() || functions == 0) {
    std::string first = fatal != errors.end() ? *fatal
                        : errors.empty()      ? request.file + ": no function could be parsed"
                                              : errors.front();
    std::string root = (request.tree_root / "").string();
    if (first.rfind(root, 0) == 0) first.erase(0, root.size());
    out.not_checked.push_back({request.file, first});
    return;
  }
  LintResult one;
  one.files.push_back(request.file);
  one.parse_errors = std::move(errors);
  one.findings = std::move(found);
  one.unparsed = std::move(unparsed);
  append(out, std::move(one));
}

LintResult run_lint_job(const LintJob &job) {
  LintResult result;
  CheckFilter filter(job.checks);
  for (const auto &request : job.requests) lint_parsed(request, filter, result);
  return result;
}

}  // namespace smmu::lint
