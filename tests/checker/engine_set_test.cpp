// How engines combine: agreement of several (--engine both) and the default
// chain (--engine auto), on synthetic verdicts and engines, and on the real
// writers of 6.12, 7.3 and 6.1, where the three engines must never disagree.
#include <gtest/gtest.h>

#include "engine_set.h"
#include "first_deciding_engine.h"
#include "kernel_fixture.h"
#include "kernel_semantics.h"
#include "model_registry.h"

using namespace smmu;
using checker::EngineChoice;
using checker::Outcome;
using checker::Verdict;
using checker::ViolationKind;

namespace {

Verdict verdict(const char *engine, Outcome o, ViolationKind k = ViolationKind::None) {
  Verdict v;
  v.engine = engine;
  v.outcome = o;
  v.kind = k;
  v.reason = std::string(engine) + "'s reason";
  return v;
}

TEST(Agree, EveryEngineThatDecidedIsNamed) {
  Verdict v = checker::agree({verdict("explicit", Outcome::Violation, ViolationKind::Torn),
                              verdict("z3", Outcome::Unknown),
                              verdict("decompose", Outcome::Violation, ViolationKind::Torn)});
  EXPECT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Torn);
  EXPECT_EQ(v.engine, "explicit+decompose");
  EXPECT_EQ(v.reason, "explicit's reason") << "the first deciding engine's verdict, with its witness";
}

TEST(Agree, ADifferentOutcomeOrKindIsUnknownNamingEachAnswer) {
  Verdict outcome = checker::agree({verdict("explicit", Outcome::Pass), verdict("z3", Outcome::Pass),
                                    verdict("decompose", Outcome::Violation, ViolationKind::Stale)});
  EXPECT_EQ(outcome.outcome, Outcome::Unknown);
  EXPECT_EQ(outcome.reason,
            "the engines disagree: explicit says pass, z3 says pass, decompose says violation (stale)");
  Verdict kind = checker::agree({verdict("explicit", Outcome::Violation, ViolationKind::Torn),
                                 verdict("z3", Outcome::Violation, ViolationKind::Misordered)});
  EXPECT_EQ(kind.outcome, Outcome::Unknown);
  EXPECT_EQ(kind.kind, ViolationKind::None);
}

TEST(Agree, NoneDecidedIsTheFirstUnknown) {
  Verdict v = checker::agree({verdict("explicit", Outcome::Unknown), verdict("z3", Outcome::Unknown)});
  EXPECT_EQ(v.outcome, Outcome::Unknown);
  EXPECT_EQ(v.reason, "explicit's reason");
}

// An engine that answers every epoch alike.
struct FixedEngine : checker::Engine {
  FixedEngine(const char *n, Outcome o) : n(n), o(o) {}
  const char *name() const override { return n; }
  checker::EpochAnswer decide(const checker::EpochQuery &) override {
    ++asked;
    checker::EpochAnswer a;
    a.outcome = o;
    a.explored = 1;
    if (o == Outcome::Unknown) a.reason = std::string(n) + " declines";
    return a;
  }
  const char *n;
  Outcome o;
  int asked = 0;
};

TEST(FirstDecidingEngine, TheFirstThatDecidesAnswersAndIsNamed) {
  FixedEngine a("a", Outcome::Unknown), b("b", Outcome::Pass), c("c", Outcome::Violation);
  checker::FirstDecidingEngine chain({&a, &b, &c});
  EXPECT_STREQ(chain.name(), "a");
  checker::EpochAnswer x = chain.decide({});
  EXPECT_EQ(x.outcome, Outcome::Pass);
  EXPECT_EQ(x.explored, 2u);
  EXPECT_EQ(c.asked, 0) << "engines after the deciding one are not asked";
  EXPECT_STREQ(chain.name(), "b");
}

TEST(FirstDecidingEngine, UnknownOnlyWhenEveryEngineDeclinesWithEachReason) {
  FixedEngine a("a", Outcome::Unknown), b("b", Outcome::Unknown);
  checker::FirstDecidingEngine chain({&a, &b});
  checker::EpochAnswer x = chain.decide({});
  EXPECT_EQ(x.outcome, Outcome::Unknown);
  EXPECT_EQ(x.reason, "a declines; b declines");
}

// Every model of the registry's presets, with and without the tearing modifiers.
std::vector<models::Model> every_model() {
  std::vector<models::Model> out;
  for (const auto &p : models::preset_names())
    for (const char *mod : {"", "+plain-tear32"}) out.push_back(models::resolve_model(p + mod));
  return out;
}

