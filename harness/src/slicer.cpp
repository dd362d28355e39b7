#include "slicer.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Rewrite/Core/Rewriter.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace smmu::harness {
namespace {

using namespace clang;

// Blanks every #include line (keeping line numbers) so the file is parsed
// against our prelude instead of the kernel's own header web.
std::string blank_includes(const std::string &text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    size_t i = line.find_first_not_of(" \t");
    if (i != std::string::npos && line[i] == '#') {
      size_t j = line.find_first_not_of(" \t", i + 1);
      if (j != std::string::npos && line.compare(j, 7, "include") == 0) line.clear();
    }
    out += line;
    out += '\n';
  }
  return out;
}

// SourceManager::isInMainFile also accepts the <built-in> predefines buffer.
bool in_main_file(const SourceManager &sm, SourceLocation loc) {
  return loc.isValid() && sm.getFileID(sm.getExpansionLoc(loc)) == sm.getMainFileID();
}

struct LineRange {
  unsigned first, last;  // 1-based, inclusive
};

class MacroLines : public PPCallbacks {
 public:
  MacroLines(SourceManager &sm, std::vector<LineRange> &out) : sm_(sm), out_(out) {}
  void MacroDefined(const Token &name, const MacroDirective *md) override {
    const MacroInfo *mi = md->getMacroInfo();
    add(mi->getDefinitionLoc(), mi->getDefinitionEndLoc());
  }
  void MacroUndefined(const Token &name, const MacroDefinition &, const MacroDirective *) override {
    add(name.getLocation(), name.getLocation());
  }

 private:
  void add(SourceLocation begin, SourceLocation end) {
    if (!in_main_file(sm_, begin)) return;
    out_.push_back({sm_.getSpellingLineNumber(begin), sm_.getSpellingLineNumber(end)});
  }
  SourceManager &sm_;
  std::vector<LineRange> &out_;
};

// The top-level declaration a referenced declaration belongs to.
const Decl *top_level(const Decl *d) {
  while (d) {
    const DeclContext *dc = d->getLexicalDeclContext();
    if (!dc || dc->isTranslationUnit()) return d;
    d = Decl::castFromDeclContext(dc);
  }
  return d;
}

class References : public RecursiveASTVisitor<References> {
 public:
  explicit References(std::set<const Decl *> &out) : out_(out) {}
  bool shouldVisitImplicitCode() const { return true; }
  bool VisitDeclRefExpr(DeclRefExpr *e) {
    add(e->getDecl());
    return true;
  }
  bool VisitTagTypeLoc(TagTypeLoc tl) {
    add(tl.getDecl());
    return true;
  }
  bool VisitTypedefTypeLoc(TypedefTypeLoc tl) {
    add(tl.getTypedefNameDecl());
    return true;
  }
  bool VisitMemberExpr(MemberExpr *e) {
    add(e->getMemberDecl());
    return true;
  }
  // typeof(expr) and sizeof(type) reach types that have no TypeLoc of their own.
  bool VisitValueDecl(ValueDecl *d) {
    add_type(d->getType());
    return true;
  }
  bool VisitExpr(Expr *e) {
    add_type(e->getType());
    return true;
  }

 private:
  void add_type(QualType t) {
    if (t.isNull()) return;
    const Type *ty = t.getTypePtr();
    for (int guard = 0; ty && guard < 16; ++guard) {
      if (auto *td = ty->getAs<TypedefType>()) add(td->getDecl());
      if (auto *tag = ty->getAsTagDecl()) add(tag);
      if (ty->isPointerType() || ty->isArrayType() || ty->isReferenceType())
        ty = ty->getPointeeOrArrayElementType();
      else
        break;
      if (auto *td = ty->getAs<TypedefType>()) add(td->getDecl());
    }
  }
  void add(const Decl *d) {
    if (d) out_.insert(top_level(d));
  }
  std::set<const Decl *> &out_;
};

struct PlainStore {
  const BinaryOperator *op;
  unsigned length;  // of the whole expression, to apply inner stores first
};

class StoreFinder : public RecursiveASTVisitor<StoreFinder> {
 public:
  explicit StoreFinder(std::vector<PlainStore> &out) : out_(out) {}
  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (!bo->isAssignmentOp()) return true;
    const Expr *lhs = bo->getLHS()->IgnoreParenImpCasts();
    bool through_pointer = isa<ArraySubscriptExpr>(lhs);
    if (auto *uo = dyn_cast<UnaryOperator>(lhs)) through_pointer |= uo->getOpcode() == UO_Deref;
    QualType t = bo->getLHS()->getType();
    if (through_pointer && t->isIntegerType() && !t.isVolatileQualified()) out_.push_back({bo, 0});
    return true;
  }

 private:
  std::vector<PlainStore> &out_;
};

