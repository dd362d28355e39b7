#include "descriptor_memory.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/raw_ostream.h"

namespace smmu::lint {

using namespace clang;

const char *to_string(Memory m) {
  switch (m) {
    case Memory::None: return "none";
    case Memory::Stack: return "stack";
    case Memory::Fresh: return "fresh";
    case Memory::Target: return "target";
    case Memory::Live: return "live";
  }
  return "?";
}

namespace {

int rank(Memory m) { return m == Memory::None ? 0 : m == Memory::Live ? 2 : 1; }

// Live wins over "not yet live", which wins over "not descriptor memory". Among
// equals, a reason rooted in where the memory comes from (a table pointer, an
// allocation) replaces one rooted only in a pointer's type, once; other ties keep
// the first reason found, so notes are stable.
bool join(Provenance &into, const Provenance &p) {
  int r = rank(p.memory), old = rank(into.memory);
  if (r < old || (r == old && (r == 0 || !into.by_type || p.by_type))) return false;
  into = p;
  return true;
}

std::string describe(const Provenance &p) {
  switch (p.memory) {
    case Memory::Live: return "live " + p.what + " memory";
    case Memory::Fresh: return "newly allocated memory";
    case Memory::Stack: return "a local object";
    case Memory::Target: return "a descriptor being built";
    case Memory::None: break;
  }
  return "memory";
}

// `p` passed on: a new immediate reason, the first one kept as the origin.
Provenance derive(const Provenance &p, std::string why, SourceLocation where) {
  Provenance q = p;
  if (q.origin.empty()) {
    q.origin = p.why;
    q.origin_where = p.where;
  }
  q.why = std::move(why);
  q.where = where;
  return q;
}

Provenance reason(Memory m, std::string what, std::string why, SourceLocation where) {
  Provenance p;
  p.memory = m;
  p.what = std::move(what);
  p.why = std::move(why);
  p.where = where;
  return p;
}

bool in_main_file(const SourceManager &sm, SourceLocation loc) {
  return loc.isValid() && sm.getFileID(sm.getExpansionLoc(loc)) == sm.getMainFileID();
}

// Name of the first typedef in t's sugar chain that `names` contains, or "".
template <class Names>
std::string typedef_in(QualType t, const Names &names) {
  const Type *ty = t.getTypePtrOrNull();
  for (int guard = 0; ty && guard < 32; ++guard) {
    if (auto *tt = dyn_cast<TypedefType>(ty)) {
      std::string n = tt->getDecl()->getName().str();
      if (names.count(n)) return n;
      ty = tt->getDecl()->getUnderlyingType().getTypePtrOrNull();
      continue;
    }
    QualType next = ty->getLocallyUnqualifiedSingleStepDesugaredType();
    if (next.getTypePtrOrNull() == ty) break;
    ty = next.getTypePtrOrNull();
  }
  return "";
}

}  // namespace

DescriptorMemory::DescriptorMemory(ASTContext &ctx, Vocabulary vocabulary)
    : ctx_(ctx), vocab_(std::move(vocabulary)) {
  collect();
  solve();
}

void DescriptorMemory::collect() {
  const SourceManager &sm = ctx_.getSourceManager();
  struct Visitor : RecursiveASTVisitor<Visitor> {
    FunctionFacts &f;
    const SourceManager &sm;
    Visitor(FunctionFacts &facts, const SourceManager &s) : f(facts), sm(s) {}
    bool VisitVarDecl(VarDecl *v) {
      if (!isa<ParmVarDecl>(v) && v->hasLocalStorage() && v->hasInit() &&
          v->getType()->isPointerType())
        f.inits.emplace_back(v, v->getInit());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *bo) {
      if (bo->getOpcode() == BO_Assign && bo->getLHS()->getType()->isPointerType())
        f.assigns.push_back(bo);
      return true;
    }
    bool VisitCallExpr(CallExpr *c) {
      if (const FunctionDecl *callee = c->getDirectCallee())
        if (const FunctionDecl *def = callee->getDefinition())
          if (in_main_file(sm, def->getLocation())) f.calls.push_back(c);
      return true;
    }
    bool VisitReturnStmt(ReturnStmt *r) {
      if (r->getRetValue() && r->getRetValue()->getType()->isPointerType())
        f.returns.push_back(r->getRetValue());
      return true;
    }
  };
  for (const Decl *d : ctx_.getTranslationUnitDecl()->decls()) {
    auto *fn = dyn_cast<FunctionDecl>(d);
    if (!fn || !fn->doesThisDeclarationHaveABody() || !in_main_file(sm, fn->getLocation()))
      continue;
    functions_.push_back(fn);
    FunctionFacts facts;
    facts.fn = fn;
    Visitor(facts, sm).TraverseStmt(fn->getBody());
    facts_.push_back(std::move(facts));
  }
}

void DescriptorMemory::solve() {
  const SourceManager &sm = ctx_.getSourceManager();
  // A builder's descriptor parameters are its output, whatever callers pass.
  for (const FunctionDecl *fn : functions_) {
    if (!is_builder(fn)) continue;
    for (const ParmVarDecl *p : fn->parameters()) {
      std::string what = pointee_memory(p->getType());
      if (what.empty()) continue;
      vars_[p] =
          reason(Memory::Target, what,
                 "'" + p->getName().str() + "' is the descriptor that " + fn->getName().str() +
                     "() builds; callers publish it through the writer",
                 p->getLocation());
      pinned_.insert(p);
    }
  }
  // Monotone over a finite lattice, so this ends; the bound is only a guard.
  for (int round = 0; round < 64; ++round) {
    bool changed = false;
    for (const FunctionFacts &f : facts_) {
      auto assigned = [&](const VarDecl *v, const Expr *value) {
        Provenance p = pointer(value);
        if (p.memory == Memory::None) return false;
        return join(vars_[v],
                    derive(p, "'" + v->getName().str() + "' is set to " + describe(p) + " here",
                           value->getExprLoc()));
      };
      for (auto [v, init] : f.inits) changed |= assigned(v, init);
      for (const BinaryOperator *bo : f.assigns) {
        const Expr *lhs = bo->getLHS()->IgnoreParens();
        if (auto *dr = dyn_cast<DeclRefExpr>(lhs)) {
          auto *v = dyn_cast<VarDecl>(dr->getDecl());
          auto *p = dyn_cast_or_null<ParmVarDecl>(v);
          if (v && v->hasLocalStorage() && !(p && pinned_.count(p)))
            changed |= assigned(v, bo->getRHS());
          continue;
        }
        Provenance rhs = pointer(bo->getRHS());
        if (rhs.memory != Memory::Fresh) continue;
        SourceLocation at = sm.getExpansionLoc(bo->getOperatorLoc());
        std::string k = key(lhs);
        bool known = false;
        for (const auto &s : fresh_) known |= s.key == k && s.function == f.fn && s.at == at;
        if (!known) {
          fresh_.push_back({k, at, f.fn});
          changed = true;
        }
      }
      for (const CallExpr *c : f.calls) {
        const FunctionDecl *def = c->getDirectCallee()->getDefinition();
        unsigned n = std::min<unsigned>(c->getNumArgs(), def->getNumParams());
        for (unsigned i = 0; i < n; ++i) {
          const ParmVarDecl *p = def->getParamDecl(i);
          if (!p->getType()->isPointerType() || pinned_.count(p)) continue;
          Provenance arg = pointer(c->getArg(i));
          if (arg.memory == Memory::None) continue;
          changed |=
              join(vars_[p], derive(arg,
                                    f.fn->getName().str() + "() passes " + describe(arg) + " as '" +
                                        p->getName().str() + "' to " + def->getName().str() + "()",
                                    c->getArg(i)->getExprLoc()));
        }
      }
      for (const Expr *r : f.returns)
        if (!r->isNullPointerConstant(ctx_, Expr::NPC_ValueDependentIsNotNull))
          changed |= join(returns_[f.fn], pointer(r));
    }
    if (!changed) break;
  }
}

bool DescriptorMemory::is_builder(const FunctionDecl *f) const {
  std::string name = f->getName().str();
  for (const auto &prefix : vocab_.builder_prefixes)
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

std::string DescriptorMemory::pointee_memory(QualType t) const {
  QualType pointee;
  if (t->isPointerType())
    pointee = t->getPointeeType();
  else if (const ArrayType *a = t->getAsArrayTypeUnsafe())
    pointee = a->getElementType();
  else
    return "";
  std::string td = typedef_in(pointee, vocab_.descriptor_typedefs);
  if (!td.empty()) return vocab_.descriptor_typedefs.at(td);
  std::string s = descriptor_struct(pointee);
  return s.empty() ? "" : vocab_.descriptor_structs.at(s);
}

std::string DescriptorMemory::descriptor_struct(QualType t) const {
  if (t.isNull()) return "";
  const RecordDecl *rd = t.getCanonicalType()->getAsRecordDecl();
  if (!rd || !rd->getIdentifier()) return "";
  std::string name = rd->getName().str();
  return vocab_.descriptor_structs.count(name) ? name : "";
}

bool DescriptorMemory::is_word_type(QualType t) const {
  if (t.isNull() || !t->isIntegerType()) return false;
  return ctx_.getTypeSize(t) == 64 || !typedef_in(t, vocab_.word_typedefs).empty();
}

std::vector<std::string> DescriptorMemory::macro_chain(SourceLocation loc) const {
  const SourceManager &sm = ctx_.getSourceManager();
  std::vector<std::string> names;
  for (int guard = 0; loc.isMacroID() && guard < 64; ++guard) {
    if (sm.isMacroArgExpansion(loc)) {  // written by the macro's caller: go there
      loc = sm.getImmediateSpellingLoc(loc);
      continue;
    }
    names.push_back(Lexer::getImmediateMacroName(loc, sm, ctx_.getLangOpts()).str());
    loc = sm.getImmediateExpansionRange(loc).getBegin();
  }
  return names;
}

bool DescriptorMemory::in_atomic_macro(SourceLocation loc) const {
  for (const auto &m : macro_chain(loc))
    if (vocab_.atomic_store_macros.count(m)) return true;
  return false;
}

const FunctionDecl *DescriptorMemory::enclosing_function(SourceLocation loc) const {
  const SourceManager &sm = ctx_.getSourceManager();
  loc = sm.getExpansionLoc(loc);
  for (const FunctionDecl *fn : functions_) {
    SourceLocation b = sm.getExpansionLoc(fn->getBeginLoc());
    SourceLocation e = sm.getExpansionLoc(fn->getEndLoc());
    if (!sm.isBeforeInTranslationUnit(loc, b) && !sm.isBeforeInTranslationUnit(e, loc)) return fn;
  }
  return nullptr;
}

unsigned DescriptorMemory::line(SourceLocation loc) const {
  const SourceManager &sm = ctx_.getSourceManager();
  return sm.getExpansionLineNumber(loc);
}

std::string DescriptorMemory::spell(const Expr *e) const {
  const SourceManager &sm = ctx_.getSourceManager();
  CharSourceRange r = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(e->getSourceRange()),
                                               sm, ctx_.getLangOpts());
  if (r.isValid()) {
    std::string s = Lexer::getSourceText(r, sm, ctx_.getLangOpts()).str();
    if (!s.empty() && s.size() < 80 && s.find('\n') == std::string::npos) return s;
  }
  return key(e);
}

std::string DescriptorMemory::key(const Expr *e) const {
  std::string s;
  llvm::raw_string_ostream os(s);
  e->IgnoreParenImpCasts()->printPretty(os, nullptr, PrintingPolicy(ctx_.getLangOpts()));
  return os.str();
}

Provenance DescriptorMemory::type_default(const Expr *e) const {
  std::string what = pointee_memory(e->getType());
  if (what.empty()) return {};
  Provenance p;
  auto *dr = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
  if (dr && dr->getType()->isPointerType())
    p = reason(Memory::Live, what,
               "'" + dr->getDecl()->getName().str() + "' has type '" +
                   dr->getType().getAsString() + "', a pointer to " + what + " memory",
               dr->getDecl()->getLocation());
  else
    p = reason(Memory::Live, what,
               "'" + spell(e) + "' is used as '" + e->getType().getAsString() + "', a pointer to " +
                   what + " memory",
               e->getExprLoc());
  p.by_type = true;
  return p;
}

Provenance DescriptorMemory::pointer(const Expr *e) const {
  e = e->IgnoreParens();
  Provenance p;
  if (auto *c = dyn_cast<CastExpr>(e)) {
    switch (c->getCastKind()) {
      case CK_ArrayToPointerDecay: p = object(c->getSubExpr()); break;
      case CK_LValueToRValue: p = load(c->getSubExpr()); break;
      case CK_NullToPointer:
      case CK_IntegralToPointer: break;
      default: p = pointer(c->getSubExpr()); break;
    }
  } else if (auto *u = dyn_cast<UnaryOperator>(e)) {
    if (u->getOpcode() == UO_AddrOf)
      p = object(u->getSubExpr());
    else if (u->isIncrementDecrementOp())
      p = load(u->getSubExpr());
  } else if (auto *b = dyn_cast<BinaryOperator>(e)) {
    switch (b->getOpcode()) {
      case BO_Add:
      case BO_Sub:
        p = b->getLHS()->getType()->isPointerType() ? pointer(b->getLHS()) : pointer(b->getRHS());
        break;
      case BO_Assign:
      case BO_Comma: p = pointer(b->getRHS()); break;
      case BO_AddAssign:
      case BO_SubAssign: p = load(b->getLHS()); break;
      default: break;
    }
  } else if (auto *co = dyn_cast<AbstractConditionalOperator>(e)) {
    p = pointer(co->getTrueExpr());
    join(p, pointer(co->getFalseExpr()));
  } else if (auto *call = dyn_cast<CallExpr>(e)) {
    p = this->call(call);
  } else if (auto *se = dyn_cast<StmtExpr>(e)) {  // ({ ...; value; }), e.g. container_of
    if (!se->getSubStmt()->body_empty())
      if (auto *last = dyn_cast<Expr>(se->getSubStmt()->body_back())) p = pointer(last);
  }
  if (p.memory == Memory::None) p = type_default(e);
  return p;
}

Provenance DescriptorMemory::object(const Expr *e) const {
  e = e->IgnoreParens();
  if (auto *c = dyn_cast<ImplicitCastExpr>(e))
    if (c->getCastKind() == CK_NoOp) return object(c->getSubExpr());
  if (auto *dr = dyn_cast<DeclRefExpr>(e)) {
    auto *v = dyn_cast<VarDecl>(dr->getDecl());
    if (!v) return {};
    if (v->hasLocalStorage())
      return reason(Memory::Stack, "", "'" + v->getName().str() + "' is a local object",
                    v->getLocation());
    // A global object of descriptor type: nothing says it is not fetched.
    QualType t = v->getType();
    std::string what = descriptor_struct(t);
    what = what.empty() ? pointee_memory(t) : vocab_.descriptor_structs.at(what);
    if (what.empty()) return {};
    return reason(Memory::Live, what,
                  "'" + v->getName().str() + "' is a global " + what + " object", v->getLocation());
  }
  if (auto *s = dyn_cast<ArraySubscriptExpr>(e)) return pointer(s->getBase());
  if (auto *u = dyn_cast<UnaryOperator>(e))
    return u->getOpcode() == UO_Deref ? pointer(u->getSubExpr()) : Provenance{};
  if (auto *m = dyn_cast<MemberExpr>(e))
    return m->isArrow() ? pointer(m->getBase()) : object(m->getBase());
  if (isa<CompoundLiteralExpr>(e))
    return reason(Memory::Stack, "", "a compound literal", e->getExprLoc());
  return {};
}

Provenance DescriptorMemory::load(const Expr *e) const {
  e = e->IgnoreParens();
  const SourceManager &sm = ctx_.getSourceManager();
  if (auto *dr = dyn_cast<DeclRefExpr>(e)) {
    auto *v = dyn_cast<VarDecl>(dr->getDecl());
    if (!v || !v->hasLocalStorage()) return {};
    auto it = vars_.find(v);
    return it == vars_.end() ? Provenance{} : it->second;
  }
  if (!isa<MemberExpr>(e) && !isa<UnaryOperator>(e) && !isa<ArraySubscriptExpr>(e)) return {};
  // A pointer this function stored fresh memory into, earlier in the function.
  SourceLocation at = sm.getExpansionLoc(e->getExprLoc());
  const FunctionDecl *fn = enclosing_function(at);
  std::string k = key(e);
  for (const auto &s : fresh_)
    if (s.function == fn && s.key == k && sm.isBeforeInTranslationUnit(s.at, at))
      return reason(
          Memory::Fresh, "",
          "'" + k + "' was set to newly allocated memory at line " + std::to_string(line(s.at)),
          s.at);
  // An untyped table pointer kept in driver state.
  if (auto *m = dyn_cast<MemberExpr>(e)) {
    auto *field = dyn_cast<FieldDecl>(m->getMemberDecl());
    for (const RecordDecl *rd = field ? field->getParent() : nullptr; rd;
         rd = dyn_cast<RecordDecl>(rd->getParent())) {
      if (!rd->getIdentifier()) continue;
      auto t = vocab_.table_fields.find(rd->getName().str());
      if (t == vocab_.table_fields.end()) continue;
      auto f = t->second.find(field->getName().str());
      if (f == t->second.end()) continue;
      return reason(
          Memory::Live, f->second,
          "'" + k + "' is the " + f->second + " pointer kept in struct " + rd->getName().str(),
          m->getMemberLoc());
    }
  }
  return {};
}

Provenance DescriptorMemory::call(const CallExpr *c) const {
  const FunctionDecl *callee = c->getDirectCallee();
  std::vector<std::string> names = macro_chain(c->getCallee()->getExprLoc());
  if (callee && callee->getIdentifier()) names.push_back(callee->getName().str());
  for (const auto &n : names) {
    if (vocab_.allocators.count(n))
      return reason(Memory::Fresh, "", "allocated by " + n + "()", c->getExprLoc());
    if (vocab_.pass_through.count(n) && c->getNumArgs() > 0) return pointer(c->getArg(0));
  }
  if (callee)
    if (const FunctionDecl *def = callee->getDefinition()) {
      auto it = returns_.find(def);
      if (it != returns_.end()) return it->second;
    }
  return {};
}

}  // namespace smmu::lint
