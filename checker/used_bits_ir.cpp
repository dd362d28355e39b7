// IrModule (used_bits_ir.h): parsing, running functions with the executor
// (ir_exec.h), loop unrolling, and what the module says of its functions.
#include "used_bits_ir.h"

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Transforms/Scalar.h>

#include "ir_exec.h"

namespace smmu::checker {

using ir_exec::Exec;
using ir_exec::Returned;
using ir_exec::Val;

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