// Calls to functions the harness replaces, in declarations kept in the slice.
class CallFinder : public RecursiveASTVisitor<CallFinder> {
 public:
  CallFinder(const std::vector<std::string> &names, std::vector<const CallExpr *> &out)
      : names_(names), out_(out) {}
  bool VisitCallExpr(CallExpr *c) {
    if (const FunctionDecl *f = c->getDirectCallee())
      if (f->getIdentifier() &&
          std::find(names_.begin(), names_.end(), f->getNameAsString()) != names_.end())
        out_.push_back(c);
    return true;
  }

 private:
  const std::vector<std::string> &names_;
  std::vector<const CallExpr *> &out_;
};

const char *store_op_name(BinaryOperatorKind k) {
  switch (k) {
    case BO_Assign: return "set";
    case BO_OrAssign: return "or";
    case BO_AndAssign: return "and";
    case BO_XorAssign: return "xor";
    case BO_AddAssign: return "add";
    case BO_SubAssign: return "sub";
    case BO_ShlAssign: return "shl";
    case BO_ShrAssign: return "shr";
    case BO_MulAssign: return "mul";
    case BO_DivAssign: return "div";
    case BO_RemAssign: return "rem";
    default: return nullptr;
  }
}

class SliceConsumer : public ASTConsumer {
 public:
  SliceConsumer(const SliceRequest &req, SliceResult &result, CompilerInstance &ci,
                std::vector<LineRange> &macro_lines)
      : req_(req), result_(result), ci_(ci), macro_lines_(macro_lines) {}

