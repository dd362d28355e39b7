#include "engine_set.h"

#include "decompose_engine.h"
#include "explicit_engine.h"
#include "first_deciding_engine.h"
#include "z3_engine.h"

namespace smmu::checker {

std::optional<EngineChoice> engine_choice(std::string_view name) {
  for (EngineChoice c : {EngineChoice::Auto, EngineChoice::Explicit, EngineChoice::Z3, EngineChoice::Decompose,
                         EngineChoice::Both})
    if (name == to_string(c)) return c;
  return std::nullopt;
}

const char *to_string(EngineChoice c) {
  switch (c) {
    case EngineChoice::Auto: return "auto";
    case EngineChoice::Explicit: return "explicit";
    case EngineChoice::Z3: return "z3";
    case EngineChoice::Decompose: return "decompose";
    case EngineChoice::Both: return "both";
  }
  return "?";
}

bool needs_ir(EngineChoice c) { return c != EngineChoice::Explicit; }

EngineSet::EngineSet(EngineChoice choice, const EntrySemantics &semantics)
    : choice_(choice), semantics_(semantics) {
  if (choice != EngineChoice::Explicit) {
    if (choice != EngineChoice::Z3) decompose_ = std::make_unique<DecomposeEngine>(semantics);
    if (choice != EngineChoice::Decompose) z3_ = std::make_unique<Z3Engine>(semantics);
  }
}

EngineSet::~EngineSet() = default;

template <class Judge>
auto EngineSet::per_engine(Judge judge) -> std::vector<decltype(judge(std::declval<Engine &>()))> {
  // A fresh explicit engine per check: it counts the distinct meanings it saw.
  ExplicitEngine explicit_engine(semantics_);
  switch (choice_) {
    case EngineChoice::Explicit: return {judge(explicit_engine)};
    case EngineChoice::Z3: return {judge(*z3_)};
    case EngineChoice::Decompose: return {judge(*decompose_)};
    case EngineChoice::Both: return {judge(explicit_engine), judge(*z3_), judge(*decompose_)};
    case EngineChoice::Auto: break;
  }
  FirstDecidingEngine chain({decompose_.get(), &explicit_engine, z3_.get()});
  return {judge(chain)};
}

std::vector<Verdict> EngineSet::check_each(const harness::Trace &trace, const models::Model &model,
                                           const CheckOptions &options) {
  auto by_engine = per_engine(
      [&](Engine &e) { return check_each_update(trace, model, e, semantics_, options); });
  if (by_engine.size() == 1) return std::move(by_engine.front());
  std::vector<Verdict> out;
  for (size_t i = 0; i < by_engine.front().size(); ++i) {
    std::vector<Verdict> same_update;
    for (const auto &each : by_engine) same_update.push_back(each[i]);
    out.push_back(agree(same_update));
  }
  return out;
}

Verdict EngineSet::check_trace(const harness::Trace &trace, const models::Model &model,
                               const CheckOptions &options) {
  return agree(per_engine([&](Engine &e) { return checker::check_trace(trace, model, e, semantics_, options); }));
}

Verdict agree(const std::vector<Verdict> &verdicts) {
  const Verdict *first = nullptr;
  std::string names, answers;
  bool disagree = false;
  for (const Verdict &v : verdicts) {
    if (v.outcome == Outcome::Unknown) continue;
    if (!first) first = &v;
    disagree |= v.outcome != first->outcome || v.kind != first->kind;
    names += (names.empty() ? "" : "+") + v.engine;
    answers += (answers.empty() ? "" : ", ") + v.engine + " says " + to_string(v.outcome);
    if (v.outcome == Outcome::Violation) answers += std::string(" (") + to_string(v.kind) + ")";
  }
  if (!first) return verdicts.front();
  Verdict out = *first;
  out.engine = names;
  if (disagree) {
    out.outcome = Outcome::Unknown;
    out.kind = ViolationKind::None;
    out.reason = "the engines disagree: " + answers;
  }
  return out;
}

}  // namespace smmu::checker
