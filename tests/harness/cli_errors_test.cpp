// Bad input gets a clear message and a non-zero exit, never a crash.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "kernel_fixture.h"

namespace fs = std::filesystem;
using smmu::testing::run_cli;

namespace {

// A private copy of the extracted 6.12 tree (in the build cache, never in the repo).
fs::path copy_of_612_tree(const std::string &name) {
  const auto &k = smmu::testing::kernel("6.12");
  fs::path dst = fs::temp_directory_path() / ("smmu-check-test-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dst);
  fs::copy(k.tree().root, dst, fs::copy_options::recursive);
  return dst;
}

void edit(const fs::path &file, const std::string &regex, const std::string &replacement) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = std::regex_replace(ss.str(), std::regex(regex), replacement);
  std::ofstream(file) << text;
}

}  // namespace

TEST(CliErrors, SeriesDebianDoesNotHaveIsNamedWithWhatWasSearched) {
  auto r = run_cli({"kunit", "--debian", "9.99"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("Debian's archive has no linux-source-9.99 in the system's suites, trixie-backports, sid"),
            std::string::npos) << r.out;
}

TEST(CliErrors, SourceDirectoryThatIsNotAKernelTree) {
  auto r = run_cli({"kunit", "--src", "/nonexistent/tree"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--src /nonexistent/tree: not a directory"), std::string::npos) << r.out;
}

TEST(CliErrors, TreeMissingANeededFunctionNamesItAndTheFile) {
  fs::path tree = copy_of_612_tree("missing");
  edit(tree / "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c", "arm_smmu_make_abort_ste",
       "renamed_make_abort_ste");
  auto r = run_cli({"kunit", "--src", tree.string(), "--quiet"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c: the tree does not define "
                       "arm_smmu_make_abort_ste"),
            std::string::npos)
      << r.out;
  fs::remove_all(tree);
}

TEST(CliErrors, SliceThatFailsToCompileShowsWhereTheLogIs) {
  fs::path tree = copy_of_612_tree("broken");
  // Break the body of a kept function.
  edit(tree / "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c",
       R"(void arm_smmu_make_abort_ste\(struct arm_smmu_ste \*target\)\n\{)",
       "void arm_smmu_make_abort_ste(struct arm_smmu_ste *target)\n{ this_is_not_c;");
  auto r = run_cli({"kunit", "--src", tree.string(), "--quiet"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("compiling the slice of drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c failed"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("this_is_not_c"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("compiler log: "), std::string::npos);
  fs::remove_all(tree);
}

TEST(CliErrors, UnknownOptionAndUnknownCaseAreNamed) {
  auto a = run_cli({"kunit", "--debain", "6.12"});
  EXPECT_EQ(a.status, 2);
  EXPECT_NE(a.out.find("unknown option --debain"), std::string::npos) << a.out;
  auto b = run_cli({"trace", "--debian", "6.12", "--quiet", "no_such_case"});
  EXPECT_EQ(b.status, 2);
  EXPECT_NE(b.out.find("no KUnit case or scenario named 'no_such_case'"), std::string::npos) << b.out;
  // Nothing is close: no guess, no list of every name, but how to get it.
  EXPECT_EQ(b.out.find("did you mean"), std::string::npos) << b.out;
  EXPECT_EQ(b.out.find("arm_smmu_v3_write_ste_test_bypass_to_abort"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("'smmu-check list' with the same tree lists all"), std::string::npos) << b.out;
}

TEST(CliErrors, UnknownCaseNameSuggestsTheClosestNames) {
  // A typo: the closest name, not the other hundred.
  auto a = run_cli({"trace", "--debian", "6.12", "--quiet", "arm_smmu_v3_write_ste_test_bypass_to_abrt"});
  EXPECT_EQ(a.status, 2);
  EXPECT_NE(a.out.find("did you mean 'arm_smmu_v3_write_ste_test_bypass_to_abort'"), std::string::npos) << a.out;
  EXPECT_EQ(a.out.find("pt_split_block_4k"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("'smmu-check list' with the same tree lists all"), std::string::npos) << a.out;
  // A word typed differently, or left out, still finds the name.
  auto b = run_cli({"explain", "--debian", "6.12", "--quiet", "kunit/write_ste_bypas_to_abort"});
  EXPECT_EQ(b.status, 2);
  EXPECT_NE(b.out.find("did you mean 'arm_smmu_v3_write_ste_test_bypass_to_abort'"), std::string::npos) << b.out;
  auto c = run_cli({"pt", "--debian", "6.12", "--quiet", "--scenario", "pt_split_blok_4k"});
  EXPECT_EQ(c.status, 2);
  EXPECT_NE(c.out.find("did you mean 'pt_split_block_4k'"), std::string::npos) << c.out;
  // A filter that selects no case is bad input, not a pass over nothing.
  auto d = run_cli({"kunit", "--debian", "6.12", "--quiet", "--filter", "bypas_to_abort"});
  EXPECT_EQ(d.status, 2);
  EXPECT_NE(d.out.find("--filter 'bypas_to_abort' selects none of the"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("did you mean 'arm_smmu_v3_write_ste_test_bypass_to_abort'"), std::string::npos) << d.out;
}

TEST(CliErrors, VersionNamesTheToolLlvmAndZ3) {
  for (const char *spelling : {"--version", "version"}) {
    auto r = run_cli({spelling});
    EXPECT_EQ(r.status, 0) << spelling;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^smmu-check \d+\.\d+)"))) << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nLLVM \d+\.\d+\.\d+\n)"))) << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nZ3 \d+\.\d+\.\d+)"))) << r.out;
  }
  auto bad = run_cli({"version", "--verbose"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("unknown option --verbose"), std::string::npos) << bad.out;
  auto extra = run_cli({"version", "6.12"});
  EXPECT_EQ(extra.status, 2);
  EXPECT_NE(extra.out.find("version takes no arguments, got '6.12'"), std::string::npos) << extra.out;
}

TEST(CliErrors, JobsOutsideOneToTheHardwareThreadsIsBadInput) {
  for (const char *jobs : {"999999", "-1", "four", ""}) {
    auto r = run_cli({"kernel", "--debian", "6.12", "--jobs", jobs});
    EXPECT_EQ(r.status, 2) << jobs;
    EXPECT_NE(r.out.find("--jobs expects a number of worker processes from 1 to "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::string("got '") + jobs + "'"), std::string::npos) << r.out;
    // Refused before any work: the tree was never opened.
    EXPECT_EQ(r.out.find("kernel tree debian"), std::string::npos) << r.out;
  }
}

TEST(CliErrors, InjectAtAnIndexTheRunDoesNotHaveIsBadInput) {
  auto a = run_cli({"kunit", "--debian", "6.12", "--quiet", "--filter", "ste_test_bypass_to_abort", "--inject",
                    "drop-sync:999"});
  EXPECT_EQ(a.status, 2);
  EXPECT_TRUE(std::regex_search(
      a.out, std::regex(R"(--inject drop-sync:999: arm_smmu_v3_write_ste_test_bypass_to_abort has \d+ places? to )"
                        R"(inject drop-sync; K must be from 1 to \d+)")))
      << a.out;
  // Every case of the tree: the most any has, and which.
  auto b = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent", "--inject", "tear-store:999"});
  EXPECT_EQ(b.status, 2);
  EXPECT_NE(b.out.find("--inject tear-store:999: none of the "), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("the most any has is "), std::string::npos) << b.out;
  auto c = run_cli({"explain", "--debian", "6.12", "--quiet", "arm_smmu_v3_write_ste_test_bypass_to_abort",
                    "--inject", "merge-steps:999"});
  EXPECT_EQ(c.status, 2);
  EXPECT_NE(c.out.find("--inject merge-steps:999: arm_smmu_v3_write_ste_test_bypass_to_abort has "),
            std::string::npos)
      << c.out;
  auto d = run_cli({"pt", "--debian", "6.12", "--quiet", "--scenario", "pt_split_block_4k", "--model", "coherent",
                    "--inject", "drop-tlbi:999"});
  EXPECT_EQ(d.status, 2);
  EXPECT_TRUE(std::regex_search(d.out, std::regex(R"(--inject drop-tlbi:999: pt_split_block_4k has \d+ places? )")))
      << d.out;
  // An index the run has still works.
  auto e = run_cli({"explain", "--debian", "6.12", "--quiet", "arm_smmu_v3_write_ste_test_bypass_to_abort",
                    "--inject", "drop-sync:1"});
  EXPECT_EQ(e.status, 1) << e.out;
}

TEST(CliErrors, InjectThatOnlyTheCheckerSeesNeedsModel) {
  auto r = run_cli({"kunit", "--debian", "6.12", "--quiet", "--inject", "tear-store:1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--inject tear-store edits the recorded run for the checker, which the KUnit cases never "
                       "see: add --model"),
            std::string::npos)
      << r.out;
}

TEST(CliErrors, CacheThatIsAFileIsBadInputNamingIt) {
  fs::path file = fs::temp_directory_path() / ("smmu-check-test-cache-file-" + std::to_string(getpid()));
  std::ofstream(file) << "not a directory\n";
  for (std::vector<std::string> args : {std::vector<std::string>{"kunit", "--debian", "6.12", "--quiet"},
                                        {"lint", "--debian", "6.12", "--quiet"}, {"trees", "--quiet"}, {"cache"}}) {
    args.insert(args.end(), {"--cache", file.string()});
    auto r = run_cli(args);
    EXPECT_EQ(r.status, 2) << args[0] << ": " << r.out;
    EXPECT_NE(r.out.find("--cache " + file.string() + ": not a directory"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("internal error"), std::string::npos) << r.out;
  }
  auto below = run_cli({"kunit", "--debian", "6.12", "--quiet", "--cache", (file / "sub").string()});
  EXPECT_EQ(below.status, 2) << below.out;
  EXPECT_NE(below.out.find("--cache " + (file / "sub").string() + ": cannot create the directory"),
            std::string::npos)
      << below.out;
  fs::remove(file);
}

// A relative cache (--cache or $SMMU_CHECK_CACHE) is taken from the working
// directory: the tree's files still parse, wherever the compiler runs.
TEST(CliErrors, ARelativeCacheWorks) {
  const char *cache = std::getenv("SMMU_CHECK_CACHE");
  ASSERT_NE(cache, nullptr);
  const std::string rel = fs::relative(cache).string();
  ASSERT_FALSE(fs::path(rel).is_absolute());
  auto r = run_cli({"lint", "--debian", "6.12", "--quiet", "--cache", rel});
  EXPECT_EQ(r.out.find("did not parse"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("smmu-descriptor-plain-store"), std::string::npos) << r.out;
}

TEST(CliErrors, UnwritableOutputIsFoundBeforeTheRun) {
  const std::string bad = "/nonexistent-smmu-check-dir/report.json";
  auto k = run_cli({"kernel", "--debian", "6.12", "--output", bad});
  EXPECT_EQ(k.status, 2);
  EXPECT_NE(k.out.find("--output " + bad + ": cannot write"), std::string::npos) << k.out;
  EXPECT_EQ(k.out.find("kernel tree debian"), std::string::npos) << k.out;  // before the tree is opened
  auto x = run_cli({"explore", "--debian", "6.12", "--output", bad});
  EXPECT_EQ(x.status, 2);
  EXPECT_NE(x.out.find("--output " + bad + ": cannot write"), std::string::npos) << x.out;
  EXPECT_EQ(x.out.find("kernel tree debian"), std::string::npos) << x.out;
  auto e = run_cli({"explain", "--debian", "6.12", "arm_smmu_v3_write_ste_test_bypass_to_abort", "--svg",
                    fs::temp_directory_path().string()});
  EXPECT_EQ(e.status, 2);
  EXPECT_NE(e.out.find("--svg " + fs::temp_directory_path().string() + ": is a directory"), std::string::npos)
      << e.out;
  EXPECT_EQ(e.out.find("kernel tree debian"), std::string::npos) << e.out;
}

TEST(CliErrors, HelpTeachesWithAnExample) {
  auto r = run_cli({"kunit", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("\nexamples:\n  smmu-check kunit --debian 6.12\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--debian SERIES"), std::string::npos);
}

// One name per case: what the kernel table prints names the case for every
// command that takes one, as do the short and the full name.
TEST(CliErrors, TheTablesCaseNameIsAcceptedEverywhere) {
  for (const std::string name : {"kunit/write_ste_test_bypass_to_abort", "write_ste_test_bypass_to_abort",
                                 "arm_smmu_v3_write_ste_test_bypass_to_abort"}) {
    auto t = run_cli({"trace", "--debian", "6.12", "--quiet", name});
    EXPECT_EQ(t.status, 0) << name << "\n" << t.out;
    EXPECT_NE(t.out.find("# KUnit case arm_smmu_v3_write_ste_test_bypass_to_abort on debian 6.12"), std::string::npos)
        << t.out;
  }
  auto e = run_cli({"explain", "--debian", "6.12", "--quiet", "kunit/write_ste_test_bypass_to_abort"});
  EXPECT_EQ(e.status, 0) << e.out;
  auto p = run_cli({"pt", "--debian", "6.12", "--quiet", "--scenario", "pt/pt_split_block_4k", "--model", "coherent"});
  EXPECT_EQ(p.status, 1) << p.out;  // the known stale finding: the scenario ran
  EXPECT_NE(p.out.find("violation (stale): pt_split_block_4k under coherent"), std::string::npos) << p.out;
}

// --version with a tree names what a verdict depends on: tool, tree, slice.
TEST(CliErrors, VersionWithATreeNamesTheTreeAndTheSlice) {
  auto bare = run_cli({"--version"});
  EXPECT_EQ(bare.status, 0);
  EXPECT_TRUE(std::regex_search(bare.out, std::regex("^smmu-check [0-9.]+\nLLVM [0-9.]+\nZ3 "))) << bare.out;
  EXPECT_EQ(bare.out.find("slice "), std::string::npos) << bare.out;
  auto v = run_cli({"--version", "--debian", "6.12", "--quiet"});
  EXPECT_EQ(v.status, 0) << v.out;
  EXPECT_TRUE(std::regex_search(v.out, std::regex("\ntree debian 6\\.12 6\\.12\\.[0-9]+\nslice [0-9a-f]{16}\n")))
      << v.out;
}
