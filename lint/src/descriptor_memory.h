// Where a store goes: the provenance analysis that tells live descriptor memory
// (what the SMMU may fetch at any moment) from a descriptor being built. The
// rules and their reasons are in docs/lint.md ("Live or being built").
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"

namespace smmu::lint {

// The driver knowledge the analysis needs, in one place.
struct Vocabulary {
  // Structs that are descriptors the SMMU fetches, and what their memory is called.
  std::map<std::string, std::string> descriptor_structs = {
      {"arm_smmu_ste", "stream-table"},
      {"arm_smmu_cd", "CD-table"},
      {"arm_smmu_strtab_l1", "stream-table"},
      {"arm_smmu_cdtab_l1", "CD-table"},
  };
  // Typedefs whose pointers point into page tables.
  std::map<std::string, std::string> descriptor_typedefs = {{"arm_lpae_iopte", "page-table"}};
  // 64-bit descriptor words (the store type the checks look at).
  std::set<std::string> word_typedefs = {"__le64", "u64", "arm_lpae_iopte"};
  // Untyped table pointers (__le64 *, void *) kept in driver state: struct -> field -> memory.
  std::map<std::string, std::map<std::string, std::string>> table_fields = {
      {"arm_smmu_strtab_cfg", {{"strtab", "stream-table"}}},
      {"arm_smmu_strtab_l1_desc", {{"l2ptr", "stream-table"}}},
      {"arm_smmu_ctx_desc_cfg", {{"cdtab", "CD-table"}}},
      {"arm_smmu_l1_ctx_desc", {{"l2ptr", "CD-table"}}},
      {"arm_lpae_io_pgtable", {{"pgd", "page-table"}}},  // void *: the root table
  };
  // Functions that fill a caller's descriptor which is not yet live (6.9+ driver).
  std::vector<std::string> builder_prefixes = {"arm_smmu_make_"};
  // Calls (function or macro names) returning memory nobody else can see yet.
  std::set<std::string> allocators = {
      "kmalloc",
      "kzalloc",
      "kcalloc",
      "kmalloc_array",
      "kzalloc_node",
      "devm_kzalloc",
      "devm_kcalloc",
      "kvzalloc",
      "vzalloc",
      "dma_alloc_coherent",
      "dmam_alloc_coherent",
      "iommu_alloc_pages_node",
      "iommu_alloc_pages",
      "iommu_alloc_page",
      "iommu_alloc_page_node",
      "alloc_pages_node",
      "alloc_pages",
      "__get_free_pages",
      "get_zeroed_page",
  };
  // Calls whose result is their first argument's memory seen another way.
  std::set<std::string> pass_through = {"page_address", "virt_to_page", "phys_to_virt", "__va"};
  // Macros whose own stores are the single-copy atomic primitives.
  std::set<std::string> atomic_store_macros = {
      "WRITE_ONCE",        "__WRITE_ONCE",
      "smp_store_release", "__smp_store_release",
      "smp_store_mb",      "xchg",
      "xchg_relaxed",      "cmpxchg",
      "cmpxchg64",         "cmpxchg64_relaxed",
      "cmpxchg_relaxed",   "try_cmpxchg",
      "set_bit",           "clear_bit",
      "atomic64_set",
  };
};

enum class Memory {
  None,    // not descriptor memory (command buffers, masks, driver state)
  Stack,   // an automatic object: the SMMU cannot fetch it
  Fresh,   // allocated in this function and not yet published
  Target,  // the output of a builder (arm_smmu_make_*)
  Live,    // descriptor memory the SMMU may fetch at any moment
};
const char *to_string(Memory m);

// What an expression designates or points to, and why (for the diagnostic's note).
struct Provenance {
  Memory memory = Memory::None;
  std::string what;             // "stream-table", "CD-table", "page-table"; empty if not descriptor
  std::string why;              // one sentence, e.g. "'ptep' has type 'arm_lpae_iopte *'"
  clang::SourceLocation where;  // where `why` is true
  // When `why` only passes the memory on (a call, an assignment): the first reason.
  std::string origin;
  clang::SourceLocation origin_where;
  bool by_type = false;  // rooted only in a pointer's type (the weakest reason)
};

class DescriptorMemory {
 public:
  DescriptorMemory(clang::ASTContext &ctx, Vocabulary vocabulary = {});

  // The memory an lvalue designates (ptep[i], *dst, target->data[1], ste).
  Provenance object(const clang::Expr *lvalue) const;
  // The memory a pointer (or array) expression points to.
  Provenance pointer(const clang::Expr *pointer) const;

  bool is_word_type(clang::QualType t) const;
  // The descriptor struct of `t` ("arm_smmu_ste"), or "".
  std::string descriptor_struct(clang::QualType t) const;
  // Macro names the location is expanded from, innermost first.
  std::vector<std::string> macro_chain(clang::SourceLocation loc) const;
  bool in_atomic_macro(clang::SourceLocation loc) const;
  // The main-file function whose body contains `loc`, or nullptr.
  const clang::FunctionDecl *enclosing_function(clang::SourceLocation loc) const;
  // Defined functions of the main file (a parse with none did not work).
  size_t function_count() const { return functions_.size(); }
  const std::vector<const clang::FunctionDecl *> &functions() const { return functions_; }
  const Vocabulary &vocabulary() const { return vocab_; }

 private:
  // What the fixed point reads from one function body.
  struct FunctionFacts {
    const clang::FunctionDecl *fn = nullptr;
    std::vector<std::pair<const clang::VarDecl *, const clang::Expr *>> inits;
    std::vector<const clang::BinaryOperator *> assigns;  // `=` to a pointer
    std::vector<const clang::CallExpr *> calls;          // to functions defined in the file
    std::vector<const clang::Expr *> returns;
  };
  void collect();
  void solve();
  Provenance load(const clang::Expr *lvalue) const;
  Provenance call(const clang::CallExpr *call) const;
  Provenance type_default(const clang::Expr *e) const;
  std::string pointee_memory(clang::QualType t) const;  // "" unless a descriptor pointer
  std::string key(const clang::Expr *lvalue) const;
  bool is_builder(const clang::FunctionDecl *f) const;
  std::string spell(const clang::Expr *e) const;
  unsigned line(clang::SourceLocation loc) const;

  clang::ASTContext &ctx_;
  Vocabulary vocab_;
  std::vector<const clang::FunctionDecl *> functions_;
  std::vector<FunctionFacts> facts_;
  std::map<const clang::VarDecl *, Provenance> vars_;  // locals and parameters
  std::set<const clang::ParmVarDecl *> pinned_;        // builder targets
  std::map<const clang::FunctionDecl *, Provenance> returns_;
  struct FreshStore {
    std::string key;
    clang::SourceLocation at;
    const clang::FunctionDecl *function;
  };
  std::vector<FreshStore> fresh_;  // `key = <fresh memory>` inside `function`
};

}  // namespace smmu::lint
