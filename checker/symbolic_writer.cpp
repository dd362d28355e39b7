#include "symbolic_writer.h"

#include <map>
#include <sstream>
#include <unordered_map>

namespace smmu::checker {
namespace {

// Argument order of arm_smmu_write_entry(writer, entry, target).
constexpr int kWriterArg = 0, kEntryArg = 1, kTargetArg = 2;

uint64_t numeral(const z3::expr &e, const char *what) {
  uint64_t v = 0;
  z3::expr s = e.simplify();
  if (s.is_true()) return 1;
  if (s.is_false()) return 0;
  if (!s.is_numeral_u64(v)) throw UnsupportedIR(std::string("symbolic writer: ") + what + " is not constant");
  return v;
}

}  // namespace

SymbolicWrite symbolic_write(IrModule &module, z3::context &ctx, const WriterIr &w) {
  SymbolicWrite out;
  // The ops table: the member taking the writer itself is the sync (recorded);
  // the others (get_used, 7.x's get_update_safe) run from the IR.
  for (const auto &[offset, name] : module.function_fields(w.ops_table)) {
    if (module.same_first_param_type(name, w.function)) {
      if (!out.sync_function.empty())
        throw UnsupportedIR("@" + w.ops_table + ": two members take the writer (" + out.sync_function +
                            ", " + name + "); which is the sync is not known");
      out.sync_function = name;
    } else {
      out.executed_ops.push_back(name);
    }
  }
  if (out.sync_function.empty())
    throw UnsupportedIR("@" + w.ops_table + ": no member takes the writer, so no sync op was found");

  std::vector<std::string> roots = {w.function};
  roots.insert(roots.end(), out.executed_ops.begin(), out.executed_ops.end());
  module.unroll_loops(roots, kWriterUnrollBound);

  IrArg writer, entry, target;
  writer.words = {ctx.bv_const("writer.ops", 64), ctx.bv_const("writer.master", 64)};
  writer.pointer_fields[0] = w.ops_table;  // writer->ops
  for (int i = 0; i < w.qwords; ++i) {
    out.current.push_back(ctx.bv_const(("cur" + std::to_string(i)).c_str(), 64));
    out.target.push_back(ctx.bv_const(("tgt" + std::to_string(i)).c_str(), 64));
  }
  entry.words = out.current;
  target.words = out.target;
  IrRunOptions options;
  options.logged_arrays = {kEntryArg};
  options.recorded_calls = {out.sync_function, w.barrier_hook, w.warn_hook};
  std::vector<IrArg> args(3);
  args[kWriterArg] = writer;
  args[kEntryArg] = entry;
  args[kTargetArg] = target;
  IrLoggedRun run = module.run_logged(ctx, w.function, args, options);
  out.final_entry = run.arrays[kEntryArg];

  for (const IrEvent &e : run.events) {
    z3::expr cond = e.cond.simplify();
    if (cond.is_false()) continue;
    if (e.kind == IrEvent::Kind::Store) {
      if (e.array != kEntryArg || e.bytes != 8 || e.offset % 8 != 0)
        throw UnsupportedIR("@" + w.function + ": a store of " + std::to_string(e.bytes) +
                            " bytes at entry offset " + std::to_string(e.offset) +
                            " (only whole qwords are modelled)");
      WriterStep s(WriterStep::Kind::Store, cond);
      s.qword = static_cast<int>(e.offset / 8);
      s.value = e.value->simplify();
      s.once = e.volatile_store;
      out.steps.push_back(std::move(s));
    } else if (e.function == out.sync_function) {
      out.steps.emplace_back(WriterStep::Kind::Sync, cond);
    } else if (e.function == w.barrier_hook) {
      WriterStep s(WriterStep::Kind::Barrier, cond);
      if (e.int_args.empty() || !e.int_args[0])
        throw UnsupportedIR("@" + w.function + ": a barrier hook call without its kind");
      s.barrier = static_cast<int>(numeral(*e.int_args[0], "a barrier kind"));
      out.steps.push_back(std::move(s));
    } else {
      out.steps.emplace_back(WriterStep::Kind::Warn, cond);
    }
  }
  return out;
}

// The terms as one DAG of 64-bit operations, evaluated in topological order.
// A value carries a taint when it depends on a free constant other than the
// entries (undef, a poison cttz): a step whose condition or value is tainted
// is evaluated by Z3 instead, as is a term with an operator or width not here.
struct WriterEvaluator::Dag {
  struct Node {
    Z3_decl_kind op;
    unsigned width = 0;  // 0: Boolean
    std::vector<int> args;
    uint64_t imm = 0;    // numeral; input index for a variable
    unsigned hi = 0, lo = 0;
    bool free = false;   // a constant that is not an input
  };
  std::vector<Node> nodes;
  std::unordered_map<unsigned, int> index;
  std::map<std::string, int> inputs;  // input name -> position in (current, target)
  std::vector<int> cond, value;       // per step; -1: by Z3

