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
  EXPECT_NE(b.out.find("arm_smmu_v3_write_ste_test_bypass_to_abort"), std::string::npos);
}

TEST(CliErrors, HelpTeachesWithAnExample) {
  auto r = run_cli({"kunit", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("\nexamples:\n  smmu-check kunit --debian 6.12\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--debian SERIES"), std::string::npos);
}
