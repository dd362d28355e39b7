// The tree's own STE/CD writer (arm_smmu_write_entry with entry_set, the
// qword diff and the ops' get_used), executed from its LLVM IR on a symbolic
// current entry and a symbolic target: every store and sync it makes, in
// program order, each with the condition under which it happens. Nothing of
// the writer is re-implemented; IR the executor does not model is UnsupportedIR.
#pragma once

#include <z3++.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "used_bits_ir.h"

namespace smmu::checker {

// Which writer to run, named as in the IR the harness produced.
struct WriterIr {
  std::string function;   // the writer's body (the harness wraps arm_smmu_write_entry: __kshim_real_...)
  std::string ops_table;  // the constant ops table of the STE or CD writer in the IR
  // The shim's hooks the writer's code calls (harness/include/kshim_hooks.h):
  // recorded as steps, as the native recorder does.
  std::string barrier_hook = "kshim_barrier";
  std::string warn_hook = "kshim_warn";
  int qwords = 8;  // NUM_ENTRY_QWORDS
};

// Loops are unrolled by LLVM's unroller up to this size (about instructions per
// unrolled loop); a loop it leaves makes the run UnsupportedIR.
constexpr unsigned kWriterUnrollBound = 4096;

struct WriterStep {
  enum class Kind { Store, Sync, Barrier, Warn };
  WriterStep(Kind k, z3::expr c) : kind(k), cond(std::move(c)) {}
  Kind kind;
  z3::expr cond;                  // the step happens iff this holds (over current and target)
  int qword = -1;                 // Store: which qword of the entry
  std::optional<z3::expr> value;  // Store: the value written (bv64)
  bool once = false;              // Store: a volatile store (WRITE_ONCE); else plain, may tear
  int barrier = -1;               // Barrier: the kind the hook was called with
};

struct SymbolicWrite {
  std::vector<z3::expr> current, target;  // the inputs: constants cur0..cur7, tgt0..tgt7
  std::vector<WriterStep> steps;          // in program order; on one input, those whose cond holds
  std::vector<z3::expr> final_entry;      // the entry after the writer returns
  std::string sync_function;              // the ops' sync, recorded instead of executed
  std::vector<std::string> executed_ops;  // the ops executed from the IR (get_used, ...)
};

// Runs the writer. Throws UnsupportedIR naming the function and instruction for
// anything the executor does not model (the caller reports `unknown`).
SymbolicWrite symbolic_write(IrModule &module, z3::context &ctx, const WriterIr &writer);

// The steps one concrete (current, target) takes, by evaluating the conditions and values.
struct ConcreteStep {
  WriterStep::Kind kind;
  int qword = -1;
  uint64_t value = 0;
  int barrier = -1;
  bool once = false;  // Store: WRITE_ONCE (volatile), else plain
  bool operator==(const ConcreteStep &o) const {
    return kind == o.kind && qword == o.qword && value == o.value && barrier == o.barrier && once == o.once;
  }
};
using Qwords = std::vector<uint64_t>;

// Evaluates a SymbolicWrite on concrete entries. Construct once, call per pair.
// steps() computes every condition and value from the terms' DAG on 64-bit
// integers (a term it cannot, by an operator or width, goes to Z3);
// steps_by_z3() substitutes the entries into each term and lets Z3 simplify
// it: the reference, about a thousand times slower.
class WriterEvaluator {
 public:
  WriterEvaluator(z3::context &ctx, const SymbolicWrite &write);
  ~WriterEvaluator();
  std::vector<ConcreteStep> steps(const Qwords &current, const Qwords &target) const;
  std::vector<ConcreteStep> steps_by_z3(const Qwords &current, const Qwords &target) const;
  size_t dag_nodes() const;    // operations evaluated per pair
  size_t terms_by_z3() const;  // step terms left to Z3 (operator or width not evaluated)

 private:
  struct Dag;
  z3::context &ctx_;
  const SymbolicWrite &write_;
  mutable z3::expr_vector vars_;
  std::unique_ptr<Dag> dag_;
};

std::string to_string(const ConcreteStep &s);

}  // namespace smmu::checker
