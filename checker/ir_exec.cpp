// The executor's values, memory and control flow (ir_exec.h).
#include "ir_exec.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/IR/Operator.h>

namespace smmu::checker::ir_exec {

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


}  // namespace smmu::checker::ir_exec