  static uint64_t mask(unsigned w) { return w >= 64 ? ~0ull : (1ull << w) - 1; }

  // Throws std::domain_error for what it does not evaluate.
  int compile(const z3::expr &e) {
    unsigned id = Z3_get_ast_id(e.ctx(), e);
    if (auto it = index.find(id); it != index.end()) return it->second;
    Node n;
    n.op = e.is_app() ? e.decl().decl_kind() : Z3_OP_UNINTERPRETED;
    if (e.is_bv()) {
      n.width = e.get_sort().bv_size();
      if (n.width > 64) throw std::domain_error("wider than 64 bits");
    } else if (!e.is_bool()) {
      throw std::domain_error("not a bit-vector");
    }
    if (!e.is_app()) throw std::domain_error("not an application");
    if (n.op == Z3_OP_BNUM) {
      if (!e.is_numeral_u64(n.imm)) throw std::domain_error("numeral");
    } else if (n.op == Z3_OP_UNINTERPRETED) {
      if (e.num_args() != 0) throw std::domain_error("function application");
      auto it = inputs.find(e.decl().name().str());
      if (it == inputs.end()) n.free = true;
      else n.imm = static_cast<uint64_t>(it->second);
    } else {
      if (n.op == Z3_OP_EXTRACT) {
        n.hi = e.hi();
        n.lo = e.lo();
      } else if (n.op == Z3_OP_ZERO_EXT || n.op == Z3_OP_SIGN_EXT) {
        n.hi = static_cast<unsigned>(Z3_get_decl_int_parameter(e.ctx(), e.decl(), 0));
      }
      for (unsigned k = 0; k < e.num_args(); ++k) n.args.push_back(compile(e.arg(k)));
    }
    nodes.push_back(std::move(n));
    index[id] = static_cast<int>(nodes.size()) - 1;
    return index[id];
  }

