// Which engines judge an STE/CD update, and how their verdicts combine.
// auto (the default): each epoch goes to decompose, then explicit, then z3,
// and the first that decides answers (first_deciding_engine.h). both: every
// engine judges every update; where two that decide disagree the verdict is
// unknown, naming each answer. explicit, z3, decompose: that engine alone.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "check_update.h"

namespace smmu::checker {

class DecomposeEngine;
class Z3Engine;

enum class EngineChoice { Auto, Explicit, Z3, Decompose, Both };
std::optional<EngineChoice> engine_choice(std::string_view name);
const char *to_string(EngineChoice c);
// Every choice but explicit reads get_used's LLVM IR.
bool needs_ir(EngineChoice c);

class EngineSet {
 public:
  EngineSet(EngineChoice choice, const EntrySemantics &semantics);
  ~EngineSet();
  std::vector<Verdict> check_each(const harness::Trace &trace, const models::Model &model,
                                  const CheckOptions &options = {});
  Verdict check_trace(const harness::Trace &trace, const models::Model &model, const CheckOptions &options = {});

 private:
  // `judge` once per engine the choice runs (one for all but both), each
  // result in the engines' order.
  template <class Judge>
  auto per_engine(Judge judge) -> std::vector<decltype(judge(std::declval<Engine &>()))>;

  EngineChoice choice_;
  const EntrySemantics &semantics_;
  // Kept across checks: each caches what it derives from the IR.
  std::unique_ptr<DecomposeEngine> decompose_;
  std::unique_ptr<Z3Engine> z3_;
};

// The verdict of several engines on one update or trace: the one that all
// engines that decided agree on (outcome and kind), its engine "a+b+c"; else
// unknown naming each engine's answer. None decided: the first's unknown.
Verdict agree(const std::vector<Verdict> &verdicts);

}  // namespace smmu::checker
