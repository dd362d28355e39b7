// Where 6.12's writer tears under cacheable-byte with a clean at each sync
// (docs/prove.md, "Where a single-qword change tears"). For an update that
// changes qword q only, and each byte b of it: can a fetch see the target's
// qword q with byte b still old ("lags"), or the current qword q with byte b
// already new ("leads"), and mean neither end of its span? Each position is
// the proof query narrowed to it (ProofOptions::narrow); a sat one is
// replayed natively. The STE by default; SMMU_TEAR_ENTRY=cd or all for the
// CD (about 5 times slower). Minutes of CPU: it runs with SMMU_TEAR_MAP=1
// only; CI asks the same question per parameter instead
// (change_conditions_test.cpp, CacheableByteConditions).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "kernel_fixture.h"
#include "model_registry.h"
#include "writer_prover_fixture.h"

using namespace smmu;
using checker::EntryProof;
using checker::ProofOutcome;
using harness::DescKind;
using Terms = std::vector<z3::expr>;

namespace {

z3::expr byte(const z3::expr &q, unsigned b) { return q.extract(8 * b + 7, 8 * b); }

// The pair differs in qword q only; the fetch's qword q is `base` but for
// byte b, which is `other`'s and differs from base's.
z3::expr one_byte_off(const Terms &cur, const Terms &tgt, const Terms &fetch, unsigned q, unsigned b,
                      bool lags) {
  const z3::expr &base = lags ? tgt[q] : cur[q], &other = lags ? cur[q] : tgt[q];
  z3::expr_vector c(cur[q].ctx());
  for (unsigned i = 0; i < cur.size(); ++i)
    if (i != q) c.push_back(cur[i] == tgt[i]);
  for (unsigned i = 0; i < 8; ++i)
    c.push_back(byte(fetch[q], i) == byte(i == b ? other : base, i));
  c.push_back(byte(cur[q], b) != byte(tgt[q], b));
  c.push_back(fetch[q] != other);  // another byte differs too: a tear, not a whole value
  return z3::mk_and(c);
}

// The same without the byte: any fetch whose qword q is neither value.
z3::expr torn(const Terms &cur, const Terms &tgt, const Terms &fetch, unsigned q) {
  z3::expr_vector c(cur[q].ctx());
  for (unsigned i = 0; i < cur.size(); ++i)
    if (i != q) c.push_back(cur[i] == tgt[i]);
  c.push_back(fetch[q] != cur[q] && fetch[q] != tgt[q]);
  return z3::mk_and(c);
}

}  // namespace

TEST(ProveTears, SingleQwordChangesUnderCacheableByte) {
  if (!std::getenv("SMMU_TEAR_MAP")) GTEST_SKIP() << "the byte map takes minutes: set SMMU_TEAR_MAP=1";
  const auto &k = smmu::testing::kernel("6.12");
  checker::WriterProver &prover = smmu::testing::writer_prover(k);
  const models::Model model = models::resolve_model("cacheable-byte");
  const char *env = std::getenv("SMMU_TEAR_ENTRY");
  const std::string which = env ? env : "ste";
  std::vector<DescKind> kinds;
  if (which != "cd") kinds.push_back(DescKind::Ste);
  if (which != "ste") kinds.push_back(DescKind::Cd);
  for (DescKind kind : kinds) {
    SCOPED_TRACE(checker::entry_name(kind));
    auto ask = [&](std::function<z3::expr(const Terms &, const Terms &, const Terms &)> narrow) {
      checker::ProofOptions o;
      o.clean_at_sync = true;
      o.minimize = false;
      o.narrow = std::move(narrow);
      EntryProof p = prover.prove(kind, model, o);
      EXPECT_NE(p.proof.outcome, ProofOutcome::Unknown) << p.proof.reason;
      if (p.proof.outcome != ProofOutcome::Counterexample) return std::string(".");
      // Every sat position replays on the compiled writer to a torn fetch.
      EXPECT_EQ(p.proof.counterexample->property, "observation");
      EXPECT_TRUE(p.replay && p.replay->outcome == checker::Outcome::Violation &&
                  p.replay->kind == checker::ViolationKind::Torn)
          << (p.replay ? p.replay->reason : p.proof.reason);
      return std::string("x");
    };
    std::cout << "[tears] " << k.tree().origin << " " << checker::entry_name(kind)
              << " cacheable-byte, cleans: qword: lags b0..b7 | leads b0..b7" << std::endl;
    int positions = 0;
    for (unsigned q = 0; q < checker::kEntryQwords; ++q) {
      if (ask([q](const Terms &c, const Terms &t, const Terms &f) { return torn(c, t, f, q); }) == ".") {
        std::cout << "[tears]   q" << q << ": never torn" << std::endl;
        continue;
      }
      std::string row[2];
      for (bool lags : {true, false})
        for (unsigned b = 0; b < 8; ++b)
          row[lags ? 0 : 1] += ask([q, b, lags](const Terms &c, const Terms &t, const Terms &f) {
            return one_byte_off(c, t, f, q, b, lags);
          });
      positions += static_cast<int>(std::count(row[0].begin(), row[0].end(), 'x') +
                                    std::count(row[1].begin(), row[1].end(), 'x'));
      std::cout << "[tears]   q" << q << ": " << row[0] << " | " << row[1] << std::endl;
    }
    // A qword the hitless step rewrites in one store tears somewhere.
    EXPECT_GT(positions, 0);
  }
}
