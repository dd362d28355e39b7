// The kernel's own get_used functions (arm_smmu_get_ste_used, arm_smmu_get_cd_used), as Z3
// terms: their LLVM IR (harness function_ir()) is symbolically executed, never re-implemented.
#pragma once

#include <z3++.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace smmu::checker {

// IR the executor does not model (unknown call, loop, pointer arithmetic it cannot resolve, ...).
// The message names the function and the instruction. Engines turn it into an `unknown`
// verdict, never a pass.
struct UnsupportedIR : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An argument of IrModule::run_logged: an array of 64-bit words, some of whose
// fields may hold pointers (read-only, e.g. a writer's ops table pointer).
// Or, when `input` is set, a read-only structure of the caller's (a make
// function's master or domain): its bytes are free symbols created as the code
// reads them, and so are the structures its pointer fields point to. Such
// pointers are assumed distinct and never null, so the executor refuses any
// comparison that would depend on that. Or, when `scalar` is set, an integer
// argument.
struct IrArg {
  std::vector<z3::expr> words;
  // byte offset -> name of the module global or function the field points to
  std::map<int64_t, std::string> pointer_fields;
  std::string input;              // non-empty: an input structure, named so in its symbols
  std::optional<z3::expr> scalar;  // an integer argument of the parameter's width
};

// A read of an input structure: the value the code took from it, for naming a
// counterexample's parameters ("*(arm_smmu_master+0x0)+0x28", 4 bytes).
struct IrInputRead {
  std::string name;
  int64_t bytes = 0;
  z3::expr value;
  // Where: the argument, then per structure on the way its type in the IR
  // ("" if untyped) and the byte offset read in it (a pointer field, then the
  // value itself), for naming by debug information.
  int argument = -1;
  std::vector<std::pair<std::string, int64_t>> path;
};

// A function's parameter, as the IR types it.
struct IrParameter {
  bool pointer = false;
  unsigned bits = 0;        // an integer's width
  std::string struct_name;  // a pointer to a named struct: its name without "struct."
};

// One step of a logged run, in program order. `cond` is the path condition under
// which it happens: for concrete inputs, the steps whose condition holds are the
// path's steps, in the order it makes them.
struct IrEvent {
  enum class Kind { Store, Call };
  IrEvent(Kind k, z3::expr c) : kind(k), cond(std::move(c)) {}
  Kind kind;
  z3::expr cond;
  // Store into a logged argument: its byte offset, size and the value stored (size*8 bits).
  int array = -1;
  int64_t offset = 0, bytes = 0;
  std::optional<z3::expr> value;
  bool volatile_store = false;  // a volatile store (the shim's WRITE_ONCE), never split by the compiler
  // Call recorded instead of executed: the callee and its integer arguments (others empty).
  std::string function;
  std::vector<std::optional<z3::expr>> int_args;
};

struct IrRunOptions {
  std::set<int> logged_arrays;          // argument indexes whose stores are logged
  std::set<std::string> recorded_calls;  // callees logged as events, never executed
};

struct IrLoggedRun {
  std::vector<std::vector<z3::expr>> arrays;  // every argument's final words (empty for inputs, scalars)
  std::vector<IrEvent> events;
  std::vector<IrInputRead> input_reads;  // every distinct read of an input structure
  // What the IR states of those reads (!range of a bool field), to be assumed.
  std::vector<z3::expr> assumptions;
};

// A parsed IR module whose loop-free functions can be run on symbolic arrays.
class IrModule {
 public:
  // Throws UnsupportedIR if the text does not parse.
  explicit IrModule(const std::string &ir_text);
  ~IrModule();
  IrModule(const IrModule &) = delete;
  IrModule &operator=(const IrModule &) = delete;
  IrModule(IrModule &&) noexcept;
  IrModule &operator=(IrModule &&) noexcept;

  bool defines(const std::string &function) const;
  // The defined functions whose names start with `prefix`, in module order.
  std::vector<std::string> functions_starting(const std::string &prefix) const;
  // Throws UnsupportedIR if `function` is not defined.
  std::vector<IrParameter> parameters(const std::string &function) const;

  // Runs `void function(T *a0, T *a1, ...)`, every parameter a pointer to its own
  // (non-aliasing) array of 64-bit words, with arrays[i] the initial words of a<i>
  // (bit-vectors of width 64). Returns every array's final words. Calls to other
  // functions of the module are inlined; branches are merged with ite, so the result
  // holds on every path. Throws UnsupportedIR for anything it does not model.
  std::vector<std::vector<z3::expr>> run(z3::context &ctx, const std::string &function,
                                         const std::vector<std::vector<z3::expr>> &arrays) const;

  // As run(), and also: pointer fields in arguments (loads of them and of constant
  // globals resolve indirect calls, e.g. through an ops table), variable indexes
  // proven in bounds, and an ordered log of the stores into `logged_arrays` and of
  // the calls to `recorded_calls` (each with its path condition).
  IrLoggedRun run_logged(z3::context &ctx, const std::string &function, const std::vector<IrArg> &args,
                         const IrRunOptions &options) const;

  // Fully unrolls, with LLVM's loop unroller, every loop whose trip count LLVM
  // computes as a constant and whose unrolled size stays within `size_bound`
  // (the unroller's cost units, about one per instruction), in `roots` and the
  // module functions they call. Loops it leaves are still refused by run().
  // Returns how many loops were left in those functions.
  int unroll_loops(const std::vector<std::string> &roots, unsigned size_bound);

  // The functions a constant global's initializer points to, by byte offset
  // (e.g. an ops table). Throws UnsupportedIR if it is not a constant global.
  std::map<int64_t, std::string> function_fields(const std::string &global) const;
  // Whether `function`'s first parameter has the type of `other`'s first parameter.
  bool same_first_param_type(const std::string &function, const std::string &other) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// used(entry) as the kernel computes it: `void f(const __le64 *ent, __le64 *used_bits)`
// run with used_bits zeroed first, as the kernel's callers do. `entry` holds the entry's
// qwords (8 for an STE or a CD); returns as many used qwords.
std::vector<z3::expr> symbolic_used_bits(const IrModule &module, z3::context &ctx,
                                         const std::string &function,
                                         const std::vector<z3::expr> &entry);

}  // namespace smmu::checker