  void HandleTranslationUnit(ASTContext &ctx) override {
    SourceManager &sm = ctx.getSourceManager();
    const LangOptions &lo = ctx.getLangOpts();
    Rewriter rw(sm, lo);

    // Top-level declarations of the main file, by name.
    std::vector<const Decl *> top;
    std::multimap<std::string, const Decl *> by_name;
    for (const Decl *d : ctx.getTranslationUnitDecl()->decls()) {
      if (!in_main_file(sm, d->getBeginLoc())) continue;
      top.push_back(d);
      if (auto *nd = dyn_cast<NamedDecl>(d))
        if (nd->getIdentifier()) by_name.emplace(nd->getNameAsString(), d);
    }
    auto in_main = [&](const Decl *d) { return in_main_file(sm, d->getBeginLoc()); };
    auto definition_named = [&](const std::string &name) -> const Decl * {
      const Decl *found = nullptr;
      auto [lo_it, hi_it] = by_name.equal_range(name);
      for (auto it = lo_it; it != hi_it; ++it) {
        if (auto *fd = dyn_cast<FunctionDecl>(it->second)) {
          if (fd->doesThisDeclarationHaveABody()) return fd;
        } else if (auto *vd = dyn_cast<VarDecl>(it->second)) {
          if (vd->isThisDeclarationADefinition() == VarDecl::Definition || !found) found = vd;
        } else if (!found) {
          found = it->second;
        }
      }
      return found;
    };

    // Dependency closure from the roots.
    std::set<const Decl *> kept;
    std::vector<const Decl *> work;
    auto keep = [&](const Decl *d) {
      if (d->isImplicit() || !in_main(d)) return;
      if (auto *nd = dyn_cast<NamedDecl>(d)) {
        std::string n = nd->getIdentifier() ? nd->getNameAsString() : "";
        if (std::find(req_.replaces.begin(), req_.replaces.end(), n) != req_.replaces.end())
          return;
      }
      // Every main-file redeclaration: prototypes, forward struct declarations.
      for (const Decl *r : d->redecls())
        if (in_main(r) && kept.insert(r).second) work.push_back(r);
      if (kept.insert(d).second) work.push_back(d);
    };
    bool whole_file = req_.roots.empty() || req_.whole_file;
    if (whole_file)
      for (const Decl *d : top) keep(d);
    for (const auto &root : req_.roots) {
      if (const Decl *d = definition_named(root)) keep(d);
      else result_.missing.push_back(root);
    }
    while (!work.empty()) {
      const Decl *d = work.back();
      work.pop_back();
      std::set<const Decl *> refs;
      References(refs).TraverseDecl(const_cast<Decl *>(d));
      for (const Decl *r : refs) keep(r);
    }

    for (const auto &name : req_.replaces)
      if (!definition_named(name)) result_.missing.push_back(name);

    // Wrapped definitions: a prototype, then the body under __kshim_real_<name>.
    for (const auto &name : req_.wraps) {
      auto *fd = dyn_cast_or_null<FunctionDecl>(definition_named(name));
      if (!fd || !kept.count(fd)) {
        if (!fd) result_.missing.push_back(name);
        continue;
      }
      std::string sig = source_text(sm, lo, fd->getBeginLoc(), fd->getBody()->getBeginLoc());
      std::replace(sig.begin(), sig.end(), '\n', ' ');
      sig.erase(sig.find_last_not_of(" \t") + 1);
      rw.InsertTextBefore(sm.getExpansionLoc(fd->getBeginLoc()), sig + "; ");
      rw.ReplaceText(fd->getLocation(), static_cast<unsigned>(name.size()), "__kshim_real_" + name);
    }
    // Replaced functions: every kept call becomes a call to the harness's
    // __kshim_replaced_<name>(__FILE__, line, args...), declared by the prelude.
    {
      std::vector<const CallExpr *> calls;
      CallFinder(req_.replaces, calls).TraverseDecl(ctx.getTranslationUnitDecl());
      for (const CallExpr *call : calls) {
        SourceLocation name = call->getCallee()->getBeginLoc();
        if (name.isMacroID() || !in_main_file(sm, name)) continue;
        std::string callee = call->getDirectCallee()->getNameAsString();
        Token lparen;
        if (Lexer::getRawToken(Lexer::getLocForEndOfToken(call->getCallee()->getEndLoc(), 0, sm, lo),
                               lparen, sm, lo, true))
          continue;
        rw.ReplaceText(name, static_cast<unsigned>(callee.size()), "__kshim_replaced_" + callee);
        rw.InsertTextAfter(lparen.getEndLoc(),
                           "__FILE__, " + std::to_string(sm.getSpellingLineNumber(name)) +
                               (call->getNumArgs() ? ", " : ""));
      }
    }

    // Plain stores through pointers become recorded stores.
    std::vector<PlainStore> stores;
    for (const Decl *d : kept) {
      auto *fd = dyn_cast<FunctionDecl>(d);
      if (fd && fd->doesThisDeclarationHaveABody())
        StoreFinder(stores).TraverseDecl(const_cast<FunctionDecl *>(fd));
    }
    for (auto &s : stores) {
      s.length = sm.getFileOffset(sm.getExpansionLoc(s.op->getEndLoc())) -
                 sm.getFileOffset(sm.getExpansionLoc(s.op->getBeginLoc()));
    }
    std::stable_sort(stores.begin(), stores.end(),
                     [](const PlainStore &a, const PlainStore &b) { return a.length < b.length; });
    for (const auto &s : stores) rewrite_store(s.op, sm, lo, rw);

    // Lines to emit: kept declarations and every macro definition of the file.
    std::vector<LineRange> ranges = macro_lines_;
    for (const Decl *d : kept) {
      SourceLocation b = sm.getExpansionLoc(d->getBeginLoc());
      SourceLocation e = sm.getExpansionLoc(d->getEndLoc());
      ranges.push_back({sm.getSpellingLineNumber(b), sm.getSpellingLineNumber(e)});
      auto *nd = dyn_cast<NamedDecl>(d);
      result_.kept.push_back((nd && nd->getIdentifier() ? nd->getNameAsString()
                                                        : std::string("(") + d->getDeclKindName() + ")") +
                             " " + std::to_string(ranges.back().first) + "-" +
                             std::to_string(ranges.back().last));
    }
    std::sort(result_.kept.begin(), result_.kept.end());
    result_.kept.erase(std::unique(result_.kept.begin(), result_.kept.end()), result_.kept.end());

    std::string buffer;
    if (const RewriteBuffer *rb = rw.getRewriteBufferFor(sm.getMainFileID()))
      buffer.assign(rb->begin(), rb->end());
    else
      buffer = sm.getBufferData(sm.getMainFileID()).str();
    emit(buffer, ranges);
  }

  // Parse errors matter only where they fall inside the slice; the rest of
  // the file is parsed against a shim that does not try to cover it.
  std::vector<std::string> relevant(const std::vector<std::string> &diags) const {
    std::vector<std::string> out;
    for (const auto &d : diags) {
      size_t c1 = d.find(':');
      size_t c2 = d.find(':', c1 + 1);
      if (c1 == std::string::npos || c2 == std::string::npos) {
        out.push_back(d);
        continue;
      }
      std::string file = d.substr(0, c1);
      unsigned line = static_cast<unsigned>(std::atoi(d.c_str() + c1 + 1));
      bool main_file = file.size() >= req_.file.size() &&
                       file.compare(file.size() - req_.file.size(), req_.file.size(), req_.file) == 0;
      if (!main_file || (line < kept_line_.size() && kept_line_[line])) out.push_back(d);
    }
    return out;
  }