// The three engines on every update of `traces`: no disagreement; the
// default chain gives the verdict of the three; counts what was decided.
void expect_engines_agree(const checker::EntrySemantics &sem, const std::vector<harness::Trace> &traces,
                          int &violations, int &passes) {
  checker::EngineSet both(EngineChoice::Both, sem), chain(EngineChoice::Auto, sem);
  for (const auto &m : every_model())
    for (bool clean : {false, true})
      for (const auto &t : traces) {
        std::vector<Verdict> all = both.check_each(t, m, {clean});
        std::vector<Verdict> first = chain.check_each(t, m, {clean});
        ASSERT_EQ(all.size(), first.size());
        for (size_t i = 0; i < all.size(); ++i) {
          EXPECT_EQ(all[i].reason.find("disagree"), std::string::npos) << m.name << ": " << all[i].reason;
          EXPECT_NE(first[i].outcome, Outcome::Unknown) << m.name << ": " << first[i].reason;
          EXPECT_EQ(first[i].outcome, all[i].outcome) << m.name << " " << first[i].engine << " vs " << all[i].engine;
          EXPECT_EQ(first[i].kind, all[i].kind) << m.name;
          violations += all[i].outcome == Outcome::Violation;
          passes += all[i].outcome == Outcome::Pass;
        }
      }
}

std::vector<harness::Trace> kunit_traces(const harness::KernelRunner &k) {
  std::vector<harness::Trace> out;
  for (const auto &c : k.kunit_cases()) out.push_back(k.run(c).trace);
  return out;
}

TEST(EngineSet, ThreeEnginesAgreeOnEvery612KunitUpdate) {
  const auto &k = smmu::testing::kernel("6.12");
  int violations = 0, passes = 0;
  expect_engines_agree(checks::kernel_semantics(k, true), kunit_traces(k), violations, passes);
  EXPECT_GT(violations, 0) << "the cacheable models without cleans must find stale entries";
  EXPECT_GT(passes, 0);
}

TEST(EngineSet, ThreeEnginesAgreeOnEvery73KunitUpdate) {
  TREE_OR_SKIP(root, "7.3");
  const auto &k = smmu::testing::kernel_at(root);
  int violations = 0, passes = 0;
  expect_engines_agree(checks::kernel_semantics(k, true), kunit_traces(k), violations, passes);
  EXPECT_GT(violations, 0);
  EXPECT_GT(passes, 0);
}

// 6.1 has no get_used: the conservative one the slice provides (every bit of
// a valid entry) is what all three engines read.
TEST(EngineSet, ThreeEnginesAgreeOn61WriterScenarios) {
  const auto &k = smmu::testing::kernel("6.1");
  std::vector<harness::Trace> traces;
  for (const auto &c : k.scenarios()) {
    harness::RunResult r = k.run(c);
    if (r.trace.count(harness::EventKind::UpdateBegin)) traces.push_back(r.trace);
  }
  ASSERT_FALSE(traces.empty());
  int violations = 0, passes = 0;
  expect_engines_agree(checks::kernel_semantics(k, true, true), traces, violations, passes);
  EXPECT_GT(passes, 0);
}

// The default decides the 64-byte V=0 CD step under cacheable-byte (2^64
// observations: enumeration declines) and names the engine that did.
TEST(EngineSet, TheDefaultDecidesWhereEnumerationDeclines) {
  const auto &k = smmu::testing::kernel("6.12");
  checker::EntrySemantics sem = checks::kernel_semantics(k, true);
  std::vector<uint64_t> before(8, 0), after(8, 0x5a5a5a5a5a5a5a5aull & ~1ull);  // V (bit 0 of q0) stays 0
  harness::Trace t = smmu::testing::one_step_update(harness::DescKind::Cd, before, after, 8);
  models::Model byte = models::resolve_model("cacheable-byte");
  Verdict explicit_only = checker::EngineSet(EngineChoice::Explicit, sem).check_trace(t, byte, {true});
  EXPECT_EQ(explicit_only.outcome, Outcome::Unknown);
  Verdict v = checker::EngineSet(EngineChoice::Auto, sem).check_trace(t, byte, {true});
  EXPECT_EQ(v.outcome, Outcome::Pass) << v.reason;
  EXPECT_EQ(v.engine, "decompose");
}

// Without IR (it did not compile) the default still decides, by enumeration,
// and the engines that need IR say why they could not.
TEST(EngineSet, WithoutIrTheDefaultEnumeratesAndTheOthersSayWhy) {
  checker::EntrySemantics sem = checks::kernel_semantics(smmu::testing::kernel("6.12"), false);
  sem.no_ir = "compiling arm-smmu-v3 to LLVM IR failed";
  const auto &k = smmu::testing::kernel("6.12");
  harness::Trace t = kunit_traces(k).front();
  models::Model coherent = models::resolve_model("coherent");
  Verdict v = checker::EngineSet(EngineChoice::Auto, sem).check_trace(t, coherent);
  EXPECT_NE(v.outcome, Outcome::Unknown) << v.reason;
  EXPECT_EQ(v.engine, "explicit");
  Verdict z = checker::EngineSet(EngineChoice::Z3, sem).check_trace(t, coherent);
  EXPECT_EQ(z.outcome, Outcome::Unknown);
  EXPECT_NE(z.reason.find("no LLVM IR of get_used: compiling arm-smmu-v3"), std::string::npos) << z.reason;
}

}  // namespace
