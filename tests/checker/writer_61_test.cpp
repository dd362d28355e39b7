// The checker on the real 6.1 writers (arm_smmu_write_strtab_ent,
// arm_smmu_write_ctx_desc) through the scenario drivers of scenarios_61.c,
// with the glue's conservative used bits (6.1 has no get_used): updates that
// must hold do, seeded bugs are caught with their kind, 6.1's plain 64-bit
// stores tear under +plain-tear32, both engines agree, and
// `smmu-check kernel --debian 6.1` meets cases/expect-6.1.txt.
#include <gtest/gtest.h>

#include <fstream>

#include "check_update.h"
#include "explicit_engine.h"
#include "fault_injection.h"
#include "kernel_fixture.h"
#include "kernel_semantics.h"
#include "model_registry.h"
#include "z3_engine.h"

using namespace smmu;
using checker::Outcome;
using checker::ViolationKind;
using harness::DescKind;
using harness::EventKind;

namespace {

const char *kNote = "6.1 has no used-bits analysis: every bit of a valid entry counts";

const checker::EntrySemantics &semantics() {
  static checker::EntrySemantics s = checks::kernel_semantics(smmu::testing::kernel("6.1"), true, true);
  return s;
}

harness::Trace trace_of(const std::string &scenario) {
  harness::RunResult r = smmu::testing::run_case("6.1", scenario);
  EXPECT_EQ(r.status, harness::RunStatus::Pass) << scenario;
  return r.trace;
}

// One verdict per update of the trace, with the explicit or the Z3 engine.
std::vector<checker::Verdict> each(const harness::Trace &t, const std::string &model, bool z3) {
  static checker::Z3Engine z3_engine(semantics());
  checker::ExplicitEngine explicit_engine(semantics());
  checker::Engine &e = z3 ? static_cast<checker::Engine &>(z3_engine) : explicit_engine;
  return checker::check_each_update(t, models::resolve_model(model), e, semantics());
}

// The index (into extract_entry_updates) of the first update of `kind` that `pick` accepts.
template <class Pick>
size_t find_update(const harness::Trace &t, DescKind kind, Pick pick) {
  auto updates = checker::extract_entry_updates(t);
  for (size_t i = 0; i < updates.size(); ++i)
    if (updates[i].kind == kind && pick(updates[i])) return i;
  ADD_FAILURE() << "no such update";
  return 0;
}

// Trace index of the i-th UpdateBegin.
int begin_event(const harness::Trace &t, size_t i) {
  for (size_t e = 0; e < t.events.size(); ++e)
    if (t.events[e].kind == EventKind::UpdateBegin && i-- == 0) return static_cast<int>(e);
  return -1;
}

// How many events of `kind` (and store kind, for stores) come before trace index `before`.
int count_before(const harness::Trace &t, int before, EventKind kind) {
  int n = 0;
  for (int e = 0; e < before; ++e) n += t.events[e].kind == kind;
  return n;
}
int once_stores_before(const harness::Trace &t, int before) {
  int n = 0;
  for (int e = 0; e < before; ++e)
    n += t.events[e].kind == EventKind::Store && t.events[e].store == harness::StoreKind::Once;
  return n;
}

// V (SMMUv3 architecture): bit 0 of an STE's word 0, bit 31 of a CD's.
// The glue's note before a CD no STE can reach yet (not judged: the SMMU cannot fetch it).
bool unfetchable(const checker::EntryUpdate &u) {
  return u.label.rfind("CD written while no STE points at its table", 0) == 0;
}

bool valid(DescKind kind, const checker::Entry &e) { return e[0] & (kind == DescKind::Cd ? 1ull << 31 : 1ull); }
uint64_t ste_config(uint64_t q0) { return (q0 >> 1) & 7; }

}  // namespace

TEST(Writer61Semantics, ConservativeUsedBitsComeFromTheGlueAndSaySo) {
  const checker::EntrySemantics &s = semantics();
  EXPECT_EQ(s.ste_used_symbol, "kshim_conservative_ste_used");
  EXPECT_EQ(s.cd_used_symbol, "kshim_conservative_cd_used");
  auto notes = checks::semantics_notes(s);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find(kNote), std::string::npos) << notes[0];
  // Without consent, a tree with no get_used of its own is refused, as before.
  EXPECT_THROW(checks::kernel_semantics(smmu::testing::kernel("6.1"), false), harness::UserError);

  for (DescKind kind : {DescKind::Ste, DescKind::Cd}) {
    uint64_t v = kind == DescKind::Cd ? 1ull << 31 : 1ull;
    checker::Entry invalid{~v, 1, 2, 3, 4, 5, 6, 7}, live = invalid;
    live[0] |= v;
    ASSERT_FALSE(valid(kind, invalid));
    EXPECT_EQ(s.used(kind, invalid), (checker::Entry{v, 0, 0, 0, 0, 0, 0, 0}));
    checker::Entry all;
    all.fill(~0ull);
    EXPECT_EQ(s.used(kind, live), all);
  }
  EXPECT_TRUE(checks::semantics_notes(checks::kernel_semantics(smmu::testing::kernel("6.12"), false, true)).empty());
}