 private:
  static std::string source_text(SourceManager &sm, const LangOptions &lo, SourceLocation b,
                                 SourceLocation e) {
    return Lexer::getSourceText(
               CharSourceRange::getCharRange(sm.getExpansionLoc(b), sm.getExpansionLoc(e)), sm, lo)
        .str();
  }

  void rewrite_store(const BinaryOperator *op, SourceManager &sm, const LangOptions &lo,
                     Rewriter &rw) {
    SourceLocation b = op->getLHS()->getBeginLoc();
    SourceLocation o = op->getOperatorLoc();
    SourceLocation e = op->getRHS()->getEndLoc();
    // A right-hand side that ends in a macro call (6.1's dst[1] = cpu_to_le64(..))
    // is still spelled in the file: the rewrite closes after the whole call.
    if (e.isMacroID() && !b.isMacroID() && !o.isMacroID()) {
      SourceLocation end = sm.getExpansionRange(e).getEnd();
      if (end.isFileID() && sm.isBeforeInTranslationUnit(o, end)) e = end;
    }
    const char *name = store_op_name(op->getOpcode());
    if (b.isMacroID() || o.isMacroID() || e.isMacroID() || !name) {
      SourceLocation at = sm.getExpansionLoc(o);
      result_.unrewritten.push_back(sm.getFilename(at).str() + ":" +
                                    std::to_string(sm.getPresumedLineNumber(at)));
      return;
    }
    unsigned line = sm.getSpellingLineNumber(o);
    SourceLocation after = Lexer::getLocForEndOfToken(e, 0, sm, lo);
    rw.InsertTextBefore(b, std::string("KSHIM_PLAIN_STORE(") + name + ", (");
    rw.ReplaceText(o, static_cast<unsigned>(op->getOpcodeStr().size()), "), (");
    rw.InsertTextAfter(after, "), " + std::to_string(line) + ")");
    ++result_.plain_stores_rewritten;
  }

  void emit(const std::string &buffer, std::vector<LineRange> ranges) {
    std::vector<std::string> lines;
    std::istringstream in(buffer);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    std::vector<bool> &take = kept_line_;
    take.assign(lines.size() + 2, false);
    for (const auto &r : ranges)
      for (unsigned l = r.first; l <= r.last && l <= lines.size(); ++l) take[l] = true;

    std::string out;
    for (const auto &p : req_.prelude) out += p + "\n";
    bool in_run = false;
    for (unsigned l = 1; l <= lines.size(); ++l) {
      if (!take[l]) {
        in_run = false;
        continue;
      }
      if (!in_run) out += "#line " + std::to_string(l) + " \"" + req_.file + "\"\n";
      in_run = true;
      out += lines[l - 1] + "\n";
    }
    for (const auto &e : req_.epilogue) out += e + "\n";
    result_.text = std::move(out);
  }

  const SliceRequest &req_;
  SliceResult &result_;
  CompilerInstance &ci_;
  std::vector<LineRange> &macro_lines_;
  std::vector<bool> kept_line_;
};

class SliceAction : public ASTFrontendAction {
 public:
  SliceAction(const SliceRequest &req, SliceResult &result) : req_(req), result_(result) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &ci, StringRef) override {
    ci.getPreprocessor().addPPCallbacks(
        std::make_unique<MacroLines>(ci.getSourceManager(), macro_lines_));
    auto consumer = std::make_unique<SliceConsumer>(req_, result_, ci, macro_lines_);
    consumer_ = consumer.get();
    return consumer;
  }
  void EndSourceFileAction() override {
    if (consumer_) result_.diagnostics = consumer_->relevant(result_.diagnostics);
  }

 private:
  const SliceRequest &req_;
  SliceResult &result_;
  std::vector<LineRange> macro_lines_;
  SliceConsumer *consumer_ = nullptr;
};

