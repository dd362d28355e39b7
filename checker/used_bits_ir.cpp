// Symbolic execution of loop-free LLVM IR into Z3 bit-vector terms.
//
// Model: every pointer is (region, constant byte offset). A region is an array of
// 64-bit words: a pointer argument of the entry function, or an alloca. Integer
// values of width N are bvN (i1 is bv1). Blocks run in reverse post-order; each
// CFG edge carries a state (absolute path condition, memory), and a block's state
// merges its incoming edges with ite. That is exact for an acyclic CFG, so loops
// are rejected rather than approximated (unroll_loops() removes bounded ones first).
// A pointer may also name a constant global or a function (an ops table and its
// members), or carry a variable byte offset, resolved at the access.
#include "used_bits_ir.h"

#include <llvm/ADT/MapVector.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Transforms/Scalar.h>

#include <llvm/ADT/SmallString.h>
#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Operator.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace smmu::checker {
namespace {

constexpr int kMaxCallDepth = 16;  // inlining depth; deeper means recursion in practice

std::string describe(const llvm::Value &v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  v.print(os);
  os.flush();
  size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? s : s.substr(b);
}

std::string block_name(const llvm::BasicBlock &b) {
  std::string s;
  llvm::raw_string_ostream os(s);
  b.printAsOperand(os, false);
  return os.str();
}

[[noreturn]] void unsupported(const llvm::Function &f, const std::string &what) {
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

bool same_pointer(const Val &a, const Val &b) {
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
constexpr int64_t kInputStructureReach = 1 << 16;

// The struct a typed pointer points to, without "struct." ("" otherwise).
std::string struct_name(const llvm::Type *pointer) {
  auto *pt = llvm::dyn_cast_or_null<llvm::PointerType>(pointer);
  if (!pt || pt->isOpaque()) return "";
  auto *st = llvm::dyn_cast<llvm::StructType>(pt->getPointerElementType());
  if (!st || !st->hasName()) return "";
  llvm::StringRef name = st->getName();
  name.consume_front("struct.");
  name.consume_front("union.");
  return name.str();
}

std::string signed_hex(int64_t v) {
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

z3::expr Exec::merge_values(const std::vector<z3::expr> &conds, const std::vector<z3::expr> &vals) {
  bool same = true;
  for (size_t i = 1; i < vals.size(); ++i) same = same && z3::eq(vals[i], vals[0]);
  if (same) return vals[0];
  // The incoming conditions are disjoint and one of them holds: the last needs no test.
  z3::expr r = vals.back();
  for (size_t i = vals.size() - 1; i-- > 0;) r = z3::ite(conds[i], vals[i], r);
  return r;
}

State Exec::merge(std::vector<State> states) {
  if (states.size() == 1) return std::move(states[0]);
  std::vector<z3::expr> conds;
  z3::expr any = ctx_.bool_val(false);
  for (auto &s : states) {
    extend(s);
    conds.push_back(s.cond);
    any = any || s.cond;
  }
  State out{any.simplify(), {}};
  for (size_t r = 0; r < regions_.size(); ++r) {
    std::vector<z3::expr> words;
    for (size_t w = 0; w < states[0].mem[r].size(); ++w) {
      std::vector<z3::expr> vals;
      for (auto &s : states) vals.push_back(s.mem[r][w]);
      words.push_back(merge_values(conds, vals));
    }
    out.mem.push_back(std::move(words));
  }
  return out;
}

Val Exec::value(const llvm::Function &f, Frame &fr, const llvm::Value *v) {
  if (auto it = fr.find(v); it != fr.end()) return it->second;
  if (auto *ci = llvm::dyn_cast<llvm::ConstantInt>(v)) {
    const llvm::APInt &a = ci->getValue();
    Val r;
    if (a.getBitWidth() <= 64) {
      r.bv = bv(a.getZExtValue(), a.getBitWidth());
    } else {
      llvm::SmallString<48> digits;
      a.toString(digits, 10, false);
      r.bv = ctx_.bv_val(std::string(digits.str()).c_str(), a.getBitWidth());
    }
    return r;
  }
  if (llvm::isa<llvm::ConstantPointerNull>(v)) {
    Val r = Val::ptr(-1, 0);
    r.null = true;
    return r;
  }
  if (auto *fn = llvm::dyn_cast<llvm::Function>(v)) {
    Val r;
    r.fn = fn;
    return r;
  }
  if (auto *gv = llvm::dyn_cast<llvm::GlobalVariable>(v)) {
    Val r;
    r.global = gv;
    return r;
  }
  if (auto *ce = llvm::dyn_cast<llvm::ConstantExpr>(v)) {
    if (ce->getOpcode() == llvm::Instruction::BitCast && ce->getType()->isPointerTy())
      return value(f, fr, ce->getOperand(0));
    if (auto *gep = llvm::dyn_cast<llvm::GEPOperator>(ce)) {
      Val base = value(f, fr, gep->getPointerOperand());
      llvm::APInt off(dl_.getIndexTypeSizeInBits(gep->getType()), 0);
      if (!base.is_ptr() || !gep->accumulateConstantOffset(dl_, off))
        unsupported(f, "constant address " + describe(*v));
      base.offset += off.getSExtValue();
      return base;
    }
  }
  if (llvm::isa<llvm::UndefValue>(v) && v->getType()->isIntegerTy()) {
    // undef/poison: any value. A fresh constant keeps the result honest (it stays free).
    Val r;
    r.bv = fresh("undef", v->getType()->getIntegerBitWidth());
    return r;
  }
  unsupported(f, "operand " + describe(*v));
}

z3::expr Exec::int_value(const llvm::Function &f, Frame &fr, const llvm::Value *v) {
  if (!v->getType()->isIntegerTy()) unsupported(f, "non-integer operand " + describe(*v));
  Val r = value(f, fr, v);
  if (r.is_ptr()) unsupported(f, "pointer used as an integer: " + describe(*v));
  return *r.bv;
}

Val Exec::pointer(const llvm::Function &f, Frame &fr, const llvm::Value *v,
                  const llvm::Instruction &at) {
  Val r = value(f, fr, v);
  if (!r.is_ptr()) unsupported(f, "integer used as a pointer in " + describe(at));
  return r;
}

void Exec::check_range(const llvm::Function &f, const llvm::Instruction &at, const Val &p,
                       int64_t bytes) {
  if (p.region < 0) unsupported(f, "access through a null or unknown pointer: " + describe(at));
  if (is_input(p)) {
    if (p.offset < -kInputStructureReach || p.offset + bytes > kInputStructureReach)
      unsupported(f, "access " + signed_hex(p.offset) + " bytes from an input structure's pointer: " + describe(at));
    return;
  }
  if (p.offset < 0 || bytes < 0 || p.offset + bytes > regions_[p.region].bytes)
    unsupported(f, "access outside its array (" + std::to_string(p.offset) + "+" +
                       std::to_string(bytes) + " of " + std::to_string(regions_[p.region].bytes) +
                       " bytes): " + describe(at));
}

z3::expr Exec::input_load(const Val &p, int64_t bytes, const llvm::LoadInst *ld) {
  Region &r = regions_[p.region];
  std::optional<z3::expr> v;
  for (int64_t k = p.offset; k < p.offset + bytes; ++k) {  // little-endian
    auto it = r.input_bytes.find(k);
    if (it == r.input_bytes.end())
      it = r.input_bytes.emplace(k, ctx_.bv_const((r.input + signed_hex(k)).c_str(), 8)).first;
    v = v ? z3::concat(it->second, *v) : it->second;
  }
  if (run_) {
    auto key = std::make_pair(p.region, std::make_pair(p.offset, bytes));
    if (!input_reads_.count(key)) {
      input_reads_[key] = run_->input_reads.size();
      IrInputRead read{r.input + signed_hex(p.offset), bytes, *v, r.input_argument, r.input_via};
      read.path.emplace_back(r.input_type, p.offset);
      run_->input_reads.push_back(std::move(read));
    }
    // The compiler's knowledge of the field's C type (a bool is 0 or 1): one
    // !range [lo, hi), assumed; several ranges are left out (a superset).
    const llvm::MDNode *range = ld ? ld->getMetadata(llvm::LLVMContext::MD_range) : nullptr;
    if (range && range->getNumOperands() == 2 && ld->getType()->getIntegerBitWidth() == bytes * 8 &&
        ranged_reads_.insert(key).second) {
      auto *lo = llvm::mdconst::dyn_extract<llvm::ConstantInt>(range->getOperand(0));
      auto *hi = llvm::mdconst::dyn_extract<llvm::ConstantInt>(range->getOperand(1));
      if (lo && hi && bytes <= 8) {
        unsigned w = static_cast<unsigned>(bytes * 8);
        uint64_t l = lo->getZExtValue(), span = hi->getZExtValue() - l;  // modulo 2^w, as the IR wraps
        run_->assumptions.push_back(z3::ult(*v - bv(l, w), bv(span, w)));
      }
    }
  }
  return *v;
}

Val Exec::input_pointer(const Val &p, const llvm::Type *pointer) {
  Region &r = regions_[p.region];
  auto it = r.input_pointees.find(p.offset);
  if (it != r.input_pointees.end()) return Val::ptr(it->second, 0);
  // "arm_smmu_master+0x0->arm_smmu_device": the structure a field points to, named by its type if the IR has one.
  std::string name = r.input + signed_hex(p.offset) + "->" + struct_name(pointer);
  std::vector<std::pair<std::string, int64_t>> via = r.input_via;
  via.emplace_back(r.input_type, p.offset);
  int child = add_input(name, pointer, r.input_argument, std::move(via));
  regions_[p.region].input_pointees[p.offset] = child;  // add_input may have moved `r`
  return Val::ptr(child, 0);
}

// Little-endian: byte k of word w is bits [8k+7 : 8k].
z3::expr Exec::load_bytes(State &s, const Val &p, int64_t bytes) {
  if (is_input(p)) return input_load(p, bytes, nullptr);
  extend(s);
  auto &words = s.mem[p.region];
  std::optional<z3::expr> r;
  for (int64_t w = p.offset / 8; w * 8 < p.offset + bytes; ++w) {
    int64_t lo = std::max(p.offset, w * 8) - w * 8, hi = std::min(p.offset + bytes, w * 8 + 8) - w * 8;
    z3::expr piece = (lo == 0 && hi == 8) ? words[w] : words[w].extract(hi * 8 - 1, lo * 8);
    r = r ? z3::concat(piece, *r) : piece;
  }
  return *r;
}

void Exec::store_bytes(State &s, const Val &p, int64_t bytes, const z3::expr &value) {
  extend(s);
  auto &words = s.mem[p.region];
  for (int64_t w = p.offset / 8; w * 8 < p.offset + bytes; ++w) {
    int64_t lo = std::max(p.offset, w * 8) - w * 8, hi = std::min(p.offset + bytes, w * 8 + 8) - w * 8;
    int64_t vlo = w * 8 + lo - p.offset, vhi = w * 8 + hi - p.offset;  // bytes of `value`
    z3::expr piece = (vlo == 0 && vhi == bytes) ? value : value.extract(vhi * 8 - 1, vlo * 8);
    if (hi < 8) piece = z3::concat(words[w].extract(63, hi * 8), piece);
    if (lo > 0) piece = z3::concat(piece, words[w].extract(lo * 8 - 1, 0));
    words[w] = piece;
  }
}

void Exec::write(const llvm::Function &f, const llvm::Instruction &at, State &s, const Val &p,
                 int64_t bytes, const z3::expr &value, const z3::expr &cond) {
  if (is_input(p)) unsupported(f, "store into an input structure, which the model holds read-only: " + describe(at));
  // Pointer fields are read-only: an integer store over one would leave it stale.
  const auto &ptrs = regions_[p.region].pointers;
  auto it = ptrs.lower_bound(p.offset - 7);
  if (it != ptrs.end() && it->first < p.offset + bytes)
    unsupported(f, "store over a pointer field the model holds read-only: " + describe(at));
  store_bytes(s, p, bytes, value);
  if (log_ && options_ && options_->logged_arrays.count(p.region)) {
    IrEvent e{IrEvent::Kind::Store, cond};
    e.array = p.region;
    e.offset = p.offset;
    e.bytes = bytes;
    e.value = value;
    auto *st = llvm::dyn_cast<llvm::StoreInst>(&at);
    e.volatile_store = st && st->isVolatile();
    log_->push_back(std::move(e));
  }
}

std::vector<std::pair<int64_t, z3::expr>> Exec::candidates(const llvm::Function &f,
                                                           const llvm::Instruction &at, const State &s,
                                                           const Val &p, int64_t bytes) {
  if (p.region < 0) unsupported(f, "variable index outside a known array: " + describe(at));
  z3::expr total = bv(static_cast<uint64_t>(p.offset), 64) + *p.var_offset;
  std::vector<std::pair<int64_t, z3::expr>> out;
  z3::expr none = s.cond;
  for (int64_t k = 0; k + bytes <= regions_[p.region].bytes; k += bytes) {
    z3::expr eq = (total == bv(static_cast<uint64_t>(k), 64)).simplify();
    none = none && !eq;
    if (!eq.is_false()) out.emplace_back(k, eq);
  }
  // Proven, not assumed: on this path the address is one of the aligned slots.
  z3::solver solver(ctx_);
  z3::params params(ctx_);
  params.set("timeout", 10000u);
  solver.set(params);
  solver.add(none);
  if (solver.check() != z3::unsat)
    unsupported(f, "variable index not proven inside its array and aligned: " + describe(at));
  return out;
}

Val Exec::constant(const llvm::Function &f, const llvm::Constant *c) {
  if (llvm::isa<llvm::ConstantAggregateZero>(c) || c->isNullValue()) {
    if (c->getType()->isPointerTy()) {
      Val r = Val::ptr(-1, 0);
      r.null = true;
      return r;
    }
    if (c->getType()->isIntegerTy()) {
      Val r;
      r.bv = bv(0, c->getType()->getIntegerBitWidth());
      return r;
    }
  }
  Frame none;
  return value(f, none, c);
}

// A load from a constant global: the initializer's element at that offset.
Val Exec::global_load(const llvm::Function &f, const llvm::Instruction &at, const Val &p, llvm::Type *t) {
  const llvm::GlobalVariable &gv = *p.global;
  if (!gv.isConstant() || !gv.hasDefinitiveInitializer())
    unsupported(f, "load from a global that is not constant: " + describe(at));
  if (p.var_offset) unsupported(f, "variable index into a global: " + describe(at));
  const llvm::Constant *c = gv.getInitializer();
  uint64_t off = static_cast<uint64_t>(p.offset);
  while (true) {
    llvm::Type *ct = c->getType();
    if (off == 0 && (ct == t || (ct->isPointerTy() && t->isPointerTy()))) return constant(f, c);
    unsigned idx;
    if (auto *st = llvm::dyn_cast<llvm::StructType>(ct)) {
      const llvm::StructLayout *layout = dl_.getStructLayout(st);
      if (off >= layout->getSizeInBytes()) break;
      idx = layout->getElementContainingOffset(off);
      off -= layout->getElementOffset(idx);
    } else if (auto *arr = llvm::dyn_cast<llvm::ArrayType>(ct)) {
      uint64_t size = dl_.getTypeAllocSize(arr->getElementType()).getFixedSize();
      idx = static_cast<unsigned>(off / size);
      if (idx >= arr->getNumElements()) break;
      off %= size;
    } else {
      break;
    }
    c = c->getAggregateElement(idx);
    if (!c) break;
  }
  unsupported(f, "load of part of a constant the model does not split: " + describe(at));
}

std::vector<const llvm::BasicBlock *> Exec::reverse_post_order(const llvm::Function &f) {
  enum Color { White, Grey, Black };
  std::map<const llvm::BasicBlock *, Color> color;
  std::vector<const llvm::BasicBlock *> post;
  // Iterative DFS: (block, next successor index).
  std::vector<std::pair<const llvm::BasicBlock *, unsigned>> stack = {{&f.getEntryBlock(), 0}};
  color[&f.getEntryBlock()] = Grey;
  while (!stack.empty()) {
    auto &[b, next] = stack.back();
    const llvm::Instruction *t = b->getTerminator();
    if (!t) unsupported(f, "block " + block_name(*b) + " has no terminator");
    if (next < t->getNumSuccessors()) {
      const llvm::BasicBlock *succ = t->getSuccessor(next++);
      Color &c = color[succ];
      if (c == Grey)
        unsupported(f, "loop: " + block_name(*b) + " branches back to " + block_name(*succ) +
                           " (loops are refused; unroll_loops() unrolls bounded ones first)");
      if (c == White) {
        c = Grey;
        stack.push_back({succ, 0});
      }
    } else {
      color[b] = Black;
      post.push_back(b);
      stack.pop_back();
    }
  }
  return {post.rbegin(), post.rend()};
}

Returned Exec::call(const llvm::Function &f, const std::vector<Val> &args, State in) {
  if (f.isDeclaration()) unsupported(f, "no body (external function)");
  if (f.isVarArg()) unsupported(f, "variadic function");
  if (depth_ >= kMaxCallDepth)
    unsupported(f, "calls nested deeper than " + std::to_string(kMaxCallDepth) + " (recursion?)");
  struct DepthGuard {
    int &d;
    ~DepthGuard() { --d; }
  } guard{++depth_};

  Frame fr;
  for (const llvm::Argument &a : f.args()) fr[&a] = args.at(a.getArgNo());

  std::map<const llvm::BasicBlock *, std::vector<Edge>> incoming;
  incoming[&f.getEntryBlock()].push_back({nullptr, std::move(in)});
  std::vector<State> ret_states;
  std::vector<std::optional<Val>> ret_values;

  for (const llvm::BasicBlock *b : reverse_post_order(f)) {
    auto it = incoming.find(b);
    if (it == incoming.end()) continue;  // no feasible path reaches it
    std::vector<Edge> edges = std::move(it->second);
    incoming.erase(it);

    std::vector<z3::expr> conds;
    std::vector<State> states;
    for (auto &e : edges) {
      conds.push_back(e.state.cond);
      states.push_back(e.state);
    }
    // Phis first, all from the incoming edges.
    for (const llvm::PHINode &phi : b->phis()) {
      std::vector<Val> vals;
      for (auto &e : edges) vals.push_back(value(f, fr, phi.getIncomingValueForBlock(e.from)));
      if (vals[0].is_ptr()) {
        for (auto &v : vals)
          if (!same_pointer(v, vals[0])) unsupported(f, "phi of different pointers: " + describe(phi));
        fr[&phi] = vals[0];
      } else {
        std::vector<z3::expr> xs;
        for (auto &v : vals) xs.push_back(*v.bv);
        Val r;
        r.bv = merge_values(conds, xs);
        fr[&phi] = r;
      }
    }
    State s = merge(std::move(states));

    bool alive = true;
    for (const llvm::Instruction &i : *b) {
      if (llvm::isa<llvm::PHINode>(i)) continue;
      if (i.isTerminator()) break;
      if (!step(f, fr, i, s)) {
        alive = false;
        break;
      }
    }
    if (!alive) continue;

    const llvm::Instruction *t = b->getTerminator();
    auto take = [&](const llvm::BasicBlock *to, const z3::expr &c) {
      z3::expr cond = (s.cond && c).simplify();
      if (cond.is_false()) return;  // infeasible edge: keeps terms small
      incoming[to].push_back({b, State{cond, s.mem}});
    };
    if (auto *br = llvm::dyn_cast<llvm::BranchInst>(t)) {
      if (br->isUnconditional()) {
        take(br->getSuccessor(0), ctx_.bool_val(true));
      } else {
        z3::expr c = truth(int_value(f, fr, br->getCondition()));
        take(br->getSuccessor(0), c);
        take(br->getSuccessor(1), !c);
      }
    } else if (auto *sw = llvm::dyn_cast<llvm::SwitchInst>(t)) {
      z3::expr v = int_value(f, fr, sw->getCondition());
      std::map<const llvm::BasicBlock *, z3::expr> to;
      z3::expr none = ctx_.bool_val(true);
      for (auto &cs : sw->cases()) {
        z3::expr c = v == *value(f, fr, cs.getCaseValue()).bv;
        none = none && !c;
        auto [pos, fresh_dest] = to.emplace(cs.getCaseSuccessor(), c);
        if (!fresh_dest) pos->second = pos->second || c;
      }
      auto [pos, fresh_dest] = to.emplace(sw->getDefaultDest(), none);
      if (!fresh_dest) pos->second = pos->second || none;
      // Phis hold one entry per edge, but one value per predecessor: one state per successor.
      for (auto &[dest, c] : to) take(dest, c);
    } else if (auto *rt = llvm::dyn_cast<llvm::ReturnInst>(t)) {
      ret_values.push_back(rt->getReturnValue() ? std::optional<Val>(value(f, fr, rt->getReturnValue()))
                                                : std::nullopt);
      ret_states.push_back(std::move(s));
    } else if (llvm::isa<llvm::UnreachableInst>(t)) {
      // The compiler proved this path undefined: it contributes nothing.
    } else {
      unsupported(f, "terminator " + describe(*t));
    }
  }

  Returned out;
  if (ret_states.empty()) return out;
  std::vector<z3::expr> conds;
  for (auto &s : ret_states) conds.push_back(s.cond);
  if (ret_values[0]) {
    if (ret_values[0]->is_ptr()) {
      for (auto &v : ret_values)
        if (!same_pointer(*v, *ret_values[0])) unsupported(f, "returns different pointers");
      out.value = ret_values[0];
    } else {
      std::vector<z3::expr> xs;
      for (auto &v : ret_values) xs.push_back(*v->bv);
      Val r;
      r.bv = merge_values(conds, xs);
      out.value = r;
    }
  }
  out.state = merge(std::move(ret_states));
  return out;
}

bool Exec::step(const llvm::Function &f, Frame &fr, const llvm::Instruction &i, State &s) {
  auto set = [&](z3::expr e) {
    Val v;
    v.bv = std::move(e);
    fr[&i] = v;
  };
  auto op = [&](unsigned k) { return int_value(f, fr, i.getOperand(k)); };

  if (auto *bo = llvm::dyn_cast<llvm::BinaryOperator>(&i)) {
    if (!i.getType()->isIntegerTy()) unsupported(f, describe(i));
    z3::expr a = op(0), b = op(1);
    z3::context &c = ctx_;
    switch (bo->getOpcode()) {
      case llvm::Instruction::Add: set(a + b); break;
      case llvm::Instruction::Sub: set(a - b); break;
      case llvm::Instruction::Mul: set(a * b); break;
      case llvm::Instruction::UDiv: set(z3::udiv(a, b)); break;
      case llvm::Instruction::SDiv: set(z3::expr(c, Z3_mk_bvsdiv(c, a, b))); break;
      case llvm::Instruction::URem: set(z3::urem(a, b)); break;
      case llvm::Instruction::SRem: set(z3::srem(a, b)); break;
      case llvm::Instruction::Shl: set(z3::shl(a, b)); break;
      case llvm::Instruction::LShr: set(z3::lshr(a, b)); break;
      case llvm::Instruction::AShr: set(z3::ashr(a, b)); break;
      case llvm::Instruction::And: set(a & b); break;
      case llvm::Instruction::Or: set(a | b); break;
      case llvm::Instruction::Xor: set(a ^ b); break;
      default: unsupported(f, describe(i));
    }
    return true;
  }
  if (auto *cmp = llvm::dyn_cast<llvm::ICmpInst>(&i)) {
    if (cmp->getOperand(0)->getType()->isPointerTy()) {
      // Only comparisons decided by the region model: same array, or distinct objects.
      Val a = pointer(f, fr, cmp->getOperand(0), i), b = pointer(f, fr, cmp->getOperand(1), i);
      bool eq_pred = cmp->getPredicate() == llvm::CmpInst::ICMP_EQ;
      if (!eq_pred && cmp->getPredicate() != llvm::CmpInst::ICMP_NE)
        unsupported(f, "ordered pointer comparison: " + describe(i));
      bool known = a.known() && b.known() && !a.var_offset && !b.var_offset;
      if (!known) unsupported(f, "comparison of unknown pointers: " + describe(i));
      bool equal = same_pointer(a, b);
      // Input structures are assumed distinct and non-null: a test of that is not decided by assumption.
      if (!equal && (is_input(a) || is_input(b)))
        unsupported(f, "comparison of a pointer to an input structure (null or aliasing is not modelled): " +
                           describe(i));
      set(bv(equal == eq_pred, 1));
      return true;
    }
    z3::expr a = op(0), b = op(1);
    switch (cmp->getPredicate()) {
      case llvm::CmpInst::ICMP_EQ: set(bit(a == b)); break;
      case llvm::CmpInst::ICMP_NE: set(bit(a != b)); break;
      case llvm::CmpInst::ICMP_UGT: set(bit(z3::ugt(a, b))); break;
      case llvm::CmpInst::ICMP_UGE: set(bit(z3::uge(a, b))); break;
      case llvm::CmpInst::ICMP_ULT: set(bit(z3::ult(a, b))); break;
      case llvm::CmpInst::ICMP_ULE: set(bit(z3::ule(a, b))); break;
      case llvm::CmpInst::ICMP_SGT: set(bit(z3::sgt(a, b))); break;
      case llvm::CmpInst::ICMP_SGE: set(bit(z3::sge(a, b))); break;
      case llvm::CmpInst::ICMP_SLT: set(bit(z3::slt(a, b))); break;
      case llvm::CmpInst::ICMP_SLE: set(bit(z3::sle(a, b))); break;
      default: unsupported(f, describe(i));
    }
    return true;
  }
  if (auto *sel = llvm::dyn_cast<llvm::SelectInst>(&i)) {
    if (sel->getCondition()->getType()->isVectorTy()) unsupported(f, describe(i));
    z3::expr c = truth(int_value(f, fr, sel->getCondition()));
    Val a = value(f, fr, sel->getTrueValue()), b = value(f, fr, sel->getFalseValue());
    if (a.is_ptr() || b.is_ptr()) {
      if (!same_pointer(a, b)) unsupported(f, "select of different pointers: " + describe(i));
      fr[&i] = a;
    } else {
      set(z3::ite(c, *a.bv, *b.bv));
    }
    return true;
  }
  if (auto *cast = llvm::dyn_cast<llvm::CastInst>(&i)) {
    llvm::Type *to = i.getType();
    switch (cast->getOpcode()) {
      case llvm::Instruction::ZExt:
        set(z3::zext(op(0), to->getIntegerBitWidth() - cast->getSrcTy()->getIntegerBitWidth()));
        return true;
      case llvm::Instruction::SExt:
        set(z3::sext(op(0), to->getIntegerBitWidth() - cast->getSrcTy()->getIntegerBitWidth()));
        return true;
      case llvm::Instruction::Trunc:
        set(op(0).extract(to->getIntegerBitWidth() - 1, 0));
        return true;
      case llvm::Instruction::BitCast:
        if (to->isPointerTy()) {
          fr[&i] = pointer(f, fr, i.getOperand(0), i);
          return true;
        }
        if (to->isIntegerTy() && cast->getSrcTy()->isIntegerTy()) {
          set(op(0));
          return true;
        }
        [[fallthrough]];
      default:
        unsupported(f, describe(i));
    }
  }
  if (auto *gep = llvm::dyn_cast<llvm::GetElementPtrInst>(&i)) {
    Val base = pointer(f, fr, gep->getPointerOperand(), i);
    unsigned bits = dl_.getIndexTypeSizeInBits(gep->getType());
    llvm::APInt off(bits, 0);
    llvm::MapVector<llvm::Value *, llvm::APInt> vars;
    if (gep->getType()->isVectorTy() || bits != 64 ||
        !llvm::cast<llvm::GEPOperator>(gep)->collectOffset(dl_, bits, vars, off))
      unsupported(f, "address the model does not compute: " + describe(i));
    base.offset += off.getSExtValue();
    for (auto &[v, scale] : vars) {
      // GEP indices are signed, extended or truncated to the index width.
      z3::expr x = int_value(f, fr, v);
      unsigned w = x.get_sort().bv_size();
      x = w < 64 ? z3::sext(x, 64 - w) : w > 64 ? x.extract(63, 0) : x;
      z3::expr term = x * bv(scale.getZExtValue(), 64);
      base.var_offset = base.var_offset ? *base.var_offset + term : term;
    }
    fr[&i] = base;  // checked against the array's bounds at the access
    return true;
  }
  if (auto *ld = llvm::dyn_cast<llvm::LoadInst>(&i)) {
    llvm::Type *t = ld->getType();
    if (!(t->isIntegerTy() || t->isPointerTy()) || ld->isAtomic()) unsupported(f, describe(i));
    Val p = pointer(f, fr, ld->getPointerOperand(), i);
    int64_t bytes = static_cast<int64_t>(dl_.getTypeStoreSize(t).getFixedSize());
    if (p.global) {
      fr[&i] = global_load(f, i, p, t);
      return true;
    }
    if (t->isPointerTy()) {
      if (is_input(p) && !p.var_offset) {
        check_range(f, i, p, bytes);
        fr[&i] = input_pointer(p, t);
        return true;
      }
      // Only the read-only pointer fields the caller gave its arrays.
      if (p.region < 0 || p.var_offset) unsupported(f, "load of a pointer: " + describe(i));
      auto it = regions_[p.region].pointers.find(p.offset);
      if (it == regions_[p.region].pointers.end())
        unsupported(f, "load of a pointer field the model does not hold: " + describe(i));
      fr[&i] = it->second;
      return true;
    }
    z3::expr v = bv(0, 8);
    if (p.var_offset) {
      auto cands = candidates(f, i, s, p, bytes);
      if (cands.empty()) unsupported(f, "no feasible address: " + describe(i));
      v = load_bytes(s, Val::ptr(p.region, cands.back().first), bytes);
      for (size_t k = cands.size() - 1; k-- > 0;)
        v = z3::ite(cands[k].second, load_bytes(s, Val::ptr(p.region, cands[k].first), bytes), v);
    } else {
      check_range(f, i, p, bytes);
      v = is_input(p) ? input_load(p, bytes, ld) : load_bytes(s, p, bytes);
    }
    unsigned width = t->getIntegerBitWidth();
    set(width == bytes * 8 ? v : v.extract(width - 1, 0));
    return true;
  }
  if (auto *st = llvm::dyn_cast<llvm::StoreInst>(&i)) {
    llvm::Type *t = st->getValueOperand()->getType();
    if (!t->isIntegerTy() || st->isAtomic()) unsupported(f, describe(i));
    Val p = pointer(f, fr, st->getPointerOperand(), i);
    int64_t bytes = static_cast<int64_t>(dl_.getTypeStoreSize(t).getFixedSize());
    z3::expr v = int_value(f, fr, st->getValueOperand());
    unsigned width = t->getIntegerBitWidth();
    if (width != bytes * 8) v = z3::zext(v, bytes * 8 - width);
    if (p.global) unsupported(f, "store into a global: " + describe(i));
    if (!p.var_offset) {
      check_range(f, i, p, bytes);
      write(f, i, s, p, bytes, v, s.cond);
      return true;
    }
    // One conditional store per slot the address can take; the conditions are disjoint.
    auto cands = candidates(f, i, s, p, bytes);
    extend(s);
    std::vector<z3::expr> merged = s.mem[p.region];
    for (auto &[k, eq] : cands) {
      State one = s;
      write(f, i, one, Val::ptr(p.region, k), bytes, v, (s.cond && eq).simplify());
      for (int64_t w = k / 8; w * 8 < k + bytes; ++w) merged[w] = z3::ite(eq, one.mem[p.region][w], merged[w]);
    }
    s.mem[p.region] = std::move(merged);
    return true;
  }
  if (auto *al = llvm::dyn_cast<llvm::AllocaInst>(&i)) {
    auto *n = llvm::dyn_cast<llvm::ConstantInt>(al->getArraySize());
    if (!n || !al->isStaticAlloca()) unsupported(f, "dynamic alloca: " + describe(i));
    int64_t bytes = static_cast<int64_t>(dl_.getTypeAllocSize(al->getAllocatedType()).getFixedSize() *
                                         n->getZExtValue());
    std::vector<z3::expr> words;
    for (int64_t w = 0; w * 8 < bytes; ++w) words.push_back(fresh("uninit", 64));
    int r = add_region(std::move(words));
    regions_[r].bytes = bytes;
    fr[&i] = Val::ptr(r, 0);
    return true;
  }
  if (llvm::isa<llvm::FreezeInst>(&i)) {
    fr[&i] = value(f, fr, i.getOperand(0));
    return true;
  }
  if (auto *call = llvm::dyn_cast<llvm::CallInst>(&i)) return call_instruction(f, fr, *call, s);
  unsupported(f, describe(i));
}

bool Exec::call_instruction(const llvm::Function &f, Frame &fr, const llvm::CallInst &c, State &s) {
  if (c.isInlineAsm()) unsupported(f, "inline asm: " + describe(c));
  const llvm::Function *callee = c.getCalledFunction();
  if (!callee) {
    // An indirect call: resolved only through a pointer the model holds (an ops table).
    Val target = value(f, fr, c.getCalledOperand());
    if (!target.is_ptr() || !target.fn || target.offset != 0)
      unsupported(f, "indirect call through a pointer the model does not resolve: " + describe(c));
    callee = target.fn;
  }
  if (options_ && options_->recorded_calls.count(callee->getName().str())) {
    // Recorded, not executed: the caller states what such a call stands for.
    if (!c.getType()->isVoidTy()) unsupported(f, "recorded call with a result: " + describe(c));
    if (log_) {
      IrEvent e{IrEvent::Kind::Call, s.cond};
      e.function = callee->getName().str();
      for (unsigned k = 0; k < c.arg_size(); ++k) {
        const llvm::Value *a = c.getArgOperand(k);
        if (a->getType()->isIntegerTy()) e.int_args.push_back(int_value(f, fr, a));
        else e.int_args.push_back(std::nullopt);
      }
      log_->push_back(std::move(e));
    }
    return true;
  }
  auto set = [&](z3::expr e) {
    Val v;
    v.bv = std::move(e);
    fr[&c] = v;
  };
  auto arg = [&](unsigned k) { return int_value(f, fr, c.getArgOperand(k)); };
  auto constant_length = [&](unsigned k) {
    auto *len = llvm::dyn_cast<llvm::ConstantInt>(c.getArgOperand(k));
    if (!len) unsupported(f, "variable length: " + describe(c));
    return static_cast<int64_t>(len->getZExtValue());
  };

  if (callee->isIntrinsic()) {
    switch (callee->getIntrinsicID()) {
      case llvm::Intrinsic::lifetime_start:
      case llvm::Intrinsic::lifetime_end:
      case llvm::Intrinsic::dbg_declare:
      case llvm::Intrinsic::dbg_value:
      case llvm::Intrinsic::dbg_label:
      case llvm::Intrinsic::assume:  // only narrows what is defined; dropping it is exact
      case llvm::Intrinsic::experimental_noalias_scope_decl:
      case llvm::Intrinsic::donothing:
        return true;
      case llvm::Intrinsic::expect:
        set(arg(0));
        return true;
      case llvm::Intrinsic::memset: {
        Val p = pointer(f, fr, c.getArgOperand(0), c);
        int64_t len = constant_length(2);
        check_range(f, c, p, len);
        z3::expr byte = arg(1);
        // One store per word the range touches, each of the byte repeated.
        for (int64_t done = 0; done < len;) {
          int64_t n = std::min<int64_t>(len - done, 8 - (p.offset + done) % 8);
          z3::expr v = byte;
          for (int64_t k = 1; k < n; ++k) v = z3::concat(byte, v);
          write(f, c, s, Val::ptr(p.region, p.offset + done), n, v, s.cond);
          done += n;
        }
        return true;
      }
      case llvm::Intrinsic::memcpy:
      case llvm::Intrinsic::memmove: {
        Val d = pointer(f, fr, c.getArgOperand(0), c), src = pointer(f, fr, c.getArgOperand(1), c);
        int64_t len = constant_length(2);
        check_range(f, c, d, len);
        check_range(f, c, src, len);
        if (len == 0) return true;
        // All loads before any store: also right for overlapping memmove.
        std::vector<std::pair<int64_t, z3::expr>> pieces;
        for (int64_t done = 0; done < len;) {
          int64_t n = std::min<int64_t>(len - done, 8 - (d.offset + done) % 8);
          pieces.emplace_back(done, load_bytes(s, Val::ptr(src.region, src.offset + done), n));
          done += n;
        }
        for (auto &[at, v] : pieces)
          write(f, c, s, Val::ptr(d.region, d.offset + at), v.get_sort().bv_size() / 8, v, s.cond);
        return true;
      }
      case llvm::Intrinsic::umin: set(z3::ite(z3::ule(arg(0), arg(1)), arg(0), arg(1))); return true;
      case llvm::Intrinsic::umax: set(z3::ite(z3::uge(arg(0), arg(1)), arg(0), arg(1))); return true;
      case llvm::Intrinsic::smin: set(z3::ite(z3::sle(arg(0), arg(1)), arg(0), arg(1))); return true;
      case llvm::Intrinsic::smax: set(z3::ite(z3::sge(arg(0), arg(1)), arg(0), arg(1))); return true;
      case llvm::Intrinsic::fshl:
      case llvm::Intrinsic::fshr: {
        // Funnel shift: concatenate, shift by the amount modulo the width, take a half.
        z3::expr a = arg(0), b = arg(1), amt = arg(2);
        unsigned w = a.get_sort().bv_size();
        z3::expr sh = z3::zext(z3::urem(amt, bv(w, w)), w);
        z3::expr both = z3::concat(a, b);
        bool left = callee->getIntrinsicID() == llvm::Intrinsic::fshl;
        set(left ? z3::shl(both, sh).extract(2 * w - 1, w) : z3::lshr(both, sh).extract(w - 1, 0));
        return true;
      }
      case llvm::Intrinsic::ctpop: {
        z3::expr a = arg(0);
        unsigned w = a.get_sort().bv_size();
        z3::expr r = bv(0, w);
        for (unsigned b = 0; b < w; ++b) r = r + z3::zext(a.extract(b, b), w - 1);
        set(r);
        return true;
      }
      case llvm::Intrinsic::cttz:
      case llvm::Intrinsic::ctlz: {
        // The second argument makes a zero input poison: then any value (fresh).
        z3::expr a = arg(0);
        unsigned w = a.get_sort().bv_size();
        auto *poison = llvm::dyn_cast<llvm::ConstantInt>(c.getArgOperand(1));
        if (!poison) unsupported(f, describe(c));
        z3::expr r = poison->isOne() ? fresh("cttz0", w) : bv(w, w);
        bool trailing = callee->getIntrinsicID() == llvm::Intrinsic::cttz;
        for (unsigned k = w; k-- > 0;) {  // the lowest (cttz) or highest (ctlz) set bit wins
          unsigned b = trailing ? k : w - 1 - k;
          r = z3::ite(a.extract(b, b) == bv(1, 1), bv(k, w), r);
        }
        set(r);
        return true;
      }
      case llvm::Intrinsic::bswap: {
        z3::expr a = arg(0);
        unsigned bytes = a.get_sort().bv_size() / 8;
        z3::expr r = a.extract(7, 0);
        for (unsigned k = 1; k < bytes; ++k) r = z3::concat(r, a.extract(8 * k + 7, 8 * k));
        set(r);
        return true;
      }
      default:
        unsupported(f, "intrinsic call: " + describe(c));
    }
  }
  if (callee->isDeclaration()) unsupported(f, "call to external function: " + describe(c));
  if (!c.getType()->isVoidTy() && !c.getType()->isIntegerTy() && !c.getType()->isPointerTy())
    unsupported(f, "call returning a non-integer: " + describe(c));
  std::vector<Val> args;
  for (unsigned k = 0; k < c.arg_size(); ++k) args.push_back(value(f, fr, c.getArgOperand(k)));
  Returned r = call(*callee, args, s);
  if (!r.state) return false;  // the callee never returns: this path ends
  s = std::move(*r.state);
  if (r.value) fr[&c] = *r.value;
  return true;
}

}  // namespace

struct IrModule::Impl {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> module;
};

IrModule::IrModule(const std::string &ir_text) : impl_(std::make_unique<Impl>()) {
  llvm::SMDiagnostic err;
  impl_->module = llvm::parseAssemblyString(ir_text, err, impl_->ctx);
  if (!impl_->module) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    err.print("ir", os);
    throw UnsupportedIR("the IR does not parse: " + os.str());
  }
}

IrModule::~IrModule() = default;
IrModule::IrModule(IrModule &&) noexcept = default;
IrModule &IrModule::operator=(IrModule &&) noexcept = default;

bool IrModule::defines(const std::string &function) const {
  const llvm::Function *f = impl_->module->getFunction(function);
  return f && !f->isDeclaration();
}

std::vector<std::vector<z3::expr>> IrModule::run(
    z3::context &ctx, const std::string &function,
    const std::vector<std::vector<z3::expr>> &arrays) const {
  const llvm::Function *f = impl_->module->getFunction(function);
  if (!f || f->isDeclaration())
    throw UnsupportedIR("@" + function + " is not defined in the IR module");
  if (f->arg_size() != arrays.size())
    throw UnsupportedIR("@" + function + " takes " + std::to_string(f->arg_size()) +
                        " arguments, " + std::to_string(arrays.size()) + " arrays given");
  Exec exec(ctx, impl_->module->getDataLayout());
  std::vector<Val> args;
  for (const llvm::Argument &a : f->args()) {
    if (!a.getType()->isPointerTy())
      throw UnsupportedIR("@" + function + ": argument " + std::to_string(a.getArgNo()) +
                          " is not a pointer");
    for (const z3::expr &w : arrays[a.getArgNo()])
      if (!w.is_bv() || w.get_sort().bv_size() != 64)
        throw std::invalid_argument("IrModule::run: array words must be 64-bit bit-vectors");
    args.push_back(Val::ptr(exec.add_region(arrays[a.getArgNo()]), 0));
  }
  Returned r = exec.call(*f, args, exec.initial_state());
  if (!r.state) throw UnsupportedIR("@" + function + " never returns");
  std::vector<std::vector<z3::expr>> out;
  for (size_t k = 0; k < arrays.size(); ++k) {
    std::vector<z3::expr> words;
    for (const z3::expr &w : r.state->mem[k]) words.push_back(w.simplify());
    out.push_back(std::move(words));
  }
  return out;
}

IrLoggedRun IrModule::run_logged(z3::context &ctx, const std::string &function,
                                 const std::vector<IrArg> &args, const IrRunOptions &options) const {
  const llvm::Module &m = *impl_->module;
  const llvm::Function *f = m.getFunction(function);
  if (!f || f->isDeclaration())
    throw UnsupportedIR("@" + function + " is not defined in the IR module");
  if (f->arg_size() != args.size())
    throw UnsupportedIR("@" + function + " takes " + std::to_string(f->arg_size()) + " arguments, " +
                        std::to_string(args.size()) + " given");
  IrLoggedRun out;
  Exec exec(ctx, m.getDataLayout(), &options, &out);
  std::vector<Val> vals;
  std::vector<int> array_regions;  // per argument: its region, -1 for inputs and scalars
  for (const llvm::Argument &a : f->args()) {
    const IrArg &arg = args[a.getArgNo()];
    const std::string which = "@" + function + ": argument " + std::to_string(a.getArgNo());
    if (arg.scalar) {
      if (!a.getType()->isIntegerTy() || arg.scalar->get_sort().bv_size() != a.getType()->getIntegerBitWidth())
        throw UnsupportedIR(which + " is not an integer of the scalar's width");
      Val v;
      v.bv = *arg.scalar;
      vals.push_back(v);
      array_regions.push_back(-1);
      continue;
    }
    if (!a.getType()->isPointerTy()) throw UnsupportedIR(which + " is not a pointer");
    if (!arg.input.empty()) {
      vals.push_back(Val::ptr(exec.add_input(arg.input, a.getType(), static_cast<int>(a.getArgNo())), 0));
      array_regions.push_back(-1);
      continue;
    }
    for (const z3::expr &w : arg.words)
      if (!w.is_bv() || w.get_sort().bv_size() != 64)
        throw std::invalid_argument("IrModule::run_logged: array words must be 64-bit bit-vectors");
    int r = exec.add_region(arg.words);
    for (const auto &[offset, name] : arg.pointer_fields) {
      Val v;
      if (const llvm::Function *fn = m.getFunction(name)) v.fn = fn;
      else if (const llvm::GlobalVariable *gv = m.getGlobalVariable(name, true)) v.global = gv;
      else throw UnsupportedIR("@" + name + " (a pointer field of argument " +
                               std::to_string(a.getArgNo()) + ") is not in the IR module");
      exec.set_pointer_field(r, offset, v);
    }
    vals.push_back(Val::ptr(r, 0));
    array_regions.push_back(r);
  }
  Returned r = exec.call(*f, vals, exec.initial_state());
  if (!r.state) throw UnsupportedIR("@" + function + " never returns");
  for (int region : array_regions) {
    std::vector<z3::expr> words;
    if (region >= 0)
      for (const z3::expr &w : r.state->mem[region]) words.push_back(w.simplify());
    out.arrays.push_back(std::move(words));
  }
  return out;
}

int IrModule::unroll_loops(const std::vector<std::string> &roots, unsigned size_bound) {
  llvm::Module &m = *impl_->module;
  // The roots and the module functions they call directly.
  std::vector<llvm::Function *> work, fns;
  std::set<llvm::Function *> seen;
  for (const auto &name : roots) {
    llvm::Function *f = m.getFunction(name);
    if (!f || f->isDeclaration()) throw UnsupportedIR("@" + name + " is not defined in the IR module");
    if (seen.insert(f).second) work.push_back(f);
  }
  while (!work.empty()) {
    llvm::Function *f = work.back();
    work.pop_back();
    fns.push_back(f);
    for (llvm::BasicBlock &b : *f)
      for (llvm::Instruction &i : b)
        if (auto *call = llvm::dyn_cast<llvm::CallBase>(&i))
          if (llvm::Function *callee = call->getCalledFunction())
            if (!callee->isDeclaration() && seen.insert(callee).second) work.push_back(callee);
  }
  // Full unrolling only: no partial, runtime or peeled loops, which would keep a loop.
  llvm::legacy::FunctionPassManager pm(&m);
  pm.add(llvm::createLoopUnrollPass(2, false, false, static_cast<int>(size_bound), -1, 0, 0, 0, 0));
  pm.doInitialization();
  for (llvm::Function *f : fns) pm.run(*f);
  pm.doFinalization();
  int left = 0;
  for (llvm::Function *f : fns) {
    llvm::DominatorTree dt(*f);
    llvm::LoopInfo li(dt);
    left += static_cast<int>(std::distance(li.begin(), li.end()));
  }
  return left;
}

std::vector<std::string> IrModule::functions_starting(const std::string &prefix) const {
  std::vector<std::string> out;
  for (const llvm::Function &f : *impl_->module)
    if (!f.isDeclaration() && f.getName().startswith(prefix)) out.push_back(f.getName().str());
  return out;
}

std::vector<IrParameter> IrModule::parameters(const std::string &function) const {
  const llvm::Function *f = impl_->module->getFunction(function);
  if (!f || f->isDeclaration()) throw UnsupportedIR("@" + function + " is not defined in the IR module");
  std::vector<IrParameter> out;
  for (const llvm::Argument &a : f->args()) {
    IrParameter p;
    llvm::Type *t = a.getType();
    p.pointer = t->isPointerTy();
    if (t->isIntegerTy()) p.bits = t->getIntegerBitWidth();
    if (auto *pt = llvm::dyn_cast<llvm::PointerType>(t); pt && !pt->isOpaque())
      if (auto *st = llvm::dyn_cast<llvm::StructType>(pt->getPointerElementType()); st && st->hasName()) {
        llvm::StringRef name = st->getName();
        name.consume_front("struct.");
        p.struct_name = name.str();
      }
    out.push_back(p);
  }
  return out;
}

std::map<int64_t, std::string> IrModule::function_fields(const std::string &global) const {
  const llvm::Module &m = *impl_->module;
  const llvm::GlobalVariable *gv = m.getGlobalVariable(global, true);
  if (!gv || !gv->isConstant() || !gv->hasDefinitiveInitializer())
    throw UnsupportedIR("@" + global + " is not a constant global of the IR module");
  std::map<int64_t, std::string> out;
  const llvm::Constant *c = gv->getInitializer();
  auto *st = llvm::dyn_cast<llvm::StructType>(c->getType());
  if (!st) throw UnsupportedIR("@" + global + " is not a struct");
  const llvm::StructLayout *layout = m.getDataLayout().getStructLayout(st);
  for (unsigned k = 0; k < st->getNumElements(); ++k)
    if (auto *fn = llvm::dyn_cast_or_null<llvm::Function>(c->getAggregateElement(k)))
      out[static_cast<int64_t>(layout->getElementOffset(k))] = fn->getName().str();
  return out;
}

bool IrModule::same_first_param_type(const std::string &function, const std::string &other) const {
  const llvm::Function *a = impl_->module->getFunction(function), *b = impl_->module->getFunction(other);
  if (!a || !b) throw UnsupportedIR("@" + (a ? other : function) + " is not in the IR module");
  return a->arg_size() > 0 && b->arg_size() > 0 && a->getArg(0)->getType() == b->getArg(0)->getType();
}

std::vector<z3::expr> symbolic_used_bits(const IrModule &module, z3::context &ctx,
                                         const std::string &function,
                                         const std::vector<z3::expr> &entry) {
  std::vector<z3::expr> zeros;
  for (size_t k = 0; k < entry.size(); ++k) zeros.push_back(ctx.bv_val(static_cast<uint64_t>(0), 64));
  return module.run(ctx, function, {entry, zeros})[1];
}

}  // namespace smmu::checker
