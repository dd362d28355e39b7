// Independent solver queries on several threads: each query is an SMT-LIB2
// benchmark (text, so no Z3 term crosses a thread) checked in a context of
// its own worker. A Z3 context is single-threaded; the text is the handover.
#pragma once

#include <z3++.h>

#include <functional>
#include <string>
#include <vector>

namespace smmu::checker {

struct QueryAnswer {
  bool checked = false;  // false: skipped, an earlier query was sat
  z3::check_result result = z3::unknown;
  std::string reason;    // unknown: the solver's reason (or the parse error)
  double seconds = 0;
};

// Checks the queries in index order on `jobs` threads (0: one per hardware
// thread). Once query i is sat, queries after i not yet started are skipped,
// so the lowest sat index is always checked. `done` (called under a lock)
// sees each answer as it comes.
std::vector<QueryAnswer> check_queries(const std::vector<std::string> &smt2, unsigned jobs, unsigned timeout_ms,
                                       const std::function<void(size_t, const QueryAnswer &)> &done = {});

}  // namespace smmu::checker
