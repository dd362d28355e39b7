// The executor behind IrModule (used_bits_ir.h): symbolic execution of
// loop-free LLVM IR into Z3 bit-vector terms. Internal to the checker.
//
// Model: every pointer is (region, constant byte offset). A region is an array of
// 64-bit words: a pointer argument of the entry function, or an alloca. Integer
// values of width N are bvN (i1 is bv1). Blocks run in reverse post-order; each
// CFG edge carries a state (absolute path condition, memory), and a block's state
// merges its incoming edges with ite. That is exact for an acyclic CFG, so loops
// are rejected rather than approximated (unroll_loops() removes bounded ones first).
// A pointer may also name a constant global or a function (an ops table and its
// members), carry a variable byte offset, resolved at the access, or point into
// an input structure (IrArg::input), read lazily.
#pragma once

#include <llvm/IR/Constants.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "used_bits_ir.h"

namespace smmu::checker::ir_exec {

inline constexpr int kMaxCallDepth = 16;  // inlining depth; deeper means recursion in practice

inline std::string describe(const llvm::Value &v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  v.print(os);
  os.flush();
  size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? s : s.substr(b);
}

inline std::string block_name(const llvm::BasicBlock &b) {
  std::string s;
  llvm::raw_string_ostream os(s);
  b.printAsOperand(os, false);
  return os.str();
}

[[noreturn]] inline void unsupported(const llvm::Function &f, const std::string &what) {
  throw UnsupportedIR("unsupported IR in @" + f.getName().str() + ": " + what);
}

// A symbolic value: an integer term, or a pointer: into a region, into a constant
// global, to a function, or null, at a byte offset (constant, plus a variable part).
struct Val {
  std::optional<z3::expr> bv;
  int region = -1;  // -1: not a region
  int64_t offset = 0;
  std::optional<z3::expr> var_offset;  // bv64 bytes added to offset
  const llvm::GlobalVariable *global = nullptr;
  const llvm::Function *fn = nullptr;
  bool null = false;
  bool is_ptr() const { return !bv; }
  bool known() const { return region >= 0 || global || fn || null; }
  static Val ptr(int region, int64_t offset) {
    Val v;
    v.region = region;
    v.offset = offset;
    return v;
  }
};

inline bool same_pointer(const Val &a, const Val &b) {
  return a.is_ptr() && b.is_ptr() && a.region == b.region && a.global == b.global && a.fn == b.fn &&
         a.null == b.null && a.offset == b.offset && !a.var_offset && !b.var_offset;
}

struct State {
  z3::expr cond;                               // path condition from the entry function's start
  std::vector<std::vector<z3::expr>> mem;      // region -> words
};

struct Region {
  int64_t bytes = 0;
  std::vector<z3::expr> init;        // words
  std::map<int64_t, Val> pointers;   // read-only pointer fields, by byte offset
  // An input structure (IrArg::input): read-only, its bytes free symbols made on
  // first read, its pointer fields other input structures; offsets may be
  // negative (container_of).
  std::string input;
  std::string input_type;  // its struct type in the IR ("": untyped)
  int input_argument = -1;
  std::vector<std::pair<std::string, int64_t>> input_via;  // the pointer fields followed to it
  std::map<int64_t, z3::expr> input_bytes;
  std::map<int64_t, int> input_pointees;  // pointer field offset -> region
};

// How far from its pointer an input structure's fields may lie (container_of
// reaches back); beyond it an access is refused as a likely modelling error.
inline constexpr int64_t kInputStructureReach = 1 << 16;

// The struct a typed pointer points to, without "struct." ("" otherwise).
inline std::string struct_name(const llvm::Type *pointer) {
  auto *pt = llvm::dyn_cast_or_null<llvm::PointerType>(pointer);
  if (!pt || pt->isOpaque()) return "";
  auto *st = llvm::dyn_cast<llvm::StructType>(pt->getPointerElementType());
  if (!st || !st->hasName()) return "";
  llvm::StringRef name = st->getName();
  name.consume_front("struct.");
  name.consume_front("union.");
  return name.str();
}

inline std::string signed_hex(int64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%s0x%llx", v < 0 ? "-" : "+", static_cast<unsigned long long>(v < 0 ? -v : v));
  return buf;
}

struct Returned {
  std::optional<State> state;  // empty: no path returns
  std::optional<Val> value;
};

class Exec {
 public:
  Exec(z3::context &ctx, const llvm::DataLayout &dl, const IrRunOptions *options = nullptr,
       IrLoggedRun *log = nullptr)
      : ctx_(ctx), dl_(dl), options_(options), log_(log ? &log->events : nullptr), run_(log) {}

