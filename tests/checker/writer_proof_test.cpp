// The proof query over the tree's own writer (checker/writer_proof.h): the
// pristine 6.12 STE and CD writers are proved under coherent and nc, and
// under the cacheable models as far as they hold (cleans at each sync, qword
// write-backs), with replayed torn and stale counterexamples beyond; seeded
// writer bugs in a copy of the source turn the proof into a counterexample
// that the compiled mutant replays to a violation.
#include <gtest/gtest.h>

#include <iostream>

#include "kernel_fixture.h"
#include "kernel_semantics.h"
#include "model_registry.h"
#include "writer_proof_run.h"
#include "writer_prover_fixture.h"

using namespace smmu;
using checker::EntryProof;
using checker::ProofOutcome;
using harness::DescKind;

namespace {

std::string hex(const checker::Qwords &q) {
  std::ostringstream os;
  os << std::hex;
  for (uint64_t v : q) os << " " << v;
  return os.str();
}

EntryProof prove(const harness::KernelRunner &k, DescKind kind, const std::string &model,
                 const checker::ProofOptions &options = {}) {
  EntryProof p = smmu::testing::writer_prover(k).prove(kind, models::resolve_model(model), options);
  const auto &r = p.proof;
  std::cout << "[proof] " << k.tree().origin << " " << checker::entry_name(kind) << " " << model << ": "
            << to_string(r.outcome) << " in " << r.seconds << " s (symbolic writer " << p.symbolic_seconds
            << " s); " << r.steps << " steps, " << r.spans << " spans, " << r.queries << " queries, largest "
            << r.max_query_nodes << " nodes" << (r.reason.empty() ? "" : "; " + r.reason) << "\n";
  if (const auto &cx = r.counterexample) {
    std::cout << "  " << cx->property << " in epoch " << cx->epoch << "; " << cx->differing_qwords
              << " qwords, " << cx->differing_bits << " bits differ\n  current " << hex(cx->current)
              << "\n  target  " << hex(cx->target) << "\n  fetch   " << hex(cx->observed) << "\n  path:";
    for (const auto &s : cx->path) std::cout << " [" << checker::to_string(s) << "]";
    std::cout << "\n";
  }
  if (p.replay) std::cout << "  native replay: " << to_string(p.replay->outcome) << " " << p.replay->reason << "\n";
  return p;
}

}  // namespace

TEST(Prove, Pristine612IsProvedUnderCoherentAndNc) {
  const auto &k = smmu::testing::kernel("6.12");
  for (DescKind kind : {DescKind::Ste, DescKind::Cd})
    for (const char *model : {"coherent", "nc"}) {
      EntryProof p = prove(k, kind, model);
      EXPECT_EQ(p.proof.outcome, ProofOutcome::Proved) << checker::entry_name(kind) << " " << model;
    }
}

// Every store of entry_set is a WRITE_ONCE (volatile in the IR), so tearing
// plain stores changes nothing.
TEST(Prove, Pristine612SteIsProvedUnderPlainTear32) {
  EntryProof p = prove(smmu::testing::kernel("6.12"), DescKind::Ste, "coherent+plain-tear32");
  EXPECT_EQ(p.proof.outcome, ProofOutcome::Proved) << p.proof.reason;
}

// 7.3's STE writer changes the bits its get_update_safe declares safe (EATS,
// MEV) in a step of their own: a counterexample the native writer replays
// (the known finding of cases/expect-7.3.txt), and nothing else: proved once
// those bits are left out of the meaning.
TEST(Prove, Tree73SteDiffersOnlyInItsUpdateSafeBits) {
  TREE_OR_SKIP(root, "7.3");
  const harness::KernelRunner &k = smmu::testing::kernel_at(root);
  EntryProof p = prove(k, DescKind::Ste, "coherent");
  ASSERT_EQ(p.proof.outcome, ProofOutcome::Counterexample) << p.proof.reason;
  ASSERT_TRUE(p.replay.has_value());
  EXPECT_EQ(p.replay->outcome, checker::Outcome::Violation) << p.replay->reason;
  EXPECT_NE(p.proof.counterexample->current[1], p.proof.counterexample->target[1]) << "EATS and MEV are in qword 1";
  checker::ProofOptions relaxed;
  relaxed.relax_update_safe = true;
  p = prove(k, DescKind::Ste, "coherent", relaxed);
  EXPECT_EQ(p.proof.outcome, ProofOutcome::Proved) << p.proof.reason;
  EXPECT_EQ(p.proof.relaxed_by, "arm_smmu_get_ste_update_safe");
  // 6.12's ops have none: nothing is relaxed.
  p = prove(smmu::testing::kernel("6.12"), DescKind::Ste, "coherent", relaxed);
  EXPECT_EQ(p.proof.outcome, ProofOutcome::Proved) << p.proof.reason;
  EXPECT_EQ(p.proof.relaxed_by, "");
}

