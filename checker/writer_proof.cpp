// The query, as the concrete checker (check_update.cpp, observation_space.cpp)
// judges one recorded update, but over symbolic entries:
//
// - The writer's steps are conditional (symbolic_writer.h), so the epochs are
//   too: a span from a boundary a (the start, or a sync step) to the next
//   boundary b (a sync step, or the end) happens iff a and b happen and no
//   sync step between them does. Every such pair is one query.
// - Coherent and Normal-NC memory at qword single-copy atomicity: a fetch in
//   the span reads each qword as its value at the span's start or any value
//   stored to it in the span (the sync before made earlier stores visible,
//   doorbell=dmb); qwords are read independently (fetch_order=any). Under
//   +plain-tearN, a qword a plain store (not volatile in the IR: not
//   WRITE_ONCE) writes in the span is read as N-bit parts.
// - Cacheable memory, non-coherent SMMU: the fetch reads PoC, where a dirty
//   line may be written back at any instant, so each writeback_atomicity
//   granule of a qword takes any value the qword held since the last clean:
//   with a clean at each sync, the span's start and its stores; without, the
//   initial entry and every store before the span's end (a stale value).
// - Properties: an observation means the span's start or its end; after the
//   last sync (b is the end) it means the end (publication); the entry at each
//   sync means the initial or target configuration or is invalid; the final
//   entry is the target.
#include "writer_proof.h"

#include <chrono>
#include <ctime>
#include <sstream>
#include <unordered_set>

#include "entry_image.h"
#include "model_support.h"
#include "parallel_check.h"

namespace smmu::checker {

const char *to_string(ProofOutcome o) {
  switch (o) {
    case ProofOutcome::Proved: return "proved";
    case ProofOutcome::Counterexample: return "counterexample";
    case ProofOutcome::Unknown: return "unknown";
  }
  return "?";
}

const char *const kUsedBitsInputSet =
    "every (current, target) pair of 8 x 64-bit entries in which neither entry sets a bit its get_used "
    "does not use (the writer's own WARN_ON_ONCE check of a target; the current entry was once a target) "
    "and no WARN_ON_ONCE of the writer fires";

namespace {

using Terms = std::vector<z3::expr>;

size_t dag_nodes(const z3::expr_vector &roots) {
  std::unordered_set<unsigned> seen;
  std::vector<z3::expr> todo;
  for (unsigned i = 0; i < roots.size(); ++i) todo.push_back(roots[i]);
  while (!todo.empty()) {
    z3::expr e = todo.back();
    todo.pop_back();
    if (!seen.insert(Z3_get_ast_id(e.ctx(), e)).second) continue;
    if (e.is_app())
      for (unsigned i = 0; i < e.num_args(); ++i) todo.push_back(e.arg(i));
  }
  return seen.size();
}

z3::expr differ(z3::context &ctx, const Terms &a, const Terms &b) {
  z3::expr_vector d(ctx);
  for (size_t q = 0; q < a.size(); ++q) d.push_back(a[q] != b[q]);
  return z3::mk_or(d);
}

Qwords values(const z3::model &m, const Terms &t) {
  Qwords out;
  for (const z3::expr &e : t) out.push_back(m.eval(e, true).get_numeral_uint64());
  return out;
}

// One question to the solver: a property that may fail on one span (or sync).
struct Question {
  std::string property;
  int from = -1, to = -1;  // step indexes of the span's boundaries (-1: start, steps: end)
  z3::expr formula;
  Terms observed, start, end;  // observation, publication: the fetch and the span's ends
};

// Where a fetch's values come from under a cacheable model (as in
// observation_space.cpp); coherent and nc: the span's own, read by qword.
struct PocFetch {
  bool cacheable = false;
  unsigned granule_bits = 64;     // writeback_atomicity; a line is no coarser than the qword read
  bool clean_at_sync = false;     // each sync completed a clean of the entry: PoC holds the span's start
  bool cmo_only = false;          // eviction=cmo-only: nothing but a clean writes back
  const decltype(ProofOptions::narrow) *narrow = nullptr;  // ProofOptions::narrow, if set
};

PocFetch poc_fetch(const models::Model &m, const ProofOptions &o) {
  PocFetch f;
  if (o.narrow) f.narrow = &o.narrow;
  f.cacheable = m.coherency == models::Coherency::Cacheable;
  if (!f.cacheable) return f;
  f.granule_bits = m.writeback_atomicity_bits == 0 ? 64u : static_cast<unsigned>(m.writeback_atomicity_bits);
  f.clean_at_sync = o.clean_at_sync;
  f.cmo_only = m.eviction == models::Eviction::CmoOnly;
  return f;
}

class Prover {
 public:
  // update_safe: the ops' get_update_safe to relax the meaning by ("": none).
  Prover(const IrModule &module, z3::context &ctx, const SymbolicWrite &w, const std::string &used_fn,
         int part_bits, const std::string &update_safe)
      : ctx_(ctx), w_(w), part_bits_(static_cast<unsigned>(part_bits)) {
    for (size_t q = 0; q < w.current.size(); ++q)
      x_.push_back(ctx.bv_const(("used.in" + std::to_string(q)).c_str(), 64));
    used_ = symbolic_used_bits(module, ctx, used_fn, x_);
    ignored_.assign(w.current.size(), ctx.bv_val(static_cast<uint64_t>(0), 64));
    if (!update_safe.empty()) {
      // As the writer masks it (arm_smmu_entry_qword_diff): bits both entries use.
      Terms zero = ignored_, cu = used(w.current), tu = used(w.target);
      Terms safe = module.run(ctx, update_safe, {w.current, w.target, zero})[2];
      for (size_t q = 0; q < safe.size(); ++q) ignored_[q] = (safe[q] & cu[q] & tu[q]).simplify();
    }
    // The entry before each step, and after the last.
    states_.push_back(w.current);
    for (const WriterStep &s : w.steps) {
      Terms next = states_.back();
      if (s.kind == WriterStep::Kind::Store) next[s.qword] = z3::ite(s.cond, *s.value, next[s.qword]);
      states_.push_back(std::move(next));
    }
  }

