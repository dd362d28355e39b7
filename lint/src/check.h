// The check framework, after clang-tidy: each check is one small class that
// registers AST matchers and reports through a shared context; check_registry.cpp
// lists them all.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "descriptor_memory.h"
#include "lint.h"

namespace smmu::lint {

// What checks see of one parsed file and how they report (clang-tidy's ClangTidyContext, reduced).
class CheckContext {
 public:
  CheckContext(clang::ASTContext &ast, const DescriptorMemory &memory, std::string file,
               std::vector<Finding> &out)
      : ast_(ast), memory_(memory), file_(std::move(file)), out_(out) {}

  clang::ASTContext &ast() const { return ast_; }
  const DescriptorMemory &memory() const { return memory_; }

  // The provenance of `lvalue` if it is a 64-bit word of live descriptor memory written
  // by a plain (non-volatile) access outside the atomic primitives' own expansions.
  std::optional<Provenance> live_word(const clang::Expr *lvalue, clang::SourceLocation op) const;

  // A warning at `at` (reported at its expansion in the file), highlighting `range`.
  // The reference is valid until the next report().
  Finding &report(const std::string &check, clang::SourceLocation at, clang::SourceRange range,
                  std::string message);
  void note(Finding &f, clang::SourceLocation at, std::string message);
  // The note saying why the memory is live.
  void explain(Finding &f, const Provenance &why) {
    note(f, why.where, why.why);
    if (!why.origin.empty() && why.origin_where != why.where) note(f, why.origin_where, why.origin);
  }
  // Replaces the file text of `range` (a token range); false if it is not contiguous file text.
  bool fixit(Finding &f, clang::SourceRange range, std::string replacement);
  // The file text of a token range; "" if part of it is inside a macro definition.
  std::string text(clang::SourceRange range) const;
  // True when the expression's value is unused, so a statement macro (WRITE_ONCE) can replace it.
  bool is_statement(const clang::Expr *e) const;

 private:
  SourcePoint point(clang::SourceLocation loc) const;
  std::string line_text(clang::SourceLocation loc) const;

  clang::ASTContext &ast_;
  const DescriptorMemory &memory_;
  std::string file_;
  std::vector<Finding> &out_;
};

// One check (clang-tidy's ClangTidyCheck): matchers in, findings out.
class Check : public clang::ast_matchers::MatchFinder::MatchCallback {
 public:
  Check(std::string name, CheckContext &context) : name_(std::move(name)), context_(context) {}
  const std::string &name() const { return name_; }
  virtual void register_matchers(clang::ast_matchers::MatchFinder &finder) = 0;

 protected:
  CheckContext &context() { return context_; }
  Finding &report(clang::SourceLocation at, clang::SourceRange range, std::string message) {
    return context_.report(name_, at, range, std::move(message));
  }

 private:
  std::string name_;
  CheckContext &context_;
};

struct CheckFactory {
  const char *name;
  const char *summary;
  std::unique_ptr<Check> (*make)(const std::string &name, CheckContext &context);
};
template <class T>
std::unique_ptr<Check> make_check(const std::string &name, CheckContext &context) {
  return std::make_unique<T>(name, context);
}
// Every check, in one place (check_registry.cpp).
const std::vector<CheckFactory> &check_factories();

}  // namespace smmu::lint