// Models the query does not encode are unknown, named: never a proof.
TEST(Prove, UnencodedModelsAreUnknown) {
  const auto &k = smmu::testing::kernel("6.12");
  models::Model m = models::resolve_model("cacheable-64");
  m.fetch_sca_bits = 128;
  EntryProof p = smmu::testing::writer_prover(k).prove(DescKind::Ste, m);
  EXPECT_EQ(p.proof.outcome, ProofOutcome::Unknown);
  EXPECT_NE(p.proof.reason.find("fetch_sca=128"), std::string::npos) << p.proof.reason;
}

// Cacheable memory with a clean of the entry at each sync: a write-back atomic
// per qword tears nothing the SMMU's own qword reads would not, so the proof
// is coherent's; byte granules tear a qword the hitless step rewrites.
TEST(ProveCacheable, QwordGranulesWithCleansAreProvedForSte) {
  checker::ProofOptions cleans;
  cleans.clean_at_sync = true;
  for (const char *model : {"cacheable-64", "cacheable-line"}) {
    EntryProof p = prove(smmu::testing::kernel("6.12"), DescKind::Ste, model, cleans);
    EXPECT_EQ(p.proof.outcome, ProofOutcome::Proved) << model << ": " << p.proof.reason;
    EXPECT_TRUE(p.proof.clean_at_sync) << model;
  }
}

namespace {

void expect_replayed(const EntryProof &p, checker::ViolationKind kind) {
  ASSERT_EQ(p.proof.outcome, ProofOutcome::Counterexample) << p.proof.reason;
  ASSERT_TRUE(p.replay.has_value());
  EXPECT_EQ(p.replay->outcome, checker::Outcome::Violation) << p.replay->reason;
  EXPECT_EQ(p.replay->kind, kind) << to_string(p.replay->kind) << ": " << p.replay->reason;
}

}  // namespace

TEST(ProveCacheable, ByteGranulesWithCleansTearSteAndCd) {
  checker::ProofOptions cleans;
  cleans.clean_at_sync = true;
  for (DescKind kind : {DescKind::Ste, DescKind::Cd}) {
    EntryProof p = prove(smmu::testing::kernel("6.12"), kind, "cacheable-byte", cleans);
    SCOPED_TRACE(checker::entry_name(kind));
    expect_replayed(p, checker::ViolationKind::Torn);
    EXPECT_EQ(p.proof.counterexample->property, "observation");
  }
}

// Without cleans nothing but the initial entry is surely at PoC: after the
// last sync a fetch can still see it.
TEST(ProveCacheable, WithoutCleansIsStale) {
  EntryProof p = prove(smmu::testing::kernel("6.12"), DescKind::Ste, "cacheable-64");
  EXPECT_FALSE(p.proof.clean_at_sync);
  expect_replayed(p, checker::ViolationKind::Stale);
}

namespace {

// A seeded bug: the proof fails with a small pair that the compiled mutant,
// run natively through the production writer, replays to a violation.
// `out`, if given, gets the proof.
void expect_replayed_counterexample(const harness::KernelRunner &mutant, DescKind kind, EntryProof *out = nullptr) {
  EntryProof p = prove(mutant, kind, "coherent");
  if (out) *out = p;
  ASSERT_EQ(p.proof.outcome, ProofOutcome::Counterexample) << p.proof.reason;
  ASSERT_TRUE(p.replay.has_value());
  EXPECT_EQ(p.replay->outcome, checker::Outcome::Violation) << p.replay->reason;
  const checker::ProofCounterexample &cx = *p.proof.counterexample;
  EXPECT_GE(cx.differing_qwords, 1);
  EXPECT_LE(cx.differing_qwords, 2) << "minimised: one or two qwords change";
  // The native run's entries are the pair.
  ASSERT_EQ(cx.current.size(), static_cast<size_t>(checker::kEntryQwords));
  EXPECT_EQ(p.replay->witness.update, 0u);
}

}  // namespace

TEST(ProveMutant612, DroppedSyncGivesAReplayedCounterexample) {
  const auto dst = smmu::testing::driver_mutant_tree("proof-drop-sync", "static bool entry_set(",
                                                     "writer->ops->sync(writer);", ";");
  const harness::KernelRunner &mutant = smmu::testing::kernel_at(dst);
  expect_replayed_counterexample(mutant, DescKind::Ste);
  expect_replayed_counterexample(mutant, DescKind::Cd);
  std::filesystem::remove_all(dst);
}

