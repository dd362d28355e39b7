// A table pointer that leads outside every table the run knows (a proposed
// sequence's typo, a case's wrong address): what the walker reads there is
// unknown, so the verdict is `unknown` with a warning at the statement that
// wrote the pointer, never a silent pass. `seq` and `pt --case` agree.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "kernel_fixture.h"
#include "model_registry.h"
#include "pt_check.h"
#include "pt_slice.h"
#include "seq_parser.h"

using namespace smmu;
using smmu::testing::run_cli;

namespace {

std::string data(const std::string &name) { return std::string(SMMU_TEST_DATA_DIR) + "/pt_cases/" + name; }

// The 1-based line of `file` holding `needle`.
int line_of(const std::string &file, const std::string &needle) {
  std::ifstream in(file);
  int n = 0;
  for (std::string l; std::getline(in, l);) {
    ++n;
    if (l.find(needle) != std::string::npos) return n;
  }
  ADD_FAILURE() << needle << " not in " << file;
  return -1;
}

}  // namespace

// The verdict itself: unknown with one warning at the store, where the
// sequence is otherwise right; a violation found elsewhere still wins (the
// pointer is never cleaned, so a cacheable walker reads the old entry).
TEST(PtWildPointer, VerdictIsUnknownWithTheWarningAtTheStore) {
  const std::string f = data("wild_table_pointer.seq");
  harness::Sequence s = harness::read_sequence_file(f);
  checker::PtSemantics sem = checker::pt_semantics(smmu::testing::kernel("6.12").slice());
  for (const char *m : {"coherent", "nc", "coherent+plain-tear32", "nc+plain-tear8"}) {
    SCOPED_TRACE(m);
    checker::PtVerdict v = checker::check_pt_trace(s.trace, models::resolve_model(m), sem);
    EXPECT_EQ(v.outcome, checker::Outcome::Unknown) << v.reason;
    ASSERT_EQ(v.warnings.size(), 1u);
    const harness::Event &e = s.trace.events.at(v.warnings[0].event);
    EXPECT_EQ(e.kind, harness::EventKind::Store);
    EXPECT_EQ(e.loc.line, line_of(f, "store once u64 at 0 = 0x0000000012345003"));
  }
  checker::PtVerdict v = checker::check_pt_trace(s.trace, models::resolve_model("cacheable-64"), sem);
  EXPECT_EQ(v.outcome, checker::Outcome::Violation) << v.reason;
  EXPECT_EQ(v.kind, checker::ViolationKind::Stale);
}

TEST(PtWildPointer, SeqTablePointerOutsideEveryTableIsUnknownWithAWarning) {
  const std::string f = data("wild_table_pointer.seq");
  const int store = line_of(f, "store once u64 at 0 = 0x0000000012345003");
  auto r = run_cli({"seq", f, "--quiet", "--model", "coherent"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("unknown"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(f + ":" + std::to_string(store) + ": warning: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected a pointer to a table"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0x12345000"), std::string::npos) << r.out;
  // The file's own expectation (unknown under coherent) holds.
  auto e = run_cli({"seq", f, "--quiet"});
  EXPECT_EQ(e.status, 0) << e.out;
}

TEST(PtWildPointer, SeqInitialPointerOutsideEveryTableIsUnknown) {
  const std::string f = ::testing::TempDir() + "wild_initial.seq";
  std::ofstream(f) << "pte\nlevel 1\niova 0x80000000\ninitial 0x0000000012345003\ntarget 0\n"
                      "store once u64 at 0 = 0\nexpect pass under coherent\n";
  auto r = run_cli({"seq", f, "--quiet"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find(f + ":4: warning: "), std::string::npos) << "the `initial` line\n" << r.out;
  EXPECT_NE(r.out.find("expect pass under coherent: FAILS, the checker says unknown"), std::string::npos) << r.out;
}

TEST(PtWildPointer, CaseTablePointerOutsideEveryTableIsUnknownWithAWarning) {
  const std::string f = data("wild_table_pointer.c");
  const int store = line_of(f, "the wild pointer");
  auto r = run_cli({"pt", "--debian", "6.12", "--quiet", "--model", "coherent", "--case", f});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("wild_table_pointer            coherent                    unknown"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(f + ":" + std::to_string(store) + ": warning: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected a pointer to a table"), std::string::npos) << r.out;
  auto j = run_cli({"pt", "--debian", "6.12", "--quiet", "--model", "coherent", "--format", "json", "--case", f});
  EXPECT_NE(j.out.find("\"verdict\":\"unknown\""), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"warnings\":[{"), std::string::npos) << j.out;
}
