// Kernel line coverage of what ran: a coverage slice of Linux 6.12, its
// counters read after scenarios, mapped back to io-pgtable-arm.c lines found
// by content.
#include <algorithm>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "coverage.h"
#include "kernel_fixture.h"
#include "line_map.h"

namespace smmu::testing {
namespace {

using harness::CoverageReport;
using harness::FunctionCoverage;
using harness::SliceCoverage;

const harness::KernelRunner &coverage_kernel() {
  static std::unique_ptr<harness::KernelRunner> r;
  if (!r) {
    harness::BuildOptions o;
    o.coverage = true;
    r = std::make_unique<harness::KernelRunner>(kernel_tree("6.12"), o);
  }
  return *r;
}

SliceCoverage &coverage() {
  static SliceCoverage cov(coverage_kernel());
  return cov;
}

void run(const std::string &name) {
  const auto &k = coverage_kernel();
  harness::RunResult r = k.run(k.find(name));
  ASSERT_EQ(r.status, harness::RunStatus::Pass) << name;
}

bool has(const std::vector<int> &lines, int line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// In __arm_lpae_map: allocating a next-level table (every map into an empty
// table) and descending into an existing one (only a map next to an earlier one).
int alloc_table_line() {
  return kernel_line_after("6.12", kPgtableFile, {"static int __arm_lpae_map(", "cptep = __arm_lpae_alloc_pages("});
}
int existing_table_line() {
  return kernel_line_after("6.12", kPgtableFile, {"static int __arm_lpae_map(", "cptep = iopte_deref(pte, data);"});
}

TEST(Coverage612, OneScenarioExecutesItsPathOnly) {
  SliceCoverage &cov = coverage();
  cov.reset();
  run("iopt_map_page_coherent");
  FunctionCoverage f = cov.function("__arm_lpae_map");
  ASSERT_TRUE(f.present);
  EXPECT_EQ(f.file, kPgtableFile);
  EXPECT_TRUE(has(f.executable, alloc_table_line()));
  EXPECT_TRUE(has(f.executed, alloc_table_line()));
  EXPECT_TRUE(has(f.executable, existing_table_line()));
  EXPECT_TRUE(has(f.unexecuted, existing_table_line()));
  EXPECT_FALSE(has(f.executed, existing_table_line()));
  EXPECT_EQ(f.executed.size() + f.unexecuted.size(), f.executable.size());
  EXPECT_LT(f.lines_executed(), f.lines_executable());
  // A line outside the function is none of its lines.
  EXPECT_FALSE(has(f.executable, kernel_line("6.12", kPgtableFile, "static arm_lpae_iopte arm_lpae_prot_to_pte(")));
  // `if (pte && !iopte_leaf(...))`: never true in a map into an empty table.
  int cond = kernel_line_after("6.12", kPgtableFile, {"static int __arm_lpae_map(", "if (pte && !iopte_leaf("});
  bool found = false;
  for (const auto &b : f.branches)
    if (b.line == cond && b.true_count == 0) found = true;
  EXPECT_TRUE(found) << "no never-true condition at line " << cond;
}

// FIELD_PREP's compile-time checks hold a noreturn call; Clang 14's mapping
// took the line after each for never executed until coverage slices left
// the call out (KSHIM_COVERAGE).
TEST(Coverage612, TheLineAfterAFieldPrepCounts) {
  SliceCoverage &cov = coverage();
  cov.reset();
  run("tlbi_s1_ril");
  FunctionCoverage f = cov.function("arm_smmu_cmdq_build_cmd");
  ASSERT_TRUE(f.present);
  const int field_prep = kernel_line_after("6.12", kDriverFile, {"arm_smmu_cmdq_build_cmd(", "FIELD_PREP(CMDQ_0_OP"});
  const int after = kernel_line("6.12", kDriverFile, "switch (ent->opcode)", 1, field_prep);
  EXPECT_TRUE(has(f.executed, field_prep));
  EXPECT_TRUE(has(f.executed, after)) << "line " << after << " reads as never executed";
}

TEST(Coverage612, AnotherScenarioAccumulates) {
  SliceCoverage &cov = coverage();
  cov.reset();
  run("iopt_map_page_coherent");
  CoverageReport before = cov.report({"__arm_lpae_map", "arm_lpae_install_table"});
  ASSERT_TRUE(before.find("__arm_lpae_map")->present);
  size_t alloc = std::find(before.functions[0].executable.begin(), before.functions[0].executable.end(),
                           alloc_table_line()) - before.functions[0].executable.begin();
  ASSERT_LT(alloc, before.functions[0].counts.size());
  uint64_t allocs_before = before.functions[0].counts[alloc];

  run("iopt_unmap_page_coherent");  // maps a second page next to the first
  CoverageReport after = cov.report({"__arm_lpae_map", "arm_lpae_install_table"});
  const FunctionCoverage &f = *after.find("__arm_lpae_map");
  EXPECT_TRUE(has(f.executed, existing_table_line()));
  EXPECT_FALSE(has(f.unexecuted, existing_table_line()));
  EXPECT_GT(f.counts[alloc], allocs_before);  // counters add up over runs
  EXPECT_GE(after.lines_executed(), before.lines_executed());

  harness::CoverageAdded added = harness::coverage_added(before, after);
  ASSERT_FALSE(added.empty());
  bool names_line = false;
  for (const auto &l : added.lines)
    if (l.function == "__arm_lpae_map") names_line = has(l.lines, existing_table_line());
  EXPECT_TRUE(names_line);
  EXPECT_TRUE(harness::coverage_added(after, after).empty());

  // The same run again adds nothing new.
  run("iopt_unmap_page_coherent");
  EXPECT_TRUE(harness::coverage_added(after, cov.report({"__arm_lpae_map", "arm_lpae_install_table"})).empty());
}

TEST(Coverage612, ResetAndProfilesOfOtherProcesses) {
  SliceCoverage &cov = coverage();
  cov.reset();
  run("iopt_unmap_page_coherent");
  CoverageReport ran = cov.report({"__arm_lpae_map"});
  ASSERT_GT(ran.lines_executed(), 0u);
  std::string raw = cov.raw_profile();
  cov.reset();
  EXPECT_EQ(cov.report({"__arm_lpae_map"}).lines_executed(), 0u);
  // A worker's counters, handed over: the same coverage as running here.
  cov.add_raw_profile(raw);
  CoverageReport handed = cov.report({"__arm_lpae_map"});
  EXPECT_EQ(handed.functions[0].executed, ran.functions[0].executed);
  EXPECT_EQ(handed.functions[0].counts, ran.functions[0].counts);
  cov.reset();
  EXPECT_EQ(cov.report({"__arm_lpae_map"}).lines_executed(), 0u);
}

TEST(Coverage612, AbsentFunctionsAreReportedAbsent) {
  CoverageReport r = coverage().report(
      {"__arm_lpae_map", "arm_smmu_domain_inv_range", "no_such_function", "arm_smmu_atc_inv_master"});
  ASSERT_EQ(r.functions.size(), 4u);
  EXPECT_TRUE(r.functions[0].present);
  EXPECT_FALSE(r.functions[1].present);  // 7.x only
  EXPECT_FALSE(r.functions[1].in_tree);
  EXPECT_FALSE(r.functions[2].present);
  EXPECT_FALSE(r.functions[2].in_tree);
  EXPECT_TRUE(r.functions[2].executable.empty());
  // 6.12 defines it, but nothing the harness runs calls it: the slice leaves it out.
  EXPECT_FALSE(r.functions[3].present);
  EXPECT_TRUE(r.functions[3].in_tree);
  EXPECT_EQ(r.functions[3].file, kDriverFile);
  // Every function of the kernel units, none of the harness glue.
  CoverageReport all = coverage().report_all();
  EXPECT_NE(all.find("arm_smmu_write_entry"), nullptr);
  EXPECT_NE(all.find("__arm_lpae_unmap"), nullptr);
  EXPECT_EQ(all.find("kshim_lpae_decode"), nullptr);
}

TEST(Coverage612, NormalSliceHasNoCoverage) {
  EXPECT_THROW(SliceCoverage cov(kernel("6.12")), harness::UserError);
  EXPECT_NE(kernel("6.12").build().key, coverage_kernel().build().key);
}

TEST(Coverage612, LineMapMapsSlicedLinesToKernelLines) {
  const harness::LineMap &map = coverage().line_map("io-pgtable-arm");
  int kernel = existing_table_line();
  int sliced = map.sliced_line(kPgtableFile, kernel);
  ASSERT_GT(sliced, 0);
  auto back = map.kernel_line(sliced);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->file, kPgtableFile);
  EXPECT_EQ(back->line, kernel);
  // The sliced file holds the kernel's text at that line.
  std::ifstream in(coverage_kernel().build().dir / "io-pgtable-arm.c");
  std::string text;
  for (int n = 0; n < sliced && std::getline(in, text); ++n) {
  }
  EXPECT_NE(text.find("cptep = iopte_deref(pte, data);"), std::string::npos) << text;
  EXPECT_FALSE(map.kernel_line(1));  // the prelude
  EXPECT_FALSE(map.kernel_line(map.size() + 1));
}

TEST(LineMap, MarkersPreludeAndEpilogue) {
  harness::LineMap m = harness::LineMap::parse(
      "#include <kshim.h>\n"          // 1: prelude
      "#line 10 \"a/b.c\"\n"          // 2
      "int x;\n"                      // 3 -> a/b.c:10
      "\n"                            // 4 -> a/b.c:11
      "#line 40 \"a/b.c\"\n"          // 5
      "int f(void) {\n"               // 6 -> a/b.c:40
      "}\n"                           // 7 -> a/b.c:41
      "# 7 \"c.h\"\n"                 // 8
      "int y;\n"                      // 9 -> c.h:7
      "#include \"glue.c\"\n");       // 10: epilogue
  EXPECT_FALSE(m.kernel_line(1));
  EXPECT_FALSE(m.kernel_line(2));
  EXPECT_EQ(*m.kernel_line(3), (harness::KernelLine{"a/b.c", 10}));
  EXPECT_EQ(*m.kernel_line(4), (harness::KernelLine{"a/b.c", 11}));
  EXPECT_FALSE(m.kernel_line(5));
  EXPECT_EQ(*m.kernel_line(6), (harness::KernelLine{"a/b.c", 40}));
  EXPECT_EQ(*m.kernel_line(7), (harness::KernelLine{"a/b.c", 41}));
  EXPECT_EQ(*m.kernel_line(9), (harness::KernelLine{"c.h", 7}));
  EXPECT_FALSE(m.kernel_line(10));
  EXPECT_FALSE(m.kernel_line(11));
  EXPECT_EQ(m.sliced_line("a/b.c", 41), 7);
  EXPECT_EQ(m.sliced_line("a/b.c", 12), 0);
  EXPECT_EQ(harness::line_ranges({3, 4, 5, 9, 11, 12}), "3-5,9,11-12");
  EXPECT_EQ(harness::line_ranges({}), "");
}

}  // namespace
}  // namespace smmu::testing