  int add_input(const std::string &name, const llvm::Type *pointer, int argument,
                std::vector<std::pair<std::string, int64_t>> via = {}) {
    Region r;
    r.input = name;
    r.input_type = struct_name(pointer);
    r.input_argument = argument;
    r.input_via = std::move(via);
    regions_.push_back(std::move(r));
    return static_cast<int>(regions_.size()) - 1;
  }

  void set_pointer_field(int region, int64_t offset, Val v) { regions_[region].pointers[offset] = v; }

  int add_region(std::vector<z3::expr> words) {
    Region r;
    r.bytes = static_cast<int64_t>(words.size()) * 8;
    r.init = std::move(words);
    regions_.push_back(std::move(r));
    return static_cast<int>(regions_.size()) - 1;
  }

  State initial_state() {
    State s{ctx_.bool_val(true), {}};
    for (auto &r : regions_) s.mem.push_back(r.init);
    return s;
  }

  Returned call(const llvm::Function &f, const std::vector<Val> &args, State in);

 private:
  using Frame = std::unordered_map<const llvm::Value *, Val>;
  struct Edge {
    const llvm::BasicBlock *from;
    State state;
  };

  z3::context &ctx_;
  const llvm::DataLayout &dl_;
  const IrRunOptions *options_;
  std::vector<IrEvent> *log_;
  IrLoggedRun *run_;  // input reads and assumptions go here (null: inputs refused)
  std::vector<Region> regions_;
  std::map<std::pair<int, std::pair<int64_t, int64_t>>, size_t> input_reads_;  // (region, offset, bytes) -> read
  std::set<std::pair<int, std::pair<int64_t, int64_t>>> ranged_reads_;       // those with a !range assumed
  int depth_ = 0;
  unsigned fresh_ = 0;

  z3::expr bv(uint64_t v, unsigned width) { return ctx_.bv_val(static_cast<uint64_t>(v), width); }
  z3::expr truth(const z3::expr &b1) { return b1 == bv(1, 1); }
  z3::expr bit(const z3::expr &b) { return z3::ite(b, bv(1, 1), bv(0, 1)); }
  z3::expr fresh(const std::string &what, unsigned width) {
    return ctx_.bv_const((what + "!" + std::to_string(fresh_++)).c_str(), width);
  }

  void extend(State &s) {
    while (s.mem.size() < regions_.size()) s.mem.push_back(regions_[s.mem.size()].init);
  }
  State merge(std::vector<State> states);
  z3::expr merge_values(const std::vector<z3::expr> &conds, const std::vector<z3::expr> &vals);

  Val value(const llvm::Function &f, Frame &fr, const llvm::Value *v);
  z3::expr int_value(const llvm::Function &f, Frame &fr, const llvm::Value *v);
  Val pointer(const llvm::Function &f, Frame &fr, const llvm::Value *v, const llvm::Instruction &at);

  void check_range(const llvm::Function &f, const llvm::Instruction &at, const Val &p, int64_t bytes);
  bool is_input(const Val &p) const { return p.region >= 0 && !regions_[p.region].input.empty(); }
  z3::expr load_bytes(State &s, const Val &p, int64_t bytes);
  // A load from an input structure: its bytes, made on first read and recorded.
  z3::expr input_load(const Val &p, int64_t bytes, const llvm::LoadInst *ld);
  Val input_pointer(const Val &p, const llvm::Type *pointer);
  void store_bytes(State &s, const Val &p, int64_t bytes, const z3::expr &value);
  // A store the program makes: applied, and logged if its array is logged.
  void write(const llvm::Function &f, const llvm::Instruction &at, State &s, const Val &p, int64_t bytes,
             const z3::expr &value, const z3::expr &cond);
  // The aligned offsets a variable address can take on this path, each with its
  // condition; throws unless it provably stays inside its array.
  std::vector<std::pair<int64_t, z3::expr>> candidates(const llvm::Function &f, const llvm::Instruction &at,
                                                       const State &s, const Val &p, int64_t bytes);
  Val constant(const llvm::Function &f, const llvm::Constant *c);
  Val global_load(const llvm::Function &f, const llvm::Instruction &at, const Val &p, llvm::Type *t);

  std::vector<const llvm::BasicBlock *> reverse_post_order(const llvm::Function &f);
  // Runs one instruction; returns false when the path ends here (a callee never returns).
  bool step(const llvm::Function &f, Frame &fr, const llvm::Instruction &i, State &s);
  bool call_instruction(const llvm::Function &f, Frame &fr, const llvm::CallInst &c, State &s);
};


}  // namespace smmu::checker::ir_exec
