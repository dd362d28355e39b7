#include "check.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Lex/Lexer.h"

namespace smmu::lint {

using namespace clang;

std::optional<Provenance> CheckContext::live_word(const Expr *lvalue, SourceLocation op) const {
  QualType t = lvalue->getType();
  if (t.isVolatileQualified() || !memory_.is_word_type(t) || memory_.in_atomic_macro(op))
    return std::nullopt;
  Provenance p = memory_.object(lvalue);
  if (p.memory != Memory::Live) return std::nullopt;
  return p;
}

SourcePoint CheckContext::point(SourceLocation loc) const {
  const SourceManager &sm = ast_.getSourceManager();
  SourceLocation e = sm.getExpansionLoc(loc);
  std::string file = sm.getFileID(e) == sm.getMainFileID() ? file_ : sm.getFilename(e).str();
  return {file, sm.getExpansionLineNumber(e), sm.getExpansionColumnNumber(e)};
}

std::string CheckContext::line_text(SourceLocation loc) const {
  const SourceManager &sm = ast_.getSourceManager();
  SourceLocation e = sm.getExpansionLoc(loc);
  bool invalid = false;
  llvm::StringRef buf = sm.getBufferData(sm.getFileID(e), &invalid);
  if (invalid) return "";
  unsigned offset = sm.getFileOffset(e);
  size_t b = buf.rfind('\n', offset);  // searches before `offset`
  b = b == llvm::StringRef::npos ? 0 : b + 1;
  size_t n = buf.find('\n', offset);
  return buf.slice(b, n == llvm::StringRef::npos ? buf.size() : n).str();
}

Finding &CheckContext::report(const std::string &check, SourceLocation at, SourceRange range,
                              std::string message) {
  const SourceManager &sm = ast_.getSourceManager();
  Finding f;
  f.check = check;
  f.where = point(at);
  f.message = std::move(message);
  f.source_line = line_text(at);
  if (const FunctionDecl *fn = memory_.enclosing_function(at)) f.function = fn->getName().str();
  CharSourceRange r =
      Lexer::makeFileCharRange(CharSourceRange::getTokenRange(range), sm, ast_.getLangOpts());
  if (r.isValid()) {
    SourcePoint b = point(r.getBegin()), e = point(r.getEnd());
    if (b.line == f.where.line) {
      f.range_begin = b.column;
      f.range_end = e.line == b.line ? e.column : static_cast<unsigned>(f.source_line.size()) + 1;
    }
  }
  out_.push_back(std::move(f));
  return out_.back();
}

void CheckContext::note(Finding &f, SourceLocation at, std::string message) {
  if (at.isInvalid()) return;
  f.notes.push_back({point(at), std::move(message), line_text(at)});
}

std::string CheckContext::text(SourceRange range) const {
  const SourceManager &sm = ast_.getSourceManager();
  CharSourceRange r =
      Lexer::makeFileCharRange(CharSourceRange::getTokenRange(range), sm, ast_.getLangOpts());
  if (r.isInvalid()) return "";
  return Lexer::getSourceText(r, sm, ast_.getLangOpts()).str();
}

bool CheckContext::fixit(Finding &f, SourceRange range, std::string replacement) {
  const SourceManager &sm = ast_.getSourceManager();
  CharSourceRange r =
      Lexer::makeFileCharRange(CharSourceRange::getTokenRange(range), sm, ast_.getLangOpts());
  if (r.isInvalid()) return false;
  f.fixit = FixIt{point(r.getBegin()), point(r.getEnd()), std::move(replacement)};
  return true;
}

bool CheckContext::is_statement(const Expr *e) const {
  auto parents = ast_.getParents(*e);
  if (parents.size() != 1) return false;
  const Stmt *p = parents[0].get<Stmt>();
  if (!p || isa<Expr>(p)) return false;
  if (auto *f = dyn_cast<ForStmt>(p)) return f->getBody() == e || f->getInit() == e;
  return true;
}

}  // namespace smmu::lint