TEST(ProveMutant612, CriticalQwordFirstGivesAReplayedCounterexample) {
  const std::string first = "entry_set(writer, entry, unused_update, 0, NUM_ENTRY_QWORDS);";
  const std::string critical = "entry_set(writer, entry, target, critical_qword_index, 1);";
  const auto dst =
      smmu::testing::driver_mutant_tree("proof-critical-first", "unused_update[critical_qword_index] =",
                                        first + "\n\t\t" + critical, critical + "\n\t\t" + first);
  const harness::KernelRunner &mutant = smmu::testing::kernel_at(dst);
  expect_replayed_counterexample(mutant, DescKind::Ste);
  std::filesystem::remove_all(dst);
}

// The hitless update's first two steps merged into one epoch: the critical
// qword goes out with the unused bits of the others, no sync between them, so
// a fetch may take the new critical qword beside an old qword whose bits the
// target uses but the current entry ignored: neither configuration.
TEST(ProveMutant612, MergedStepsGiveAReplayedMisorderedCounterexample) {
  const std::string unused = "entry_set(writer, entry, unused_update, 0, NUM_ENTRY_QWORDS);";
  const std::string critical = "entry_set(writer, entry, target, critical_qword_index, 1);";
  const auto dst = smmu::testing::driver_mutant_tree(
      "proof-merged-steps", "unused_update[critical_qword_index] =",
      "entry[critical_qword_index];\n\t\t" + unused + "\n\t\t" + critical,
      "target[critical_qword_index];\n\t\t" + unused);
  const harness::KernelRunner &mutant = smmu::testing::kernel_at(dst);
  EntryProof p;
  expect_replayed_counterexample(mutant, DescKind::Ste, &p);
  ASSERT_TRUE(p.replay.has_value() && p.proof.counterexample.has_value());
  EXPECT_EQ(p.replay->kind, checker::ViolationKind::Misordered) << p.replay->reason;
  const checker::ProofCounterexample &cx = *p.proof.counterexample;
  EXPECT_EQ(cx.property, "observation");
  EXPECT_EQ(cx.epoch, 0) << "the merged step is the first";
  EXPECT_EQ(cx.differing_qwords, 2) << "a hitless pair whose merged step writes two qwords";
  std::filesystem::remove_all(dst);
}

// The command: one (entry, model) proved, as JSON; bad input is refused.
TEST(ProveCli, ProvesTheSteWriterAndRefusesBadInput) {
  auto r = smmu::testing::run_cli({"prove", "--debian", "6.12", "--entry", "ste", "--model", "coherent,cacheable-64",
                                   "--clean-at-sync", "--format", "json", "--quiet"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\"entry\":\"STE\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"outcome\":\"proved\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"outcome\":\"unknown\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"entry\":\"CD\""), std::string::npos) << r.out;
  // The cleans are assumed for the cacheable model only.
  EXPECT_NE(r.out.find("\"model\":\"cacheable-64\",\"outcome\":\"proved\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"clean_at_sync\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"clean_at_sync\":false"), std::string::npos) << r.out;
  r = smmu::testing::run_cli({"prove", "--debian", "6.12", "--entry", "pte"});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--entry expects ste, cd or all"), std::string::npos) << r.out;
}

// entry_set's WRITE_ONCE made a plain store: still proved when plain stores
// are single-copy atomic, a torn counterexample under +plain-tear32.
TEST(ProveMutant612, PlainStoreTearsUnderPlainTear32) {
  const auto dst = smmu::testing::driver_mutant_tree("proof-plain-store", "static bool entry_set(",
                                                     "WRITE_ONCE(entry[i], target[i]);", "entry[i] = target[i];");
  const harness::KernelRunner &mutant = smmu::testing::kernel_at(dst);
  EXPECT_EQ(prove(mutant, DescKind::Ste, "coherent").proof.outcome, ProofOutcome::Proved);
  EntryProof p = prove(mutant, DescKind::Ste, "coherent+plain-tear32");
  ASSERT_EQ(p.proof.outcome, ProofOutcome::Counterexample) << p.proof.reason;
  ASSERT_TRUE(p.replay.has_value());
  EXPECT_EQ(p.replay->outcome, checker::Outcome::Violation) << p.replay->reason;
  EXPECT_EQ(p.replay->kind, checker::ViolationKind::Torn) << p.replay->reason;
  // A cacheable model tears plain stores alike: 32-bit parts of a qword that
  // write-backs would keep whole.
  checker::ProofOptions cleans;
  cleans.clean_at_sync = true;
  p = prove(mutant, DescKind::Ste, "cacheable-64+plain-tear32", cleans);
  expect_replayed(p, checker::ViolationKind::Torn);
  std::filesystem::remove_all(dst);
}
