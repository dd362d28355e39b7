// The checker on the real 6.12 STE/CD writer, driven by the tree's KUnit
// cases: known-good updates pass, seeded bugs are caught with the right kind,
// byte tearing is reported for the right reasons, and the engines agree.
#include <gtest/gtest.h>

#include <algorithm>

#include "check_update.h"
#include "explicit_engine.h"
#include "fault_injection.h"
#include "kernel_semantics.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "z3_engine.h"

using namespace smmu;
using checker::Outcome;
using checker::ViolationKind;

namespace {

const checker::EntrySemantics &semantics() {
  static checker::EntrySemantics s = smmu::checks::kernel_semantics(smmu::testing::kernel("6.12"), true);
  return s;
}

checker::Verdict check(const harness::Trace &t, const std::string &model, bool z3 = false,
                       bool clean_at_sync = false) {
  static checker::Z3Engine z3_engine(semantics());
  checker::ExplicitEngine explicit_engine(semantics());
  checker::Engine &e = z3 ? static_cast<checker::Engine &>(z3_engine) : explicit_engine;
  return checker::check_trace(t, models::resolve_model(model), e, semantics(), {clean_at_sync});
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto &c : smmu::testing::kernel("6.12").kunit_cases()) names.push_back(c.name);
  return names;
}

harness::Trace trace_of(const std::string &name) { return smmu::testing::run_case("6.12", name).trace; }

int max_syncs_per_update(const harness::Trace &t) {
  int n = 0;
  for (const auto &u : checker::extract_entry_updates(t)) n = std::max(n, u.syncs);
  return n;
}

std::string param_name(const ::testing::TestParamInfo<std::string> &info) {
  return info.param.substr(std::string("arm_smmu_v3_write_").size());
}

class KunitTransition : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(KunitTransition, PassesUnderCoherentAndNcWithBothEngines) {
  harness::Trace t = trace_of(GetParam());
  for (const char *model : {"coherent", "nc"})
    for (bool z3 : {false, true}) {
      checker::Verdict v = check(t, model, z3);
      EXPECT_EQ(v.outcome, Outcome::Pass) << model << (z3 ? " z3: " : " explicit: ") << v.reason;
      EXPECT_GT(v.explored, 0u);
    }
}

TEST_P(KunitTransition, DroppingOrMergingTheFirstSyncIsCaught) {
  harness::Trace t = trace_of(GetParam());
  bool multi_step = max_syncs_per_update(t) >= 2;
  for (auto fault : {harness::Fault::DropSync, harness::Fault::MergeSteps}) {
    harness::Trace bad = t;
    if (!harness::inject(bad, fault, 1)) continue;  // merging needs a second sync
    checker::Verdict v = check(bad, "coherent");
    ASSERT_EQ(v.outcome, Outcome::Violation) << harness::to_string(fault);
    // Multi-step updates mix the first step's stores with the next one's; a
    // one-step update simply never publishes its store.
    EXPECT_EQ(v.kind, multi_step ? ViolationKind::Misordered : ViolationKind::Stale)
        << harness::to_string(fault) << ": " << v.reason;
  }
}

TEST_P(KunitTransition, SwappingTheFirstTwoStepsIsCaught) {
  harness::Trace t = trace_of(GetParam());
  if (max_syncs_per_update(t) < 2) GTEST_SKIP() << "a one-step update has no second step";
  ASSERT_TRUE(harness::inject(t, harness::Fault::SwapSteps, 1));
  checker::Verdict v = check(t, "coherent");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Misordered) << v.reason;
}

// A WRITE_ONCE turned into a plain store that the compiler may split in two
// halves: torn exactly when some mix of the store's halves means something else.
TEST_P(KunitTransition, TornPlainStoreIsReportedOnlyWhereHalvesMatter) {
  harness::Trace t = trace_of(GetParam());
  for (int k = 1;; ++k) {
    harness::Trace bad = t;
    if (!harness::inject(bad, harness::Fault::TearStore, k)) break;
    const harness::Event *store = nullptr;
    for (const auto &e : bad.events)
      if (e.kind == harness::EventKind::Store && e.store == harness::StoreKind::Plain) store = &e;
    ASSERT_NE(store, nullptr);
    bool both_halves_change = ((store->old_value ^ store->value) & 0xffffffffull) &&
                              ((store->old_value ^ store->value) >> 32);
    checker::Verdict v = check(bad, "coherent+plain-tear32");
    checker::Verdict z = check(bad, "coherent+plain-tear32", true);
    EXPECT_EQ(v.outcome, z.outcome) << "store " << k;
    if (!both_halves_change) EXPECT_EQ(v.outcome, Outcome::Pass) << "store " << k << " changes one half";
    if (v.outcome == Outcome::Violation) {
      EXPECT_TRUE(both_halves_change);
      EXPECT_EQ(v.kind, ViolationKind::Torn) << v.reason;
    }
    EXPECT_EQ(check(bad, "coherent").outcome, Outcome::Pass) << "without tearing the bug is benign";
  }
}

TEST_P(KunitTransition, EnginesAgreeAtQwordGranularity) {
  harness::Trace t = trace_of(GetParam());
  std::vector<harness::Trace> variants{t};
  for (auto fault : {harness::Fault::DropSync, harness::Fault::SwapSteps})
    for (int k = 1; k <= 2; ++k) {
      harness::Trace bad = t;
      if (harness::inject(bad, fault, k)) variants.push_back(bad);
    }
  for (const auto &v : variants)
    for (const char *model : {"coherent", "nc", "cacheable-64", "cacheable-line"}) {
      checker::Verdict e = check(v, model), z = check(v, model, true);
      EXPECT_EQ(e.outcome, z.outcome) << model << ": explicit " << e.reason << " / z3 " << z.reason;
      if (e.outcome == Outcome::Violation && z.outcome == Outcome::Violation)
        EXPECT_EQ(e.kind, z.kind) << model;
    }
}

