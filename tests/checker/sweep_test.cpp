// The sweep: STE/CD pairs from parameter grids, built by the tree's make
// functions and written by the production writer (real CFGI + CMD_SYNC).
#include <gtest/gtest.h>

#include <map>

#include "check_update.h"
#include "explicit_engine.h"
#include "kernel_semantics.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "sweep_run.h"
#include "z3_engine.h"

using namespace smmu;
using checker::Outcome;

namespace {

const checker::EntrySemantics &semantics() {
  static checker::EntrySemantics s = smmu::checks::kernel_semantics(smmu::testing::kernel("6.12"), true);
  return s;
}

const harness::Trace &sweep(const std::string &name) {
  static std::map<std::string, harness::Trace> traces;
  auto it = traces.find(name);
  if (it == traces.end()) {
    harness::RunResult r = smmu::testing::run_case("6.12", name);
    EXPECT_EQ(r.status, harness::RunStatus::Pass);
    it = traces.emplace(name, std::move(r.trace)).first;
  }
  return it->second;
}

// Verdict per "FROM -> TO" label.
std::map<std::string, checker::Verdict> verdicts(const std::string &scenario, const std::string &model,
                                                 bool z3, bool clean_at_sync = false) {
  const harness::Trace &t = sweep(scenario);
  checker::ExplicitEngine ex(semantics());
  checker::Z3Engine zz(semantics());
  checker::Engine &e = z3 ? static_cast<checker::Engine &>(zz) : ex;
  auto each = checker::check_each_update(t, models::resolve_model(model), e, semantics(), {clean_at_sync});
  auto updates = checker::extract_entry_updates(t);
  std::map<std::string, checker::Verdict> out;
  for (size_t i = 0; i < each.size(); ++i) out[updates[i].label] = each[i];
  return out;
}

class Sweep : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Sweep, EveryPairIsWrittenAndSynced) {
  auto updates = checker::extract_entry_updates(sweep(GetParam()));
  EXPECT_GT(updates.size(), 50u);
  for (const auto &u : updates) {
    EXPECT_NE(u.label.find(" -> "), std::string::npos);
    EXPECT_FALSE(u.abstract_syncs) << u.label << ": the production writer issues CFGI + CMD_SYNC";
    EXPECT_GE(u.syncs, 1) << u.label;
  }
}

TEST_P(Sweep, EveryPairPassesUnderCoherentAndNc) {
  for (const char *model : {"coherent", "nc"})
    for (const auto &[label, v] : verdicts(GetParam(), model, false))
      EXPECT_EQ(v.outcome, Outcome::Pass) << label << " under " << model << ": " << v.reason;
}

TEST_P(Sweep, EnginesAgreeAtQwordGranularity) {
  for (const char *model : {"coherent", "cacheable-64", "coherent+plain-tear32"}) {
    auto e = verdicts(GetParam(), model, false, true), z = verdicts(GetParam(), model, true, true);
    ASSERT_EQ(e.size(), z.size());
    for (const auto &[label, v] : e) {
      EXPECT_EQ(v.outcome, z[label].outcome) << label << " under " << model;
      EXPECT_NE(v.outcome, Outcome::Unknown) << label;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Real612, Sweep, ::testing::Values("sweep_ste_pairs", "sweep_cd_pairs"));

// Byte-granular write-back (with a clean before each sync) tears a field only
// when the update changes more than one of its bytes in one step.
TEST(SweepCacheableByte, OneByteChangesPassAndMultiByteChangesAreTorn) {
  auto ste = verdicts("sweep_ste_pairs", "cacheable-byte", true, true);
  auto cd = verdicts("sweep_cd_pairs", "cacheable-byte", true, true);
  for (const char *label : {"cdtable -> cdtable.ptr-1byte", "s2.vmid1 -> s2.vmid1.ttb-1byte"})
    EXPECT_EQ(ste.at(label).outcome, Outcome::Pass) << label << ": " << ste.at(label).reason;
  for (const char *label : {"cdtable -> cdtable.ptr-nbytes", "s2.vmid1 -> s2.vmid1.ttb-nbytes",
                            "s2.vmid1 -> s2.vmid65535"}) {
    EXPECT_EQ(ste.at(label).outcome, Outcome::Violation) << label;
    EXPECT_EQ(ste.at(label).kind, checker::ViolationKind::Torn) << label;
  }
  // ASID 1 -> 2 changes one byte; 1 -> 256 changes two (0x0001 -> 0x0100).
  EXPECT_EQ(cd.at("cd.asid1 -> cd.asid2").outcome, Outcome::Pass);
  EXPECT_EQ(cd.at("cd.asid1 -> cd.asid256").kind, checker::ViolationKind::Torn);
  EXPECT_EQ(cd.at("cd.asid1 -> cd.asid1.ttb-1byte").outcome, Outcome::Pass);
  EXPECT_EQ(cd.at("cd.asid1 -> cd.asid1.ttb-nbytes").kind, checker::ViolationKind::Torn);
}

// The text of 'smmu-check sweep' says a note many pairs rest on once: with
// --clean-at-sync every cacheable verdict assumes the clean, and the first
// pair that does not pass says so; the others do not repeat it.
TEST(SweepNotes, ANoteSharedByManyPairsIsSaidOnce) {
  checks::SweepOptions o;
  o.clean_at_sync = true;
  const checks::SweepResult r =
      checks::run_sweep(smmu::testing::kernel("6.12"), {models::resolve_model("cacheable-byte")}, o);
  const std::string note = "note: each sync is assumed to clean the entry to PoC first (--clean-at-sync)";
  size_t violations = 0, said = 0;
  for (const auto &d : r.details) {
    violations += d.rfind("violation", 0) == 0;
    for (size_t at = d.find(note); at != std::string::npos; at = d.find(note, at + 1)) ++said;
  }
  EXPECT_GT(violations, 1u);
  EXPECT_EQ(said, 1u);
}