  Terms used(const Terms &e) const {
    z3::expr_vector from(ctx_), to(ctx_);
    for (size_t q = 0; q < e.size(); ++q) {
      from.push_back(x_[q]);
      to.push_back(e[q]);
    }
    Terms out;
    for (const z3::expr &u : used_) out.push_back(z3::expr(u).substitute(from, to));
    return out;
  }

  // e & used(e), without the update-safe bits when relaxed.
  Terms meaning(const Terms &e) const {
    Terms u = used(e), out;
    for (size_t q = 0; q < e.size(); ++q) out.push_back(e[q] & u[q] & ~ignored_[q]);
    return out;
  }

  // The input set: the make functions' image, else kUsedBitsInputSet.
  z3::expr inputs(const EntryImage *current, const EntryImage *target) const {
    if (current && target) return current->contains(w_.current) && target->contains(w_.target);
    z3::expr_vector c(ctx_);
    for (const Terms *e : {&w_.current, &w_.target}) {
      Terms u = used(*e);
      for (size_t q = 0; q < e->size(); ++q) c.push_back(((*e)[q] & ~u[q]) == 0);
    }
    for (const WriterStep &s : w_.steps)
      if (s.kind == WriterStep::Kind::Warn) c.push_back(!s.cond);
    return z3::mk_and(c);
  }

  std::vector<Question> questions(const PocFetch &poc) const {
    std::vector<Question> out;
    const int n = static_cast<int>(w_.steps.size());
    std::vector<int> syncs;
    for (int i = 0; i < n; ++i)
      if (w_.steps[i].kind == WriterStep::Kind::Sync) syncs.push_back(i);
    Terms zero(w_.current.size(), ctx_.bv_val(static_cast<uint64_t>(0), 64));
    Terms m_cur = meaning(w_.current), m_tgt = meaning(w_.target);
    out.push_back({"final entry", n, n, differ(ctx_, states_[n], w_.target), {}, {}, states_[n]});
    for (int y : syncs) {
      Terms m = meaning(states_[y]);
      out.push_back({"stable state", y, y,
                     w_.steps[y].cond && differ(ctx_, m, m_cur) && differ(ctx_, m, m_tgt) && differ(ctx_, m, zero),
                     {}, states_[y], states_[y]});
    }
    std::vector<int> froms{-1}, tos(syncs);
    froms.insert(froms.end(), syncs.begin(), syncs.end());
    tos.push_back(n);
    for (int a : froms) {
      for (int b : tos) {
        if (b <= a) continue;
        z3::expr happens = a < 0 ? ctx_.bool_val(true) : w_.steps[a].cond;
        if (b < n) happens = happens && w_.steps[b].cond;
        for (int s : syncs)
          if (s > a && s < b) happens = happens && !w_.steps[s].cond;
        if (happens.simplify().is_false()) continue;
        out.push_back(span(a, b, happens, poc));
      }
    }
    return out;
  }