// Without cache maintenance, descriptors in cacheable memory are never
// guaranteed to reach the point of coherency: every 6.12 update is stale.
TEST_P(KunitTransition, CacheableWithoutCleansIsStale) {
  checker::Verdict v = check(trace_of(GetParam()), "cacheable-64");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Stale);
}

INSTANTIATE_TEST_SUITE_P(Kunit612, KunitTransition, ::testing::ValuesIn(case_names()), param_name);

// With a clean before each sync, byte-granular write-back tears exactly the
// updates whose critical step changes a multi-byte field.
TEST(CacheableByte, OneByteCriticalChangeCannotBeTorn) {
  for (const char *name : {"arm_smmu_v3_write_ste_test_bypass_to_abort",
                           "arm_smmu_v3_write_ste_test_abort_to_s2"}) {
    checker::Verdict e = check(trace_of(name), "cacheable-byte", false, true);
    checker::Verdict z = check(trace_of(name), "cacheable-byte", true, true);
    EXPECT_EQ(e.outcome, Outcome::Pass) << name << ": " << e.reason;
    EXPECT_EQ(z.outcome, Outcome::Pass) << name << ": " << z.reason;
  }
}

TEST(CacheableByte, AsidChangeIsTornIntoAThirdAsid) {
  harness::Trace t = trace_of("arm_smmu_v3_write_cd_test_s1_change_asid");
  for (bool z3 : {false, true}) {
    checker::Verdict v = check(t, "cacheable-byte", z3, true);
    ASSERT_EQ(v.outcome, Outcome::Violation);
    EXPECT_EQ(v.kind, ViolationKind::Torn);
    // CTXDESC_CD_0_ASID is bits 63:48 of qword 0; the test uses ASIDs 778 and 1997.
    uint64_t asid = v.witness.observed[0] >> 48;
    EXPECT_NE(asid, 778u);
    EXPECT_NE(asid, 1997u);
    EXPECT_EQ(v.witness.observed[0] & 0xffffffffffffull, v.witness.start[0] & 0xffffffffffffull)
        << "only the ASID bytes differ";
  }
}

TEST(CacheableByte, PointerChangeInAnS1ToS2SwitchIsTorn) {
  harness::Trace t = trace_of("arm_smmu_v3_write_ste_test_s1_to_s2");
  checker::Verdict e = check(t, "cacheable-byte", false, true);
  checker::Verdict z = check(t, "cacheable-byte", true, true);
  ASSERT_EQ(e.outcome, Outcome::Violation) << e.reason;
  EXPECT_EQ(e.kind, ViolationKind::Torn);
  EXPECT_EQ(z.outcome, Outcome::Violation) << z.reason;
}

TEST(ExplicitBound, AnEpochBeyondTheBoundIsUnknownNeverPass) {
  harness::Trace t = trace_of("arm_smmu_v3_write_cd_test_s1_clear");
  checker::ExplicitEngine tiny(semantics(), 8);
  checker::Verdict v =
      checker::check_trace(t, models::resolve_model("cacheable-byte"), tiny, semantics(), {true});
  EXPECT_EQ(v.outcome, Outcome::Unknown);
  EXPECT_NE(v.reason.find("exceed the explicit bound"), std::string::npos) << v.reason;
  EXPECT_NE(check(t, "cacheable-byte", true, true).outcome, Outcome::Unknown);
}

TEST(Z3Engine, WithoutIrItSaysUnknown) {
  checker::EntrySemantics no_ir = semantics();
  no_ir.ir.clear();
  checker::Z3Engine z3(no_ir);
  checker::Verdict v = checker::check_trace(trace_of("arm_smmu_v3_write_ste_test_bypass_to_abort"),
                                            models::resolve_model("coherent"), z3, no_ir);
  EXPECT_EQ(v.outcome, Outcome::Unknown);
  EXPECT_NE(v.reason.find("get_used could not be translated"), std::string::npos) << v.reason;
}

TEST(ModelParameters, DoorbellDsbIsUnknownNeverPass) {
  models::Model m = models::resolve_model("coherent");
  m.doorbell = models::Doorbell::Dsb;
  checker::ExplicitEngine e(semantics());
  checker::Verdict v =
      checker::check_trace(trace_of("arm_smmu_v3_write_ste_test_bypass_to_abort"), m, e, semantics());
  EXPECT_EQ(v.outcome, Outcome::Unknown);
  EXPECT_NE(v.reason.find("doorbell=dsb"), std::string::npos) << v.reason;
}

TEST(ModelParameters, CmoOnlyEvictionPublishesNothingWithoutAClean) {
  models::Model m = models::resolve_model("cacheable-64");
  m.eviction = models::Eviction::CmoOnly;
  harness::Trace t = trace_of("arm_smmu_v3_write_ste_test_bypass_to_abort");
  checker::ExplicitEngine e(semantics());
  checker::Verdict v = checker::check_trace(t, m, e, semantics());
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Stale);
  for (const auto &p : v.witness.parts) EXPECT_EQ(p.trace_index, -1) << "only the entry before the update is at PoC";
  // A clean at each sync publishes each step whole under 64-bit write-back.
  checker::ExplicitEngine e2(semantics());
  EXPECT_EQ(checker::check_trace(t, m, e2, semantics(), {true}).outcome, Outcome::Pass);
}