  // Values and taints of every node for one input.
  void run(const std::vector<uint64_t> &in, std::vector<uint64_t> &v, std::vector<char> &t) const {
    v.assign(nodes.size(), 0);
    t.assign(nodes.size(), 0);
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node &n = nodes[i];
      auto a = [&](int k) { return v[n.args[k]]; };
      char taint = 0;
      for (int x : n.args) taint |= t[x];
      auto sx = [](uint64_t x, unsigned w) {  // sign-extend from w bits
        return w >= 64 ? static_cast<int64_t>(x) : static_cast<int64_t>(x << (64 - w)) >> (64 - w);
      };
      unsigned aw = n.args.empty() ? 0 : nodes[n.args[0]].width;
      uint64_t r = 0;
      switch (n.op) {
        case Z3_OP_TRUE: r = 1; break;
        case Z3_OP_FALSE: r = 0; break;
        case Z3_OP_BNUM: r = n.imm; break;
        case Z3_OP_UNINTERPRETED:
          if (n.free) taint = 1;
          else r = in[n.imm];
          break;
        case Z3_OP_EQ: r = a(0) == a(1); break;
        case Z3_OP_DISTINCT: r = a(0) != a(1); break;
        case Z3_OP_NOT: r = !a(0); break;
        case Z3_OP_AND:
        case Z3_OP_OR: {
          // A decided argument that is clean decides the result, whatever the others.
          bool is_and = n.op == Z3_OP_AND;
          r = is_and ? 1 : 0;
          bool decided = false;
          for (int x : n.args) {
            if (v[x] == (is_and ? 0u : 1u)) {
              r = is_and ? 0 : 1;
              if (!t[x]) decided = true;
            }
          }
          if (decided) taint = 0;
          break;
        }
        case Z3_OP_XOR: r = a(0) ^ a(1); break;
        case Z3_OP_IFF: r = a(0) == a(1); break;
        case Z3_OP_IMPLIES: r = !a(0) || a(1); break;
        case Z3_OP_ITE:
          r = a(0) ? a(1) : a(2);
          taint = t[n.args[0]] | (a(0) ? t[n.args[1]] : t[n.args[2]]);
          break;
        case Z3_OP_BAND: r = ~0ull; for (int x : n.args) r &= v[x]; break;
        case Z3_OP_BOR: for (int x : n.args) r |= v[x]; break;
        case Z3_OP_BXOR: for (int x : n.args) r ^= v[x]; break;
        case Z3_OP_BNOT: r = ~a(0); break;
        case Z3_OP_BNEG: r = 0 - a(0); break;
        case Z3_OP_BADD: for (int x : n.args) r += v[x]; break;
        case Z3_OP_BSUB: r = a(0) - a(1); break;
        case Z3_OP_BMUL: r = 1; for (int x : n.args) r *= v[x]; break;
        case Z3_OP_BUDIV:
        case Z3_OP_BUDIV_I: r = a(1) ? a(0) / a(1) : ~0ull; break;
        case Z3_OP_BUREM:
        case Z3_OP_BUREM_I: r = a(1) ? a(0) % a(1) : a(0); break;
        case Z3_OP_BSHL: r = a(1) >= n.width ? 0 : a(0) << a(1); break;
        case Z3_OP_BLSHR: r = a(1) >= n.width ? 0 : a(0) >> a(1); break;
        case Z3_OP_BASHR:
          r = static_cast<uint64_t>(sx(a(0), n.width) >> (a(1) >= n.width ? n.width - 1 : a(1)));
          break;
        case Z3_OP_CONCAT:
          for (int x : n.args) r = (nodes[x].width >= 64 ? 0 : r << nodes[x].width) | v[x];
          break;
        case Z3_OP_EXTRACT: r = a(0) >> n.lo; break;
        case Z3_OP_ZERO_EXT: r = a(0); break;
        case Z3_OP_SIGN_EXT: r = static_cast<uint64_t>(sx(a(0), aw)); break;
        case Z3_OP_ULEQ: r = a(0) <= a(1); break;
        case Z3_OP_UGEQ: r = a(0) >= a(1); break;
        case Z3_OP_ULT: r = a(0) < a(1); break;
        case Z3_OP_UGT: r = a(0) > a(1); break;
        case Z3_OP_SLEQ: r = sx(a(0), aw) <= sx(a(1), aw); break;
        case Z3_OP_SGEQ: r = sx(a(0), aw) >= sx(a(1), aw); break;
        case Z3_OP_SLT: r = sx(a(0), aw) < sx(a(1), aw); break;
        case Z3_OP_SGT: r = sx(a(0), aw) > sx(a(1), aw); break;
        default: taint = 1;  // compile() admits only what is above
      }
      v[i] = n.width ? r & mask(n.width) : (r ? 1 : 0);
      t[i] = taint;
    }
  }
};

namespace {

bool evaluable(Z3_decl_kind op) {
  switch (op) {
    case Z3_OP_TRUE: case Z3_OP_FALSE: case Z3_OP_BNUM: case Z3_OP_UNINTERPRETED: case Z3_OP_EQ:
    case Z3_OP_DISTINCT: case Z3_OP_NOT: case Z3_OP_AND: case Z3_OP_OR: case Z3_OP_XOR: case Z3_OP_IFF:
    case Z3_OP_IMPLIES: case Z3_OP_ITE: case Z3_OP_BAND: case Z3_OP_BOR: case Z3_OP_BXOR: case Z3_OP_BNOT:
    case Z3_OP_BNEG: case Z3_OP_BADD: case Z3_OP_BSUB: case Z3_OP_BMUL: case Z3_OP_BUDIV: case Z3_OP_BUDIV_I:
    case Z3_OP_BUREM: case Z3_OP_BUREM_I: case Z3_OP_BSHL: case Z3_OP_BLSHR: case Z3_OP_BASHR:
    case Z3_OP_CONCAT: case Z3_OP_EXTRACT: case Z3_OP_ZERO_EXT: case Z3_OP_SIGN_EXT: case Z3_OP_ULEQ:
    case Z3_OP_UGEQ: case Z3_OP_ULT: case Z3_OP_UGT: case Z3_OP_SLEQ: case Z3_OP_SGEQ: case Z3_OP_SLT:
    case Z3_OP_SGT:
      return true;
    default:
      return false;
  }
}

}  // namespace