// Collects diagnostics as "file:line:col: level: message" lines.
class CollectDiagnostics : public DiagnosticConsumer {
 public:
  explicit CollectDiagnostics(std::vector<std::string> &out) : out_(out) {}
  void HandleDiagnostic(DiagnosticsEngine::Level level, const Diagnostic &info) override {
    DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < DiagnosticsEngine::Error) return;
    llvm::SmallString<256> msg;
    info.FormatDiagnostic(msg);
    std::string where = "?";
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      PresumedLoc p = info.getSourceManager().getPresumedLoc(
          info.getSourceManager().getExpansionLoc(info.getLocation()));
      if (p.isValid())
        where = std::string(p.getFilename()) + ":" + std::to_string(p.getLine()) + ":" +
                std::to_string(p.getColumn());
    }
    // A fatal error ends the parse's usefulness (clang drops every later error), so say so.
    out_.push_back(where + (level == DiagnosticsEngine::Fatal ? ": fatal error: " : ": error: ") +
                   msg.str().str());
  }

 private:
  std::vector<std::string> &out_;
};

// Main-file lines the preprocessor skipped (inactive #if branches).
class SkippedLines : public PPCallbacks {
 public:
  SkippedLines(SourceManager &sm, ParsedFile &out) : sm_(sm), out_(out) {}
  void SourceRangeSkipped(SourceRange range, SourceLocation) override {
    if (!in_main_file(sm_, range.getBegin())) return;
    out_.skipped_lines.emplace_back(sm_.getSpellingLineNumber(range.getBegin()),
                                    sm_.getSpellingLineNumber(range.getEnd()));
  }

 private:
  SourceManager &sm_;
  ParsedFile &out_;
};

// Hands the AST to a callback (parse_kernel_file).
class VisitAction : public ASTFrontendAction {
 public:
  using Visit = std::function<void(ASTContext &, const ParsedFile &)>;
  explicit VisitAction(const Visit &visit) : visit_(visit) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &ci, StringRef) override {
    ci.getPreprocessor().addPPCallbacks(
        std::make_unique<SkippedLines>(ci.getSourceManager(), parsed_));
    struct Consumer : ASTConsumer {
      const Visit &visit;
      const ParsedFile &parsed;
      Consumer(const Visit &v, const ParsedFile &p) : visit(v), parsed(p) {}
      void HandleTranslationUnit(ASTContext &ctx) override { visit(ctx, parsed); }
    };
    return std::make_unique<Consumer>(visit_, parsed_);
  }

 private:
  const Visit &visit_;
  ParsedFile parsed_;
};

// Runs `action` on req.file with its #include lines blanked and req.prelude forced in
// first; errors go to `diagnostics`. False only when the file cannot be read.
bool parse_blanked(const SliceRequest &req, std::unique_ptr<FrontendAction> action,
                   std::vector<std::string> &diagnostics) {
  std::filesystem::path path = req.tree_root / req.file;
  std::ifstream in(path);
  if (!in) {
    diagnostics.push_back(path.string() + ": cannot read file");
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string code = blank_includes(ss.str());

  // The prelude is parsed as a forced include so that the main file keeps its own line numbers.
  std::string prelude;
  for (const auto &p : req.prelude) prelude += p + "\n";
  std::string prelude_path = (req.tree_root / ".kshim-slice-prelude.h").string();

  auto memfs = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  auto overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::getRealFileSystem());
  overlay->pushOverlay(memfs);
  memfs->addFile(path.string(), 0, llvm::MemoryBuffer::getMemBufferCopy(code));
  memfs->addFile(prelude_path, 0, llvm::MemoryBuffer::getMemBufferCopy(prelude));
  auto files = llvm::makeIntrusiveRefCnt<clang::FileManager>(clang::FileSystemOptions(), overlay);

  std::vector<std::string> args = {"clang", "-fsyntax-only", "-x", "c", "-ferror-limit=0",
                                   "-Wno-everything", "-fno-caret-diagnostics"};
  if (!req.resource_dir.empty()) args.push_back("-resource-dir=" + req.resource_dir);
  args.insert(args.end(), req.clang_args.begin(), req.clang_args.end());
  args.push_back("-include");
  args.push_back(prelude_path);
  args.push_back(path.string());

  CollectDiagnostics diags(diagnostics);
  clang::tooling::ToolInvocation invocation(args, std::move(action), files.get());
  invocation.setDiagnosticConsumer(&diags);
  invocation.run();  // false when the file had errors; the AST is still complete enough
  return true;
}

}  // namespace

SliceResult slice_file(const SliceRequest &req) {
  SliceResult result;
  if (!parse_blanked(req, std::make_unique<SliceAction>(req, result), result.diagnostics))
    result.missing = req.roots;
  return result;
}

std::vector<std::string> parse_kernel_file(
    const SliceRequest &req,
    const std::function<void(clang::ASTContext &, const ParsedFile &)> &visit) {
  std::vector<std::string> diagnostics;
  parse_blanked(req, std::make_unique<VisitAction>(visit), diagnostics);
  return diagnostics;
}

}  // namespace smmu::harness
