// The kernel's own get_used functions (arm_smmu_get_ste_used, arm_smmu_get_cd_used), as Z3
// terms: their LLVM IR (harness function_ir()) is symbolically executed, never re-implemented.
#pragma once

#include <z3++.h>

#include <memory>
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

  // Runs `void function(T *a0, T *a1, ...)`, every parameter a pointer to its own
  // (non-aliasing) array of 64-bit words, with arrays[i] the initial words of a<i>
  // (bit-vectors of width 64). Returns every array's final words. Calls to other
  // functions of the module are inlined; branches are merged with ite, so the result
  // holds on every path. Throws UnsupportedIR for anything it does not model.
  std::vector<std::vector<z3::expr>> run(z3::context &ctx, const std::string &function,
                                         const std::vector<std::vector<z3::expr>> &arrays) const;

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