// A domain's first CD is written at finalise, before attach installs the STE
// that points at its table: the glue marks it (no STE reaches it); the CD of
// a second PASID, written while the master is attached, is an update.
TEST(Writer61, OnlyTheCdWrittenBeforeAnySteReachesItIsMarkedUnfetchable) {
  auto updates = checker::extract_entry_updates(trace_of("cd_install_ssid"));
  std::vector<bool> marks;
  for (const auto &u : updates)
    if (u.kind == DescKind::Cd) marks.push_back(unfetchable(u));
  EXPECT_EQ(marks, (std::vector<bool>{true, false}));
  ASSERT_FALSE(updates.empty());
  EXPECT_TRUE(unfetchable(updates[0])) << "the CD comes before the attach's STE update";
}

// Abort <-> bypass: one plain word-0 store confined to CONFIG, one sync.
TEST(Writer61, AbortBypassUpdatesPassUnderCoherentNcAndTear32WithBothEngines) {
  for (const char *scenario : {"ste_abort_to_bypass", "ste_bypass_to_abort"}) {
    harness::Trace t = trace_of(scenario);
    ASSERT_FALSE(checker::extract_entry_updates(t).empty()) << scenario;
    for (const char *model : {"coherent", "nc", "coherent+plain-tear32"})
      for (bool z3 : {false, true})
        for (const auto &v : each(t, model, z3))
          EXPECT_EQ(v.outcome, Outcome::Pass) << scenario << " " << model << (z3 ? " z3: " : ": ") << v.reason;
  }
}

// The CD updates of the cd_* scenarios: install (words 1-3, sync, word 0,
// sync), ASID change, quiesce and removal.
TEST(Writer61, CdUpdatesPassUnderCoherentAndNcWithBothEngines) {
  for (const char *scenario : {"cd_change_asid", "cd_install_ssid", "cd_quiesce_and_remove_ssid"}) {
    harness::Trace t = trace_of(scenario);
    auto updates = checker::extract_entry_updates(t);
    int cds = 0;
    for (const char *model : {"coherent", "nc"})
      for (bool z3 : {false, true}) {
        auto verdicts = each(t, model, z3);
        ASSERT_EQ(verdicts.size(), updates.size());
        for (size_t i = 0; i < updates.size(); ++i) {
          if (updates[i].kind != DescKind::Cd || unfetchable(updates[i])) continue;
          ++cds;
          EXPECT_EQ(verdicts[i].outcome, Outcome::Pass)
              << scenario << " update " << i + 1 << " " << model << (z3 ? " z3: " : ": ") << verdicts[i].reason;
          EXPECT_FALSE(updates[i].abstract_syncs) << "6.1's CD syncs are real CFGI_CD + CMD_SYNC";
        }
      }
    EXPECT_GT(cds, 0) << scenario;
  }
}

// Seeded bugs on 6.1's own updates: the sync between CD words 1-3 and word 0
// dropped (misordered), the one sync of abort -> bypass dropped (stale).
TEST(Writer61, DroppedSyncsAreCaught) {
  harness::Trace t = trace_of("cd_install_ssid");
  size_t u = find_update(t, DescKind::Cd, [](const checker::EntryUpdate &x) {
    return !unfetchable(x) && !valid(DescKind::Cd, x.initial) && valid(DescKind::Cd, x.target) && x.syncs == 2;
  });
  harness::Trace bad = t;
  ASSERT_TRUE(harness::inject(bad, harness::Fault::DropSync,
                              count_before(t, begin_event(t, u), EventKind::UpdateSync) + 1));
  for (bool z3 : {false, true}) {
    checker::Verdict v = each(bad, "coherent", z3)[u];
    EXPECT_EQ(v.outcome, Outcome::Violation) << (z3 ? "z3" : "explicit");
    EXPECT_EQ(v.kind, ViolationKind::Misordered) << v.reason;
  }

  harness::Trace bypass = trace_of("ste_abort_to_bypass");
  ASSERT_TRUE(harness::inject(bypass, harness::Fault::DropSync, 1));
  checker::Verdict v = each(bypass, "coherent", false)[0];
  EXPECT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Stale) << v.reason;
}