WriterEvaluator::WriterEvaluator(z3::context &ctx, const SymbolicWrite &write)
    : ctx_(ctx), write_(write), vars_(ctx), dag_(std::make_unique<Dag>()) {
  for (const z3::expr &e : write.current) vars_.push_back(e);
  for (const z3::expr &e : write.target) vars_.push_back(e);
  for (unsigned k = 0; k < vars_.size(); ++k) dag_->inputs[vars_[k].decl().name().str()] = static_cast<int>(k);
  auto compile = [&](const z3::expr &e) {
    // All or nothing per term: a rejected term leaves no half-built nodes behind.
    Dag copy = *dag_;
    try {
      int n = dag_->compile(e);
      for (const auto &node : dag_->nodes)
        if (!evaluable(node.op)) throw std::domain_error("operator");
      return n;
    } catch (const std::domain_error &) {
      *dag_ = std::move(copy);
      return -1;
    }
  };
  for (const WriterStep &s : write.steps) {
    dag_->cond.push_back(compile(s.cond));
    dag_->value.push_back(s.value ? compile(*s.value) : -1);
  }
}

WriterEvaluator::~WriterEvaluator() = default;

size_t WriterEvaluator::dag_nodes() const { return dag_->nodes.size(); }

size_t WriterEvaluator::terms_by_z3() const {
  size_t n = 0;
  for (size_t i = 0; i < write_.steps.size(); ++i)
    n += (dag_->cond[i] < 0) + (write_.steps[i].value && dag_->value[i] < 0);
  return n;
}

std::vector<ConcreteStep> WriterEvaluator::steps(const Qwords &current, const Qwords &target) const {
  if (current.size() != write_.current.size() || target.size() != write_.target.size())
    throw std::invalid_argument("WriterEvaluator: entries of the wrong size");
  std::vector<uint64_t> in(current);
  in.insert(in.end(), target.begin(), target.end());
  std::vector<uint64_t> v;
  std::vector<char> t;
  dag_->run(in, v, t);
  std::optional<z3::expr_vector> vals;  // built only if a term needs Z3
  auto by_z3 = [&](const z3::expr &e) {
    if (!vals) {
      vals.emplace(ctx_);
      for (uint64_t q : in) vals->push_back(ctx_.bv_val(q, 64));
    }
    return numeral(z3::expr(e).substitute(vars_, *vals), "a step term");
  };
  std::vector<ConcreteStep> out;
  for (size_t i = 0; i < write_.steps.size(); ++i) {
    const WriterStep &s = write_.steps[i];
    int c = dag_->cond[i];
    bool happens = c >= 0 && !t[c] ? v[c] != 0 : by_z3(s.cond) != 0;
    if (!happens) continue;
    ConcreteStep cs{s.kind};
    cs.qword = s.qword;
    cs.barrier = s.barrier;
    cs.once = s.once;
    if (s.value) {
      int x = dag_->value[i];
      cs.value = x >= 0 && !t[x] ? v[x] : by_z3(*s.value);
    }
    out.push_back(cs);
  }
  return out;
}

std::vector<ConcreteStep> WriterEvaluator::steps_by_z3(const Qwords &current, const Qwords &target) const {
  if (current.size() != write_.current.size() || target.size() != write_.target.size())
    throw std::invalid_argument("WriterEvaluator: entries of the wrong size");
  z3::expr_vector vals(ctx_);
  for (uint64_t q : current) vals.push_back(ctx_.bv_val(q, 64));
  for (uint64_t q : target) vals.push_back(ctx_.bv_val(q, 64));
  std::vector<ConcreteStep> out;
  for (const WriterStep &s : write_.steps) {
    // Substitution leaves terms over the inputs only, so it simplifies to a constant.
    z3::expr c = z3::expr(s.cond).substitute(vars_, vals).simplify();
    if (!c.is_true() && !c.is_false()) throw UnsupportedIR("a step condition did not evaluate: " + c.to_string());
    if (c.is_false()) continue;
    ConcreteStep cs{s.kind};
    cs.qword = s.qword;
    cs.barrier = s.barrier;
    cs.once = s.once;
    if (s.value) cs.value = numeral(z3::expr(*s.value).substitute(vars_, vals), "a stored value");
    out.push_back(cs);
  }
  return out;
}

std::string to_string(const ConcreteStep &s) {
  std::ostringstream os;
  switch (s.kind) {
    case WriterStep::Kind::Store:
      os << (s.once ? "store q" : "plain store q") << s.qword << " = 0x" << std::hex << s.value;
      break;
    case WriterStep::Kind::Sync: os << "sync"; break;
    case WriterStep::Kind::Barrier: os << "barrier " << s.barrier; break;
    case WriterStep::Kind::Warn: os << "warn"; break;
  }
  return os.str();
}

}  // namespace smmu::checker