 private:
  Question span(int a, int b, const z3::expr &happens, const PocFetch &poc) const {
    const int n = static_cast<int>(w_.steps.size());
    Question q{b == n ? "publication" : "observation", a, b, happens, {}, states_[a < 0 ? 0 : a], states_[b]};
    // The values the fetch may take come from the steps after `from`: the
    // span's own, unless only the initial entry was ever cleaned to PoC.
    const int from = poc.cacheable && !poc.clean_at_sync ? -1 : a;
    const Terms &floor = states_[from < 0 ? 0 : from];
    const unsigned unit = poc.cacheable ? poc.granule_bits : 64;
    z3::expr_vector c(ctx_);
    c.push_back(happens);
    for (size_t k = 0; k < q.start.size(); ++k) {
      z3::expr o = ctx_.bv_const(("fetch" + std::to_string(a + 1) + "_" + std::to_string(b) + ".q" +
                                  std::to_string(k)).c_str(), 64);
      // (condition, value): the qword at the window's start, then each store
      // to it that happens (every store alike: a write-back tears WRITE_ONCE
      // ones too). eviction=cmo-only: PoC changes only at a clean.
      std::vector<std::pair<z3::expr, z3::expr>> values{{ctx_.bool_val(true), floor[k]}};
      z3::expr_vector plain(ctx_);
      for (int s = from + 1; s < b && !poc.cmo_only; ++s) {
        const WriterStep &st = w_.steps[s];
        if (st.kind != WriterStep::Kind::Store || st.qword != static_cast<int>(k)) continue;
        values.emplace_back(st.cond, *st.value);
        if (!st.once) plain.push_back(st.cond);
      }
      // Each `width`-bit granule independently takes one of the values.
      auto granules = [&](unsigned width) {
        z3::expr_vector all(ctx_);
        for (unsigned lo = 0; lo < 64; lo += width) {
          z3::expr_vector any(ctx_);
          for (const auto &[cond, v] : values) {
            z3::expr same = width == 64 ? o == v : o.extract(lo + width - 1, lo) == v.extract(lo + width - 1, lo);
            any.push_back(cond.is_true() ? same : cond && same);
          }
          all.push_back(z3::mk_or(any));
        }
        return all.size() == 1 ? all[0] : z3::mk_and(all);
      };
      z3::expr read = granules(unit);
      // A plain store in the window splits the qword into finer parts, as
      // observation_space.cpp does (over-approximated when WRITE_ONCE stores
      // share the qword: a counterexample relying on it does not replay, and
      // is unknown).
      if (part_bits_ < unit && !plain.empty()) read = read || (z3::mk_or(plain) && granules(part_bits_));
      c.push_back(read);
      q.observed.push_back(o);
    }
    Terms m = meaning(q.observed);
    c.push_back(differ(ctx_, m, meaning(q.end)));
    if (b < n) c.push_back(differ(ctx_, m, meaning(q.start)));
    if (poc.narrow) c.push_back((*poc.narrow)(w_.current, w_.target, q.observed));
    q.formula = z3::mk_and(c);
    return q;
  }