// CD word 0 is a WRITE_ONCE on 6.1; written as a plain store, its new V bit
// can be seen with the old (zero) ASID half under +plain-tear32.
TEST(Writer61, ACdWordZeroWrittenPlainTearsUnderTear32) {
  harness::Trace t = trace_of("cd_install_ssid");
  size_t u = find_update(t, DescKind::Cd, [](const checker::EntryUpdate &x) {
    return !unfetchable(x) && !valid(DescKind::Cd, x.initial) && valid(DescKind::Cd, x.target) &&
           (x.target[0] >> 32) != 0;
  });
  harness::Trace torn = t;
  ASSERT_TRUE(harness::inject(torn, harness::Fault::TearStore, once_stores_before(t, begin_event(t, u)) + 1));
  EXPECT_EQ(each(torn, "coherent", false)[u].outcome, Outcome::Pass);
  for (bool z3 : {false, true}) {
    checker::Verdict v = each(torn, "coherent+plain-tear32", z3)[u];
    EXPECT_EQ(v.outcome, Outcome::Violation) << (z3 ? "z3" : "explicit");
    EXPECT_EQ(v.kind, ViolationKind::Torn) << v.reason;
  }
}

// Detach (S1 -> abort) writes word 0 with a plain 64-bit C store. Judged on
// its own (the word-1/2 stores of the same update removed from the recorded
// run), under coherent it is one atomic store and passes; under
// coherent+plain-tear32 the SMMU can read half of it: torn.
TEST(Writer61, TheDetachPlainWordZeroStoreTearsUnderTear32) {
  harness::Trace t = trace_of("ste_s1_to_abort");
  size_t u = find_update(t, DescKind::Ste, [](const checker::EntryUpdate &x) {
    return valid(DescKind::Ste, x.initial) && ste_config(x.initial[0]) == 5 && ste_config(x.target[0]) == 0;
  });
  // The real detach as recorded: a finding under coherent (docs in cases/expect-6.1.txt).
  EXPECT_EQ(each(t, "coherent", false)[u].outcome, Outcome::Violation);

  int begin = begin_event(t, u);
  harness::Trace word0 = t;
  harness::Event &b = word0.events[begin];
  int q0_stores = 0;
  for (size_t e = begin + 1; e < word0.events.size() && word0.events[e].kind != EventKind::UpdateEnd;) {
    harness::Event &s = word0.events[e];
    if (s.kind == EventKind::Store && s.offset != 0) {
      b.after[s.offset / 8] = b.before[s.offset / 8];
      word0.events.erase(word0.events.begin() + static_cast<long>(e));
      continue;
    }
    if (s.kind == EventKind::Store) {
      ++q0_stores;
      EXPECT_EQ(s.store, harness::StoreKind::Plain);
      EXPECT_EQ(s.loc.file, "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c");
    }
    ++e;
  }
  ASSERT_EQ(q0_stores, 1);
  EXPECT_EQ(each(word0, "coherent", false)[u].outcome, Outcome::Pass);
  for (bool z3 : {false, true}) {
    checker::Verdict v = each(word0, "coherent+plain-tear32", z3)[u];
    ASSERT_EQ(v.outcome, Outcome::Violation) << (z3 ? "z3" : "explicit");
    EXPECT_EQ(v.kind, ViolationKind::Torn) << v.reason;
    uint64_t seen = v.witness.observed[0];
    EXPECT_NE(seen, b.before[0]);
    EXPECT_NE(seen, b.after[0]);
  }
}

TEST(Kernel61Cli, MeetsItsShippedExpectationsWithBothEngines) {
  std::string expect = std::string(SMMU_SOURCE_DIR) + "/cases/expect-6.1.txt";
  auto r = smmu::testing::run_cli({"kernel", "--debian", "6.1", "--quiet", "--engine", "both", "--expect", expect});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("gate " + expect + ": ok"), std::string::npos) << r.out;
  for (const char *row : {"writer/ste_abort_to_s1", "writer/cd_install_ssid", "pt/pt_unmap_table_4k", "pt/iopt_map_page_coherent"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  EXPECT_EQ(r.out.find("the engines disagree"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("not checked: pt"), std::string::npos) << r.out;
}

// Every writer verdict, pass or not, carries the conservative-semantics note.
TEST(Kernel61Cli, EveryWriterVerdictSaysHowItsEntriesWereRead) {
  std::string out = ::testing::TempDir() + "/writer61.json";
  auto r = smmu::testing::run_cli({"kernel", "--debian", "6.1", "--quiet", "--only", "writer/*", "--model", "coherent",
                             "--format", "json", "--output", out});
  EXPECT_EQ(r.status, 1) << r.out;  // without --expect every cell must pass; the attach rows do not
  std::ifstream in(out);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The per-item results, not the rows or cells that also name checks.
  size_t from = all.find("\"results\":["), to = all.find("\"cells\":[");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  std::string json = all.substr(from, to - from);
  size_t results = 0, noted = 0;
  for (size_t at = json.find("\"check\":\"writer/"); at != std::string::npos;
       at = json.find("\"check\":\"writer/", at + 1)) {
    ++results;
    size_t next = json.find("\"check\":", at + 1);
    if (json.substr(at, next - at).find(kNote) != std::string::npos) ++noted;
  }
  EXPECT_GT(results, 10u) << json.substr(0, 2000);
  EXPECT_EQ(noted, results);
}
