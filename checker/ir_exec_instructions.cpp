// The executor's instructions and calls (ir_exec.h): what each LLVM
// instruction and intrinsic means as a Z3 term, and what is refused.
#include <llvm/ADT/MapVector.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/Operator.h>

#include "ir_exec.h"

namespace smmu::checker::ir_exec {

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


}  // namespace smmu::checker::ir_exec
