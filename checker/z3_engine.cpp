#include "z3_engine.h"

#include "used_bits_ir.h"

namespace smmu::checker {

Z3Engine::Z3Engine(const EntrySemantics &semantics, unsigned timeout_ms)
    : semantics_(semantics), timeout_ms_(timeout_ms) {}

z3::context &Z3Engine::context() {
  if (!context_) {
    context_ = std::make_unique<z3::context>();
    for (int i = 0; i < kEntryQwords; ++i)
      inputs_.push_back(context_->bv_const(("x" + std::to_string(i)).c_str(), 64));
  }
  return *context_;
}

Z3Engine::~Z3Engine() = default;

const std::vector<z3::expr> *Z3Engine::symbolic_used(harness::DescKind kind, std::string &error) {
  // The IR is parsed on the first epoch: an engine that is built but never
  // asked (the default chain's last resort) costs nothing.
  if (!module_ && module_error_.empty()) {
    if (semantics_.ir.empty()) {
      module_error_ = semantics_.ir_missing();
    } else {
      try {
        module_ = std::make_unique<IrModule>(semantics_.ir);
      } catch (const UnsupportedIR &e) {
        module_error_ = e.what();
      }
    }
  }
  if (!module_) {
    error = module_error_;
    return nullptr;
  }
  auto it = used_.find(kind);
  if (it != used_.end()) return &it->second;
  const std::string &fn =
      kind == harness::DescKind::Cd ? semantics_.cd_used_symbol : semantics_.ste_used_symbol;
  try {
    z3::context &ctx = context();
    return &used_.emplace(kind, symbolic_used_bits(*module_, ctx, fn, inputs_)).first->second;
  } catch (const UnsupportedIR &e) {
    error = e.what();
  } catch (const z3::exception &e) {
    error = e.msg();
  }
  return nullptr;
}

EpochAnswer Z3Engine::decide(const EpochQuery &q) {
  EpochAnswer a;
  a.explored = 1;
  std::string error;
  const std::vector<z3::expr> *used = symbolic_used(q.kind, error);
  if (!used) {
    a.outcome = Outcome::Unknown;
    a.reason = "z3: get_used could not be translated: " + error;
    return a;
  }
  const EpochSpace &s = *q.space;
  z3::context &ctx = context();
  z3::solver solver(ctx);
  z3::params p(ctx);
  p.set("timeout", timeout_ms_);
  solver.set(p);

  // One variable per granule, equal to one of its candidates.
  std::vector<z3::expr> granule;
  std::vector<z3::expr> qword(kEntryQwords, ctx.bv_val(static_cast<uint64_t>(0), 64));
  for (size_t i = 0; i < s.granules.size(); ++i) {
    const Granule &g = s.granules[i];
    z3::expr v = ctx.bv_const(("g" + std::to_string(i)).c_str(), g.width);
    z3::expr_vector options(ctx);
    for (const Candidate &c : g.candidates) options.push_back(v == ctx.bv_val(c.value, g.width));
    solver.add(z3::mk_or(options));
    z3::expr wide = g.width == 64 ? v : z3::zext(v, 64 - g.width);
    qword[g.qword] = qword[g.qword] | z3::shl(wide, ctx.bv_val(static_cast<uint64_t>(g.shift), 64));
    granule.push_back(v);
  }
  z3::expr_vector from(ctx), to(ctx);
  for (int i = 0; i < kEntryQwords; ++i) {
    from.push_back(inputs_[i]);
    to.push_back(qword[i]);
  }
  z3::expr_vector differs_start(ctx), differs_end(ctx);
  for (int i = 0; i < kEntryQwords; ++i) {
    z3::expr meaning = qword[i] & z3::expr((*used)[i]).substitute(from, to);
    differs_start.push_back(meaning != ctx.bv_val(q.meaning_start[i], 64));
    differs_end.push_back(meaning != ctx.bv_val(q.meaning_end[i], 64));
  }
  solver.add(z3::mk_or(differs_start));
  solver.add(z3::mk_or(differs_end));

  switch (solver.check()) {
    case z3::unsat:
      return a;
    case z3::unknown:
      a.outcome = Outcome::Unknown;
      a.reason = "z3: " + solver.reason_unknown();
      return a;
    case z3::sat: {
      z3::model m = solver.get_model();
      for (size_t i = 0; i < granule.size(); ++i) {
        uint64_t value = m.eval(granule[i], true).get_numeral_uint64();
        const auto &cands = s.granules[i].candidates;
        size_t idx = 0;
        while (idx < cands.size() && cands[idx].value != value) ++idx;
        a.choice.push_back(idx < cands.size() ? idx : 0);
      }
      a.outcome = Outcome::Violation;
      return a;
    }
  }
  return a;
}

}  // namespace smmu::checker
