#include "change_conditions.h"

#include <algorithm>
#include <chrono>

#include "entry_image.h"

namespace smmu::checker {

ChangeConditions change_conditions(const IrModule &module, z3::context &ctx, const SymbolicWrite &write,
                                   const std::string &used_function, const std::string &entry_struct,
                                   const models::Model &model, const ProofOptions &options, bool pairs,
                                   const std::string &only_maker) {
  auto t0 = std::chrono::steady_clock::now();
  ChangeConditions out;
  auto done = [&]() -> ChangeConditions & {
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
  };
  std::optional<z3::expr> violation = any_violation(module, ctx, write, used_function, model, options, out.unknown);
  if (!violation) return done();
  std::optional<EntryImage> cur, tgt;
  try {
    const int qwords = static_cast<int>(write.current.size());
    cur = entry_image(module, ctx, entry_struct, "cur", qwords, options.names);
    tgt = entry_image(module, ctx, entry_struct, "tgt", qwords, options.names);
  } catch (const UnsupportedIR &e) {
    out.unknown = std::string("the make functions' image: ") + e.what();
    return done();
  }
  z3::params timeout(ctx);
  timeout.set("timeout", options.query_timeout_ms);
  for (size_t m = 0; m < cur->makers.size(); ++m) {
    const MadeEntry &a = cur->makers[m], &b = tgt->makers[m];
    if (a.function.empty()) continue;  // the zero entry has no parameters
    if (!only_maker.empty() && a.function != only_maker) continue;
    z3::expr_vector made(ctx);
    made.push_back(a.assumptions);
    made.push_back(b.assumptions);
    for (size_t q = 0; q < write.current.size(); ++q) {
      made.push_back(write.current[q] == a.entry[q]);
      made.push_back(write.target[q] == b.entry[q]);
    }
    // One question: can a fetch see a wrong entry when only `changed` differ?
    auto ask = [&](const std::vector<size_t> &changed) {
      ChangeCondition row{a.function, "", 0};
      z3::solver s(ctx);
      s.set(timeout);
      s.add(z3::mk_and(made));
      z3::expr_vector differ(ctx);  // per byte of the changed parameters: it differs
      for (size_t k = 0; k < a.parameters.size(); ++k) {
        const z3::expr &x = a.parameters[k].value, &y = b.parameters[k].value;
        if (std::find(changed.begin(), changed.end(), k) == changed.end()) {
          s.add(x == y);
          continue;
        }
        const unsigned width = x.get_sort().bv_size();
        row.parameter += (row.parameter.empty() ? "" : " + ") + a.parameters[k].name;
        row.bytes += static_cast<int>((width + 7) / 8);
        for (unsigned lo = 0; lo < width; lo += 8) {
          unsigned hi = std::min(lo + 8, width) - 1;
          differ.push_back(x.extract(hi, lo) != y.extract(hi, lo));
        }
      }
      s.add(*violation);
      ++out.queries;
      z3::check_result c = s.check();
      if (c != z3::sat) {
        row.outcome = c == z3::unsat ? ProofOutcome::Proved : ProofOutcome::Unknown;
        if (c == z3::unknown) row.reason = "z3: " + s.reason_unknown();
        return row;
      }
      // The fewest differing bytes, by bisection; an unsat bound proves fewer safe.
      z3::model best = s.get_model();
      auto count = [&](const z3::model &md) {
        int n = 0;
        for (unsigned i = 0; i < differ.size(); ++i) n += md.eval(differ[i], true).is_true();
        return n;
      };
      // Each changed parameter differs in a byte at least: with one unchanged
      // the change is a smaller one, asked before and proved safe (pairs are
      // only asked of parameters safe alone).
      int lo = static_cast<int>(changed.size()), hi = count(best);
      while (lo < hi) {
        int mid = (lo + hi) / 2;
        s.push();
        s.add(z3::atmost(differ, static_cast<unsigned>(mid)));
        ++out.queries;
        z3::check_result r = s.check();
        if (r == z3::sat) best = s.get_model();
        s.pop();
        if (r == z3::sat) {
          hi = count(best);
        } else if (r == z3::unsat) {
          lo = mid + 1;
        } else {
          row.reason = "fewer than " + std::to_string(hi) + " bytes not decided: z3: " + s.reason_unknown();
          break;
        }
      }
      row.outcome = ProofOutcome::Counterexample;
      row.min_bytes = hi;
      for (size_t q = 0; q < write.current.size(); ++q) {
        row.current.push_back(best.eval(write.current[q], true).get_numeral_uint64());
        row.target.push_back(best.eval(write.target[q], true).get_numeral_uint64());
      }
      const size_t first = changed.front();
      row.from = best.eval(a.parameters[first].value, true).get_numeral_uint64();
      row.to = best.eval(b.parameters[first].value, true).get_numeral_uint64();
      return row;
    };
    std::vector<size_t> safe;
    for (size_t j = 0; j < a.parameters.size(); ++j) {
      out.rows.push_back(ask({j}));
      if (out.rows.back().outcome == ProofOutcome::Proved) safe.push_back(j);
    }
    // Pairs of parameters each safe alone: only those that are not safe together are rows.
    if (pairs)
      for (size_t x = 0; x < safe.size(); ++x)
        for (size_t y = x + 1; y < safe.size(); ++y) {
          ChangeCondition row = ask({safe[x], safe[y]});
          if (row.outcome == ProofOutcome::Proved) ++out.safe_pairs;
          else out.rows.push_back(std::move(row));
        }
  }
  if (out.rows.empty() && !only_maker.empty())
    out.unknown = "no make function named " + only_maker + " makes a struct " + entry_struct + " (" + cur->functions() + ")";
  return done();
}

}  // namespace smmu::checker
