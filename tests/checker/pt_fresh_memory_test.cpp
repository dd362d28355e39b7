// Fresh memory (allocated, not yet zeroed or written, as the walker may see
// it) holds arbitrary bytes: a walker that can read them must be checked
// against every meaning they may have at that level (a table, a leaf, a
// fault), whatever the runtime filled the page with and whatever was
// allocated between the table's allocation and its registration.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "kernel_fixture.h"
#include "model_registry.h"
#include "pt_check.h"
#include "pt_slice.h"

using namespace smmu;
using checker::Outcome;
using checker::ViolationKind;

namespace {

std::string pt_case(const std::string &name) { return std::string(SMMU_TEST_DATA_DIR) + "/pt_cases/" + name; }

const checker::PtSemantics &semantics() {
  static checker::PtSemantics s = checker::pt_semantics(smmu::testing::kernel("6.12").slice());
  return s;
}

harness::RunResult run_case_file(const std::string &file) {
  harness::CaseRunner runner(file, harness::BuildOptions{});
  auto cases = runner.cases();
  EXPECT_EQ(cases.size(), 1u) << file;
  harness::RunResult r = runner.run(cases.at(0));
  EXPECT_EQ(r.status, harness::RunStatus::Pass) << file;
  return r;
}

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

checker::PtVerdict check(const harness::Trace &t, const std::string &model) {
  return checker::check_pt_trace(t, models::resolve_model(model), semantics());
}

}  // namespace

TEST(PtFreshMemory, TableRegisteredAfterAnotherAllocationKeepsItsFreshStatus) {
  harness::RunResult r = run_case_file(pt_case("fresh_table_second_alloc.c"));
  const int alloc_line = line_of(pt_case("fresh_table_second_alloc.c"), "l2 = (kshim_u64 *)kshim_alloc(");
  int allocs = 0;
  for (const auto &e : r.trace.events) allocs += e.kind == harness::EventKind::Alloc && e.loc.line == alloc_line;
  EXPECT_EQ(allocs, 1) << "the new level-2 table is reported as an allocation";
  for (const char *m : {"coherent", "cacheable-64"}) {
    SCOPED_TRACE(m);
    checker::PtVerdict v = check(r.trace, m);
    ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
    if (std::string(m) == "coherent") {
      EXPECT_EQ(v.kind, ViolationKind::Misordered);
    }
    ASSERT_GE(v.witness.reads.size(), 3u);
    const checker::PtRead &read = v.witness.reads.back();
    EXPECT_EQ(read.level, 2);
  }
}
