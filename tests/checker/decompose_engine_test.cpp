// The decomposition engine against the explicit enumerator: on the real 6.12
// writer (every KUnit update and the sweep pairs, every preset and tearing
// modifier) and on random epochs with synthetic get_used functions, including
// ones that read many granules. Wherever the explicit engine finishes, the
// outcome and the kind must be the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <sstream>

#include "check_update.h"
#include "decompose_engine.h"
#include "explicit_engine.h"
#include "kernel_fixture.h"
#include "kernel_semantics.h"
#include "model_registry.h"
#include "z3_engine.h"

using namespace smmu;
using checker::Entry;
using checker::Outcome;

namespace {

const checker::EntrySemantics &semantics() {
  static checker::EntrySemantics s = smmu::checks::kernel_semantics(smmu::testing::kernel("6.12"), true);
  return s;
}

std::vector<std::string> models_and_modifiers() {
  std::vector<std::string> out;
  for (const auto &p : models::preset_names())
    for (const char *mod : {"", "+plain-tear32", "+plain-tear8"}) out.push_back(p + mod);
  return out;
}

struct Tally {
  int compared = 0, decided = 0, violations = 0;
};

// Every update of `trace`, under every model, with and without cleans at syncs.
void expect_agreement(const harness::Trace &trace, const std::string &what, Tally &t) {
  checker::DecomposeEngine dec(semantics());
  for (const auto &name : models_and_modifiers())
    for (bool clean : {false, true}) {
      models::Model m = models::resolve_model(name);
      checker::ExplicitEngine ex(semantics());
      auto e = checker::check_each_update(trace, m, ex, semantics(), {clean});
      auto d = checker::check_each_update(trace, m, dec, semantics(), {clean});
      ASSERT_EQ(e.size(), d.size());
      for (size_t i = 0; i < e.size(); ++i) {
        std::string where = what + " update " + std::to_string(i) + " under " + name + (clean ? " (clean)" : "");
        if (d[i].outcome != Outcome::Unknown) ++t.decided;
        if (e[i].outcome == Outcome::Unknown) continue;
        ++t.compared;
        if (e[i].outcome == Outcome::Violation) ++t.violations;
        EXPECT_EQ(to_string(d[i].outcome), to_string(e[i].outcome)) << where << ": " << d[i].reason;
        EXPECT_EQ(to_string(d[i].kind), to_string(e[i].kind)) << where;
      }
    }
}

}  // namespace

TEST(DecomposeEngine, TheTreesGetUsedReadsFewBytes) {
  for (auto kind : {harness::DescKind::Ste, harness::DescKind::Cd}) {
    checker::UsedDependence dep = checker::used_dependence(semantics(), kind);
    ASSERT_EQ(dep.error, "");
    int bytes = 0;
    for (uint64_t q : dep.bits)
      for (int b = 0; b < 8; ++b) bytes += ((q >> (8 * b)) & 0xff) != 0;
    EXPECT_GE(bytes, 1);
    EXPECT_LE(bytes, 4) << "get_used of kind " << static_cast<int>(kind);
    std::printf("%s get_used reads:", kind == harness::DescKind::Cd ? "CD" : "STE");
    for (int q = 0; q < checker::kEntryQwords; ++q)
      if (dep.bits[q]) std::printf(" q%d 0x%016llx", q, static_cast<unsigned long long>(dep.bits[q]));
    std::printf("\n");
  }
}

// The IR-derived dependence must hold for the compiled function: flipping any
// bit outside it never changes used, on random entries and on ones whose
// determining bytes are set from typical values.
TEST(DecomposeEngine, FlippingANonDeterminingBitNeverChangesUsed) {
  std::mt19937_64 rng(13);
  for (auto kind : {harness::DescKind::Ste, harness::DescKind::Cd}) {
    checker::UsedDependence dep = checker::used_dependence(semantics(), kind);
    ASSERT_EQ(dep.error, "");
    int changed_by_determining = 0;
    for (int n = 0; n < 20000; ++n) {
      Entry e{};
      for (auto &q : e) q = rng() & rng();  // sparse: valid entries of several configs occur
      if (n & 1) e[0] |= 1;                 // often valid
      Entry u = semantics().used(kind, e);
      unsigned bit = rng() % 512;
      Entry f = e;
      f[bit / 64] ^= 1ull << (bit % 64);
      bool determining = (dep.bits[bit / 64] >> (bit % 64)) & 1;
      if (!determining) {
        ASSERT_EQ(semantics().used(kind, f), u) << "bit " << bit;
      } else if (semantics().used(kind, f) != u) {
        ++changed_by_determining;
      }
    }
    EXPECT_GT(changed_by_determining, 0) << "the determining bits are reached by the test";
  }
}