  z3::context &ctx_;
  const SymbolicWrite &w_;
  unsigned part_bits_;  // a plain store's parts (plain_store=tearN); 64: never split
  Terms x_, used_;
  Terms ignored_;  // per qword: bits left out of the meaning (update-safe, relaxed), else 0
  std::vector<Terms> states_;
};

// What no check models (model_support.h), then what only this query lacks.
std::string unsupported(const models::Model &m) {
  std::string why = unsupported_parameters(m);
  const int g = m.writeback_atomicity_bits;
  if (why.empty() && m.coherency == models::Coherency::Cacheable && g != 0 && (g < 8 || g > 64 || 64 % g != 0))
    why = "writeback_atomicity=" + std::to_string(g) + " does not split a qword into whole granules";
  return why;
}

// The smallest counterexample the solver finds in the time given: fewest
// qwords in which current and target differ, then fewest differing bits,
// then fewest bits set in the current entry.
// Each bound is a cardinality constraint searched by bisection; a query that
// times out keeps the best model so far.
z3::model minimize(z3::context &ctx, const SymbolicWrite &w, z3::solver &s, const ProofOptions &o,
                   size_t &queries) {
  z3::model best = s.get_model();
  if (!o.minimize) return best;
  z3::params p(ctx);
  p.set("timeout", o.minimize_timeout_ms);
  s.set(p);
  z3::expr_vector qwords(ctx), bits(ctx), set(ctx);
  for (size_t q = 0; q < w.current.size(); ++q) {
    z3::expr d = w.current[q] ^ w.target[q];
    qwords.push_back(d != 0);
    for (unsigned b = 0; b < 64; ++b) {
      bits.push_back(d.extract(b, b) == 1);
      set.push_back(w.current[q].extract(b, b) == 1);
    }
  }
  // Last, fewest bits set in the current entry: a readable pair.
  for (const z3::expr_vector *lits : {&qwords, &bits, &set}) {
    auto count = [&](const z3::model &m) {
      unsigned n = 0;
      for (unsigned i = 0; i < lits->size(); ++i) n += m.eval((*lits)[i], true).is_true();
      return n;
    };
    unsigned lo = 0, hi = count(best);
    while (lo < hi) {
      unsigned mid = (lo + hi) / 2;
      s.push();
      s.add(z3::atmost(*lits, mid));
      ++queries;
      z3::check_result c = s.check();
      if (c == z3::sat) {
        best = s.get_model();
        hi = count(best);
      }
      s.pop();
      if (c == z3::unknown) break;
      if (c == z3::unsat) lo = mid + 1;
    }
    s.add(z3::atmost(*lits, hi));  // keep this bound while the next is minimised
  }
  return best;
}

// The ops' get_update_safe, when the property is relaxed by it ("": not relaxed, or none).
std::string update_safe_op(const SymbolicWrite &write, const std::string &used_function, const ProofOptions &o) {
  std::string safe;
  if (o.relax_update_safe)
    for (const std::string &op : write.executed_ops)
      if (op != used_function) safe = op;
  return safe;
}

ProofCounterexample describe(z3::context &ctx, const SymbolicWrite &w, const Prover &prover, const Question &q,
                             const z3::model &m) {
  ProofCounterexample cx;
  cx.current = values(m, w.current);
  cx.target = values(m, w.target);
  cx.property = q.property;
  // The epoch on the pair's path: how many syncs happen up to the span's start.
  cx.epoch = 0;
  for (int i = 0; i <= q.from && i < static_cast<int>(w.steps.size()); ++i)
    cx.epoch += w.steps[i].kind == WriterStep::Kind::Sync && m.eval(w.steps[i].cond, true).is_true();
  if (!q.observed.empty()) {
    cx.observed = values(m, q.observed);
    cx.meaning_observed = values(m, prover.meaning(q.observed));
  }
  cx.meaning_start = values(m, prover.meaning(q.start));
  cx.meaning_end = values(m, prover.meaning(q.end));
  cx.path = WriterEvaluator(ctx, w).steps(cx.current, cx.target);
  for (size_t i = 0; i < cx.current.size(); ++i) {
    cx.differing_qwords += cx.current[i] != cx.target[i];
    cx.differing_bits += __builtin_popcountll(cx.current[i] ^ cx.target[i]);
  }
  return cx;
}

}  // namespace

ProofResult prove_writer(const IrModule &module, z3::context &ctx, const SymbolicWrite &write,
                         const std::string &used_function, const std::string &entry_struct,
                         const models::Model &model,
                         const ProofOptions &options) {
  auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  ProofResult r;
  for (const WriterStep &s : write.steps) {
    ++r.steps;
    r.syncs += s.kind == WriterStep::Kind::Sync;
    r.stores += s.kind == WriterStep::Kind::Store;
  }
  auto done = [&]() -> ProofResult & {
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cpu_seconds = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    return r;
  };
  if (std::string why = unsupported(model); !why.empty()) {
    r.reason = model.name + ": " + why;
    return done();
  }
  // The replay judges with the same cleans (writer_proof_run.cpp).
  r.clean_at_sync = options.clean_at_sync && model.coherency == models::Coherency::Cacheable;
  std::optional<Prover> prover;
  std::vector<Question> questions;
  z3::expr inputs = ctx.bool_val(true);
  std::optional<EntryImage> image_cur, image_tgt;
  try {
    if (options.over == ProofInputSet::MakeImage) {
      image_cur = entry_image(module, ctx, entry_struct, "cur", static_cast<int>(write.current.size()), options.names);
      image_tgt = entry_image(module, ctx, entry_struct, "tgt", static_cast<int>(write.current.size()), options.names);
      r.input_set = "every pair of entries made by " + image_cur->functions() +
                    ", with any parameters (the make functions run from the IR)";
    } else {
      r.input_set = kUsedBitsInputSet;
    }
    r.relaxed_by = update_safe_op(write, used_function, options);
    prover.emplace(module, ctx, write, used_function, models::plain_store_part_bits(model), r.relaxed_by);
    inputs = image_cur ? prover->inputs(&*image_cur, &*image_tgt) : prover->inputs(nullptr, nullptr);
    questions = prover->questions(poc_fetch(model, options));
  } catch (const UnsupportedIR &e) {
    r.reason = std::string("unsupported IR: ") + e.what();
    return done();
  }
  {  // An empty input set would make every query unsat: a vacuous proof.
    z3::solver s(ctx);
    z3::params p(ctx);
    p.set("timeout", options.query_timeout_ms);
    s.set(p);
    s.add(inputs);
    ++r.queries;
    if (z3::check_result c = s.check(); c != z3::sat) {
      r.reason = c == z3::unsat ? "the input set is empty (a proof over it would be vacuous)"
                                : "whether the input set is empty: z3: " + s.reason_unknown();
      return done();
    }
  }
  // Every query as a benchmark, checked in parallel; the lowest sat one is
  // solved again here, where its terms live, for the model to minimise.
  std::vector<std::string> benchmarks;
  for (const Question &q : questions) {
    z3::solver s(ctx);
    s.add(inputs);
    s.add(q.formula);
    r.max_query_nodes = std::max(r.max_query_nodes, dag_nodes(s.assertions()));
    benchmarks.push_back(s.to_smt2());
  }
  auto report = [&](size_t i, const QueryAnswer &a) {
    if (!options.progress) return;
    std::ostringstream line;
    line << questions[i].property << " " << i + 1 << "/" << questions.size() << ": "
         << (a.result == z3::unsat ? "unsat" : a.result == z3::sat ? "sat" : "unknown") << " in " << a.seconds << " s";
    options.progress(line.str());
  };
  std::vector<QueryAnswer> answers = check_queries(benchmarks, options.jobs, options.query_timeout_ms, report);
  std::string unknown;
  for (size_t i = 0; i < questions.size(); ++i) {
    const Question &q = questions[i];
    const QueryAnswer &a = answers[i];
    if (!a.checked) continue;
    ++r.queries;
    r.spans += q.property == "observation" || q.property == "publication";
    if (a.result == z3::unknown && unknown.empty())
      unknown = q.property + " query " + std::to_string(i + 1) + ": z3: " + a.reason;
    if (a.result != z3::sat) continue;
    z3::solver s(ctx);
    z3::params p(ctx);
    p.set("timeout", options.query_timeout_ms);
    s.set(p);
    s.add(inputs);
    s.add(q.formula);
    ++r.queries;
    if (s.check() != z3::sat) {
      r.reason = q.property + " query " + std::to_string(i + 1) + ": sat in a worker, not again: " + s.reason_unknown();
      return done();
    }
    z3::model m = minimize(ctx, write, s, options, r.queries);
    r.counterexample = describe(ctx, write, *prover, q, m);
    if (image_cur) {
      r.counterexample->current_made_by = image_cur->describe(m, write.current);
      r.counterexample->target_made_by = image_tgt->describe_change(m, write.target, *image_cur, write.current);
    }
    r.outcome = ProofOutcome::Counterexample;
    r.reason = q.property + (q.property == "final entry" ? "" : " in epoch " + std::to_string(r.counterexample->epoch));
    return done();
  }
  if (!unknown.empty()) {
    r.reason = unknown;
    return done();
  }
  r.outcome = ProofOutcome::Proved;
  return done();
}

std::optional<z3::expr> any_violation(const IrModule &module, z3::context &ctx, const SymbolicWrite &write,
                                      const std::string &used_function, const models::Model &model,
                                      const ProofOptions &options, std::string &unknown) {
  if (std::string why = unsupported(model); !why.empty()) {
    unknown = model.name + ": " + why;
    return std::nullopt;
  }
  try {
    Prover prover(module, ctx, write, used_function, models::plain_store_part_bits(model),
                  update_safe_op(write, used_function, options));
    z3::expr_vector any(ctx);
    for (const Question &q : prover.questions(poc_fetch(model, options))) any.push_back(q.formula);
    return z3::mk_or(any);
  } catch (const UnsupportedIR &e) {
    unknown = std::string("unsupported IR: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace smmu::checker
