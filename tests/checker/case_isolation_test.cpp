// Proposed C cases run in a child process with a time limit (pt --case,
// harness/src/child_run.h): a case that crashes or never returns is bad input
// (exit 2) named at its file:line, and a good case gives the same trace and
// verdicts as when it ran in the tool's own process.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "kernel_fixture.h"
#include "trace_print.h"

using namespace smmu;
namespace fs = std::filesystem;

namespace {

const std::string kPlainOneStore = std::string(SMMU_CASES_DIR) + "/pte_plain_one_store.c";

fs::path scratch_dir() {
  fs::path d = fs::temp_directory_path() / ("case_isolation_test." + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

// A case like cases/pte_plain_one_store.c whose body, after the first
// boundary (line 12) and the PTE store (line 13), is `tail` (line 14).
fs::path write_case(const fs::path &dir, const std::string &name, const std::string &tail) {
  fs::path f = dir / (name + ".c");
  std::ofstream(f) << "#include \"kshim_case.h\"\n"                                        // 1
                      "#define IOVA 0x80001000ULL\n"                                        // 2
                      "#define PTE (0x880123000ULL | 0xf47ULL)\n"                           // 3
                      "\n"                                                                  // 4
                      "KSHIM_CASE(" + name + ", \"a PTE store, then " + name + "\")\n"      // 5
                      "{\n"                                                                 // 6
                      "\tstruct kshim_case_s1 s;\n"                                         // 7
                      "\tkshim_u64 *ptep = kshim_case_s1_4k(&s, IOVA);\n"                   // 8
                      "\tkshim_u64 iovas[] = { IOVA };\n"                                   // 9
                      "\tvolatile int forever = 1;\n"                                       // 10
                      "\n"                                                                  // 11
                      "\tKSHIM_CASE_BOUNDARY(&s, iovas, 1);\n"                              // 12
                      "\tKSHIM_STORE(ptep, PTE, 8, KSHIM_STORE_PLAIN);\n"                   // 13
                      "\t" + tail + "\n"                                                    // 14
                      "\tKSHIM_CASE_BOUNDARY(&s, iovas, 1);\n"
                      "\treturn forever - 1;\n"
                      "}\n";
  return f;
}

TEST(CaseIsolation, NullDereferenceIsBadInputAtTheCasesLine) {
  fs::path dir = scratch_dir();
  fs::path bad = write_case(dir, "null_deref", "*(volatile kshim_u64 *)0 = 1;");
  auto r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--quiet", "--model", "coherent", "--case", bad.string()});
  EXPECT_EQ(r.status, 2) << r.out;
  // The store at line 13 is the last event: the crash is just after it.
  EXPECT_NE(r.out.find(bad.string() + ":13: case null_deref crashed with SIGSEGV after event"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(store"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

// The cases of a command share one child: the one that crashes is named.
TEST(CaseIsolation, CrashAfterAGoodCaseNamesTheCrashingOne) {
  fs::path dir = scratch_dir();
  fs::path bad = write_case(dir, "abort_late", "__builtin_trap();");  // SIGILL on x86, SIGTRAP on arm64
  auto r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--quiet", "--model", "coherent", "--case",
                                   kPlainOneStore, "--case", bad.string()});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find(bad.string() + ":13: case abort_late crashed with SIG"), std::string::npos)
      << r.out;
  fs::remove_all(dir);
}

TEST(CaseIsolation, EndlessLoopStopsAtTheTimeout) {
  fs::path dir = scratch_dir();
  fs::path bad = write_case(dir, "endless", "while (forever) { }");
  const auto start = std::chrono::steady_clock::now();
  auto r = smmu::testing::run_cli(
      {"pt", "--debian", "6.12", "--quiet", "--model", "coherent", "--timeout", "2", "--case", bad.string()});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find(bad.string() + ":13: case endless did not finish within 2 s after event"), std::string::npos)
      << r.out;
  EXPECT_LT(took, std::chrono::seconds(20)) << r.out;
  fs::remove_all(dir);
}

TEST(CaseIsolation, TimeoutMustBeSeconds) {
  auto r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--timeout", "0", "--case", kPlainOneStore});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--timeout expects a number of seconds"), std::string::npos) << r.out;
}

// The child sends the whole trace back: event for event what an in-process run records.
TEST(CaseIsolation, ChildRunRecordsWhatAnInProcessRunDoes) {
  harness::BuildOptions o;
  harness::CaseRunner runner(kPlainOneStore, o);
  const harness::RunnableCase c = runner.cases().at(0);
  harness::RunResult here = runner.run(c);
  harness::RunResult there = runner.run_isolated(c, 60);
  EXPECT_EQ(there.suite, here.suite);
  EXPECT_EQ(there.name, here.name);
  EXPECT_EQ(there.status, here.status);
  EXPECT_EQ(there.trace.complete, here.trace.complete);
  ASSERT_EQ(there.trace.descs.size(), here.trace.descs.size());
  ASSERT_EQ(there.trace.events.size(), here.trace.events.size());
  for (size_t i = 0; i < here.trace.events.size(); ++i) {
    const harness::Event &a = here.trace.events[i], &b = there.trace.events[i];
    EXPECT_EQ(harness::describe(there.trace, b), harness::describe(here.trace, a)) << "event " << i + 1;
    EXPECT_EQ(b.loc.file, a.loc.file);
    EXPECT_EQ(b.loc.line, a.loc.line);
    EXPECT_EQ(b.walk.root, a.walk.root);
    EXPECT_EQ(b.iovas, a.iovas);
  }
}

// A good case through the CLI: its verdicts, as before.
TEST(CaseIsolation, GoodCaseKeepsItsVerdicts) {
  auto r = smmu::testing::run_cli(
      {"pt", "--debian", "6.12", "--quiet", "--model", "coherent,cacheable-byte", "--case", kPlainOneStore});
  EXPECT_EQ(r.status, 1) << r.out;  // torn under cacheable-byte
  EXPECT_NE(r.out.find("violation (torn): pte_plain_one_store under cacheable-byte"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("error"), std::string::npos) << r.out;
}

}  // namespace