TEST(DecomposeEngine, AgreesWithExplicitOnEveryKunitUpdate) {
  Tally t;
  for (const auto &c : smmu::testing::kernel("6.12").kunit_cases())
    expect_agreement(smmu::testing::run_case("6.12", c.name).trace, c.name, t);
  EXPECT_GT(t.compared, 500);
  EXPECT_GT(t.violations, 100);
  // The decomposition decides wherever enumeration does (beyond it: the Z3 test below).
  EXPECT_GE(t.decided, t.compared);
  std::printf("kunit: %d compared, %d violations, %d decided by decompose\n", t.compared, t.violations,
              t.decided);
}

TEST(DecomposeEngine, AgreesWithExplicitOnTheSweepPairs) {
  Tally t;
  for (const char *s : {"sweep_ste_pairs", "sweep_cd_pairs"}) {
    harness::RunResult r = smmu::testing::run_case("6.12", s);
    ASSERT_EQ(r.status, harness::RunStatus::Pass);
    expect_agreement(r.trace, s, t);
  }
  EXPECT_GT(t.compared, 1000);
  std::printf("sweep: %d compared, %d violations, %d decided by decompose\n", t.compared, t.violations,
              t.decided);
}

// Beyond enumeration: the byte-granular KUnit updates with cleans, against Z3.
TEST(DecomposeEngine, AgreesWithZ3UnderCacheableByte) {
  static checker::Z3Engine z3(semantics());
  checker::DecomposeEngine dec(semantics());
  models::Model m = models::resolve_model("cacheable-byte");
  int torn = 0, pass = 0;
  for (const auto &c : smmu::testing::kernel("6.12").kunit_cases()) {
    harness::Trace t = smmu::testing::run_case("6.12", c.name).trace;
    checker::Verdict d = checker::check_trace(t, m, dec, semantics(), {true});
    checker::Verdict z = checker::check_trace(t, m, z3, semantics(), {true});
    ASSERT_NE(z.outcome, Outcome::Unknown) << c.name << ": " << z.reason;
    EXPECT_EQ(to_string(d.outcome), to_string(z.outcome)) << c.name << ": " << d.reason;
    EXPECT_EQ(to_string(d.kind), to_string(z.kind)) << c.name;
    torn += d.kind == checker::ViolationKind::Torn;
    pass += d.outcome == Outcome::Pass;
  }
  EXPECT_EQ(torn, 16);
  EXPECT_EQ(pass, 6);
}

TEST(DecomposeEngine, WithoutIrItSaysUnknown) {
  checker::EntrySemantics no_ir = semantics();
  no_ir.ir.clear();
  checker::DecomposeEngine dec(no_ir);
  harness::Trace t = smmu::testing::run_case("6.12", "arm_smmu_v3_write_ste_test_bypass_to_abort").trace;
  checker::Verdict v = checker::check_trace(t, models::resolve_model("coherent"), dec, no_ir, {});
  EXPECT_EQ(v.outcome, Outcome::Unknown);
  EXPECT_NE(v.reason.find("no LLVM IR"), std::string::npos) << v.reason;
}

