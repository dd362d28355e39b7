// The tree's own KUnit cases and scenarios run in a child process with a time
// limit (KernelRunner::run and run_all, harness/src/child_run.h): a crash or a
// hang in the tree's code is a run that died, named at the file:line of its
// last recorded event and judged unknown (checker/kernel_run.h); the caller
// survives and the next case runs. The faults are seeded by setting the
// slice's own globals before the run, which the child inherits.
#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <fstream>
#include <regex>
#include <string>

#include "kernel_fixture.h"
#include "kernel_run.h"

using namespace smmu;

namespace {

// The 1-based line of harness/kdrivers/`file` holding `needle`, found by content.
int kdrivers_line(const std::string &file, const std::string &needle) {
  std::ifstream in(harness::harness_data_dir() / "kdrivers" / file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(needle) != std::string::npos) return n;
  ADD_FAILURE() << "no '" << needle << "' in " << file;
  return 0;
}

// A slice global set for a scope: the slice is loaded once for the whole
// test process, and other tests run it after this one.
template <class T>
class Seeded {
 public:
  Seeded(T *at, T value) : at_(at), old_(*at) { *at_ = value; }
  ~Seeded() { *at_ = old_; }

 private:
  T *at_;
  T old_;
};

// A null alloc in io-pgtable-arm's S1 init functions: alloc_io_pgtable_ops
// (the tree's io-pgtable.c) calls it, and the process dies of SIGSEGV just
// after the scenario's note before that call.
TEST(KernelIsolation612, CrashInTheTreesCodeIsADiedRunAtItsLastEvent) {
  const harness::KernelRunner &k = smmu::testing::kernel("6.12");
  void **alloc = k.slice().function<void *>("io_pgtable_arm_64_lpae_s1_init_fns");
  ASSERT_NE(alloc, nullptr);
  const harness::RunnableCase c = k.find("iopt_map_page_coherent");
  harness::RunResult died;
  {
    Seeded<void *> null_alloc(alloc, nullptr);
    died = k.run(c);
  }
  const int note = kdrivers_line("scenarios_612_io_pgtable.c", "KSHIM_NOTE(\"alloc_io_pgtable_ops(ARM_64_LPAE_S1)");
  const std::string where = "scenarios_612_io_pgtable.c:" + std::to_string(note) + ": ";
  EXPECT_NE(died.died.find(where + "scenario iopt_map_page_coherent crashed with SIGSEGV after event"),
            std::string::npos)
      << died.died;
  EXPECT_EQ(died.status, harness::RunStatus::Bug);
  EXPECT_FALSE(died.trace.complete);

  const checker::KernelStatus status = checker::kernel_status(died);
  EXPECT_TRUE(status.died);
  EXPECT_FALSE(status.passed());
  EXPECT_EQ(status.line, note);
  EXPECT_NE(status.message.find(died.died), std::string::npos) << status.message;
  // Nothing of the run was checked: a verdict on it is unknown, saying why.
  checker::Outcome outcome = checker::Outcome::Pass;
  checker::ViolationKind kind = checker::ViolationKind::None;
  std::string reason;
  checker::apply_kernel_status(status, outcome, kind, reason);
  EXPECT_EQ(outcome, checker::Outcome::Unknown);
  EXPECT_NE(reason.find("scenario iopt_map_page_coherent crashed with SIGSEGV"), std::string::npos) << reason;

  // The caller lived on: the same scenario, unseeded, runs whole.
  const harness::RunResult again = k.run(c);
  EXPECT_TRUE(again.died.empty()) << again.died;
  EXPECT_EQ(again.status, harness::RunStatus::Pass);
  EXPECT_TRUE(again.trace.complete);
  EXPECT_GT(again.trace.events.size(), 10u);
}

// Billions of random STE pairs never end within a second: the run is stopped
// at the time limit, named at its last event, and the next case of the same
// run_all goes on in a new child.
TEST(KernelIsolation612, HangIsStoppedAtTheTimeLimitAndTheNextCaseRuns) {
  harness::KernelRunner k(smmu::testing::kernel_tree("6.12"), harness::BuildOptions{});  // its own time limit
  k.set_timeout(1);
  int *count = k.slice().function<int>("kshim_random_pairs_count");
  ASSERT_NE(count, nullptr);
  Seeded<int> endless(count, INT_MAX);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<harness::RunResult> runs =
      k.run_all({k.find("sweep_random_ste_pairs"), k.find("ste_transitions_linear")});
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_TRUE(std::regex_search(runs[0].died, std::regex(R"(\.c:[0-9]+: scenario sweep_random_ste_pairs did not )"
                                                         R"(finish within 1 s after event [0-9]+)")))
      << runs[0].died;
  EXPECT_EQ(runs[0].name, "sweep_random_ste_pairs");
  EXPECT_FALSE(checker::kernel_status(runs[0]).complete);
  EXPECT_EQ(runs[1].name, "ste_transitions_linear");
  EXPECT_TRUE(runs[1].died.empty()) << runs[1].died;
  EXPECT_EQ(runs[1].status, harness::RunStatus::Pass);
}

// Many cases, one child: the results come back in order, each whole, the same
// as one run at a time.
TEST(KernelIsolation612, RunAllMatchesOneRunAtATime) {
  const harness::KernelRunner &k = smmu::testing::kernel("6.12");
  std::vector<harness::RunnableCase> cases = k.kunit_cases();
  ASSERT_GT(cases.size(), 3u);
  cases.resize(3);
  cases.push_back(k.find("ste_transitions_linear"));
  const std::vector<harness::RunResult> all = k.run_all(cases);
  ASSERT_EQ(all.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const harness::RunResult one = k.run(cases[i]);
    EXPECT_EQ(all[i].name, cases[i].name);
    EXPECT_EQ(all[i].status, one.status) << cases[i].name;
    EXPECT_EQ(all[i].trace.events.size(), one.trace.events.size()) << cases[i].name;
    EXPECT_TRUE(all[i].died.empty());
  }
}

}  // namespace