TEST(DecomposeEngine, IsSelectedOnTheCommandLine) {
  auto r = smmu::testing::run_cli({"kunit", "--debian", "6.12", "--model", "cacheable-byte", "--engine", "decompose",
                                   "--clean-at-sync", "--filter", "cd_test_s1_change_asid"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("torn"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("decompose"), std::string::npos) << r.out;
}

// ---- Random epochs, synthetic get_used ----

namespace {

// A get_used that reads the bits `reads` (qword, bit) and picks one of a few
// random masks from their values.
struct Synthetic {
  std::vector<std::pair<unsigned, unsigned>> reads;
  std::vector<Entry> masks;

  Entry used(const uint64_t *e) const {
    size_t index = 0;
    for (auto [q, b] : reads) index = index * 2 + ((e[q] >> b) & 1);
    return masks[index % masks.size()];
  }
  checker::UsedDependence dependence() const {
    checker::UsedDependence d;
    for (auto [q, b] : reads) d.bits[q] |= 1ull << b;
    return d;
  }
};

// A space whose granules are qwords, 32-bit halves or bytes, with candidates
// drawn from a few base entries, so that agreement with start or end is common.
checker::EpochSpace random_space(std::mt19937_64 &rng, const std::vector<Entry> &base) {
  checker::EpochSpace s;
  s.whole_values.resize(checker::kEntryQwords);
  unsigned bytes_qword = rng() % 10;  // at most one qword in bytes: keeps enumeration small
  for (unsigned q = 0; q < checker::kEntryQwords; ++q) {
    unsigned width = q == bytes_qword ? 8 : (rng() % 3 == 0 ? 32 : 64);
    for (unsigned shift = 0; shift < 64; shift += width) {
      checker::Granule g{q, shift, width, {}};
      size_t n = 1 + rng() % 3;
      for (size_t k = 0; k < n; ++k) {
        uint64_t v = base[rng() % base.size()][q];
        v = width == 64 ? v : (v >> shift) & ((1ull << width) - 1);
        bool dup = false;
        for (auto &c : g.candidates) dup |= c.value == v;
        if (!dup) g.candidates.push_back({v, static_cast<int>(k), false});
      }
      s.granules.push_back(g);
    }
  }
  return s;
}

Entry random_entry(std::mt19937_64 &rng) {
  Entry e{};
  for (auto &q : e) q = rng();
  return e;
}

}  // namespace

TEST(DecomposeEngine, AgreesWithExplicitOnRandomEpochs) {
  std::mt19937_64 rng(1300);
  int violations = 0, passes = 0, declined = 0, compared = 0;
  for (int n = 0; n < 4000; ++n) {
    Synthetic syn;
    // 0..4 read bits, often in one granule, sometimes spread over qwords.
    unsigned reads = rng() % 5;
    unsigned q0 = rng() % 8;
    for (unsigned k = 0; k < reads; ++k)
      syn.reads.push_back({rng() % 3 == 0 ? static_cast<unsigned>(rng() % 8) : q0, static_cast<unsigned>(rng() % 64)});
    for (size_t k = 0, m = 1 + rng() % 4; k < m; ++k) {
      Entry mask{};
      for (auto &q : mask) q = rng() % 4 == 0 ? 0 : rng() | rng();  // dense masks: meanings differ often
      syn.masks.push_back(mask);
    }
    checker::EntrySemantics sem;
    sem.ste_used = [&syn](const uint64_t *e, uint64_t *u) {
      Entry m = syn.used(e);
      std::copy(m.begin(), m.end(), u);
    };
    std::vector<Entry> base;
    Entry a = random_entry(rng);
    base.push_back(a);
    for (size_t k = 0, m = 1 + rng() % 2; k < m; ++k) {
      Entry b = a;
      for (auto &q : b)
        if (rng() % 2) q ^= rng() & rng() & rng();  // few bits differ: agreements happen
      base.push_back(b);
    }
    checker::EpochSpace space = random_space(rng, base);
    if (space.combinations() > 1e5) continue;
    // Start and end meanings: those of two observations of the space.
    auto some_observation = [&]() {
      std::vector<size_t> c;
      for (auto &g : space.granules) c.push_back(rng() % g.candidates.size());
      return checker::assemble(space, c);
    };
    checker::EpochQuery q{harness::DescKind::Ste, &space, sem.meaning(harness::DescKind::Ste, some_observation()),
                          sem.meaning(harness::DescKind::Ste, some_observation())};
    checker::ExplicitEngine ex(sem);
    checker::DecomposeEngine dec(sem, [&syn](harness::DescKind) { return syn.dependence(); });
    checker::EpochAnswer e = ex.decide(q), d = dec.decide(q);
    ASSERT_NE(e.outcome, Outcome::Unknown);
    // Which granules hold read bits decides whether the engine may decline.
    size_t det = 0;
    double combos = 1;
    for (auto &g : space.granules) {
      uint64_t gm = (g.width == 64 ? ~0ull : ((1ull << g.width) - 1)) << g.shift;
      if (syn.dependence().bits[g.qword] & gm) ++det, combos *= g.candidates.size();
    }
    if (det > 2 || combos > 4096) {
      EXPECT_EQ(d.outcome, Outcome::Unknown) << "case " << n;
      EXPECT_NE(d.reason.find("beyond the bound"), std::string::npos) << d.reason;
      ++declined;
      continue;
    }
    ++compared;
    ASSERT_EQ(to_string(d.outcome), to_string(e.outcome)) << "case " << n << " " << d.reason;
    if (d.outcome == Outcome::Violation) {
      ++violations;
      Entry m = sem.meaning(q.kind, checker::assemble(space, d.choice));
      EXPECT_NE(m, q.meaning_start) << "case " << n;
      EXPECT_NE(m, q.meaning_end) << "case " << n;
    } else {
      ++passes;
    }
  }
  std::printf("random: %d compared (%d violations, %d passes), %d declined\n", compared, violations, passes,
              declined);
  EXPECT_GT(violations, 200);
  EXPECT_GT(passes, 200);
  EXPECT_GT(declined, 100);
}

// A dependence that leaves out a bit get_used reads is caught where the
// compiled function shows it, rather than trusted into a pass.
TEST(DecomposeEngine, ADependenceThatMissesABitIsNotTrusted) {
  Synthetic syn{{{1, 5}}, {Entry{}, Entry{~0ull, ~0ull}}};
  checker::EntrySemantics sem;
  sem.ste_used = [&syn](const uint64_t *e, uint64_t *u) {
    Entry m = syn.used(e);
    std::copy(m.begin(), m.end(), u);
  };
  checker::EpochSpace s;
  s.whole_values.resize(checker::kEntryQwords);
  for (unsigned q = 0; q < checker::kEntryQwords; ++q) s.granules.push_back({q, 0, 64, {{0, -1, false}}});
  s.granules[1].candidates.push_back({1ull << 5, 3, false});
  checker::DecomposeEngine dec(sem, [](harness::DescKind) { return checker::UsedDependence{}; });
  checker::EpochAnswer a = dec.decide({harness::DescKind::Ste, &s, Entry{}, Entry{}});
  EXPECT_EQ(a.outcome, Outcome::Unknown);
  EXPECT_NE(a.reason.find("depends on bits"), std::string::npos) << a.reason;
}

// Every .seq teaching case, under every model it names: the same cells
// (check, model, verdict, kind) as the explicit engine, and the same exit.
TEST(DecomposeEngine, AgreesWithExplicitOnTheSeqCases) {
  namespace fs = std::filesystem;
  fs::path dir = (fs::path(SMMU_TEST_DATA_DIR) / ".." / ".." / "cases").lexically_normal();
  std::vector<std::string> files;
  for (const auto &f : fs::directory_iterator(dir))
    if (f.path().extension() == ".seq") files.push_back(f.path().string());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 8u);
  auto cells = [&](const std::string &engine, int &status) {
    std::vector<std::string> args{"seq"};
    args.insert(args.end(), files.begin(), files.end());
    for (const char *a : {"--engine", engine.c_str(), "--no-witness"}) args.push_back(a);
    auto r = smmu::testing::run_cli(args);
    status = r.status;
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      std::istringstream w(line);
      std::string check, model, verdict, kind;
      w >> check >> model >> verdict >> kind;
      if (verdict == "pass" || verdict == "violation" || verdict == "unknown")
        out.push_back(check + " " + model + " " + verdict + " " + kind);
    }
    return out;
  };
  int se = -1, sd = -1;
  std::vector<std::string> e = cells("explicit", se), d = cells("decompose", sd);
  EXPECT_GT(e.size(), 50u);
  EXPECT_EQ(d, e);
  EXPECT_EQ(sd, se);
}
