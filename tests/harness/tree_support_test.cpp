// A tree is a parameter: headers staged as the tree's own headers include
// them, cache entries that repair themselves, families that degrade alone.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "cache_manifest.h"
#include "header_closure.h"
#include "kernel_fixture.h"

namespace fs = std::filesystem;
using smmu::testing::run_cli;

namespace {

fs::path temp_dir(const std::string &name) {
  fs::path d = fs::temp_directory_path() / ("smmu-check-test-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const fs::path &f, const std::string &text) {
  fs::create_directories(f.parent_path());
  std::ofstream(f) << text;
}

std::string read(const fs::path &f) {
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A private copy of the extracted 6.12 tree (in the build cache, never in the repo).
fs::path copy_of_612_tree(const std::string &name) {
  const auto &k = smmu::testing::kernel("6.12");
  fs::path dst = temp_dir(name);
  fs::remove_all(dst);
  fs::copy(k.tree().root, dst, fs::copy_options::recursive);
  return dst;
}

void rename_everywhere(const fs::path &file, const std::string &name) {
  std::string text = std::regex_replace(read(file), std::regex("\\b" + name + "\\b"), name + "_renamed");
  std::ofstream(file) << text;
}

fs::path driver_of(const fs::path &tree) { return tree / "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c"; }

}  // namespace

TEST(HeaderClosure, StagesWhatAStagedHeaderIncludesAndStopsAtTheShim) {
  fs::path root = temp_dir("closure");
  write(root / "include/linux/seed.h", "#include <linux/added.h>\n#include <linux/kernel.h>\n#include <asm/nowhere.h>\n");
  write(root / "include/linux/added.h", "#include <uapi/linux/only_uapi.h>\n");
  write(root / "include/uapi/linux/only_uapi.h", "/* nothing */\n");
  write(root / "include/linux/kernel.h", "#error the shim's kernel.h must win\n");
  fs::path shim = temp_dir("closure-shim");
  write(shim / "linux/kernel.h", "");
  smmu::harness::KernelTree tree;
  tree.root = root;

  auto c = smmu::harness::real_header_closure(tree, {"include/linux/seed.h", "include/linux/absent.h"}, {shim});
  std::vector<std::string> staged;
  for (const auto &h : c.staged) staged.push_back(h.include_name);
  EXPECT_EQ(staged, (std::vector<std::string>{"linux/seed.h", "linux/added.h", "uapi/linux/only_uapi.h"}));
  ASSERT_EQ(c.unresolved.size(), 1u);
  EXPECT_EQ(c.unresolved[0].include_name, "asm/nowhere.h");
  EXPECT_EQ(c.unresolved[0].included_by, "include/linux/seed.h:3");

  std::string why = smmu::harness::explain_missing_header(tree, c, "x.c:1:10: fatal error: 'asm/nowhere.h' file not found");
  EXPECT_NE(why.find("<asm/nowhere.h>, included by include/linux/seed.h:3, is neither in the tree nor in"),
            std::string::npos) << why;
  fs::remove_all(root);
  fs::remove_all(shim);
}

TEST(CacheManifest, QuickCheckSeesSizeAndTimeFullCheckSeesContent) {
  using smmu::harness::VerifyDepth;
  fs::path d = temp_dir("manifest");
  write(d / "a.txt", "hello");
  write(d / "sub/b.txt", "world");
  EXPECT_FALSE(smmu::harness::verify_manifest(d, VerifyDepth::Quick).empty()) << "no manifest is a problem";
  smmu::harness::write_manifest(d);
  EXPECT_TRUE(smmu::harness::verify_manifest(d, VerifyDepth::Full).empty());

  // Same size, same time, other bytes: only the full check sees it.
  auto t = fs::last_write_time(d / "sub/b.txt");
  write(d / "sub/b.txt", "WORLD");
  fs::last_write_time(d / "sub/b.txt", t);
  EXPECT_TRUE(smmu::harness::verify_manifest(d, VerifyDepth::Quick).empty());
  auto full = smmu::harness::verify_manifest(d, VerifyDepth::Full);
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0], "sub/b.txt: content differs from when it was recorded");

  fs::resize_file(d / "a.txt", 2);
  auto quick = smmu::harness::verify_manifest(d, VerifyDepth::Quick);
  ASSERT_FALSE(quick.empty());
  EXPECT_EQ(quick[0], "a.txt: 2 bytes, expected 5");
  fs::remove(d / "a.txt");
  EXPECT_EQ(smmu::harness::verify_manifest(d, VerifyDepth::Quick)[0], "a.txt: missing");
  fs::remove_all(d);
}

// One family's function renamed: that family's rows say unsupported and name
// it; every other family still runs and is judged.
TEST(FamilySupport, ARenamedFamilyFunctionDisablesThatFamilyAlone) {
  fs::path tree = copy_of_612_tree("family");
  rename_everywhere(driver_of(tree), "arm_smmu_map_pages");
  fs::path expect = temp_dir("family-expect") / "expect.txt";
  write(expect, "pass kunit/* coherent\npass sweep/ste coherent\npass pt/iopt_* coherent\n");

  auto r = run_cli({"kernel", "--src", tree.string(), "--model", "coherent", "--expect", expect.string()});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("family pt-smmu unsupported: the tree does not define arm_smmu_map_pages"), std::string::npos)
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\npt/pt_\*\s+unsupported\n)"))) << r.out;
  // sweep/l1 and pt/pt_* lack the same function: one root cause.
  EXPECT_NE(r.out.find("  unsupported under coherent: 2 cells, e.g. sweep/l1 under coherent: the tree does not "
                       "define arm_smmu_map_pages (family pt-smmu)\n"),
            std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nkunit/write_ste_test_bypass_to_abort\s+pass\n)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nsweep/ste\b[^\n]*\s+pass\n)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\npt/iopt_\w+\s+pass\n)"))) << r.out;
  EXPECT_EQ(r.out.find("\npt/pt_map_page_4k"), std::string::npos) << "no pt_* scenario can run";

  // Unsupported is neither pass nor fail, unless an expectation names the row.
  write(expect, "pass kunit/* coherent\npass pt/pt_* coherent\n");
  auto gated = run_cli({"kernel", "--src", tree.string(), "--model", "coherent", "--only", "kunit,pt",
                        "--expect", expect.string(), "--quiet"});
  EXPECT_EQ(gated.status, 1) << gated.out;
  fs::remove_all(tree);
  fs::remove_all(expect.parent_path());
}

// A function every family needs is missing: the slice cannot be built, yet
// 'kernel' still lints the tree and names why the other rows cannot run.
TEST(FamilySupport, WithoutASliceOnlyLintRunsAndNothingExitsTwo) {
  fs::path tree = copy_of_612_tree("noslice");
  rename_everywhere(driver_of(tree), "arm_smmu_make_abort_ste");
  auto r = run_cli({"kernel", "--src", tree.string(), "--model", "coherent"});
  EXPECT_EQ(r.status, 1) << r.out;  // lint's warnings fail the gate without --expect
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nkunit\s+unsupported\n)"))) << r.out;
  EXPECT_NE(r.out.find("the slice could not be built: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c: the tree does "
                       "not define arm_smmu_make_abort_ste"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("smmu-descriptor-plain-store at drivers/iommu/io-pgtable-arm.c:"), std::string::npos)
      << "lint still ran:\n" << r.out;
  fs::remove_all(tree);
}

TEST(DebianSources, SeriesAndVersionAreCheckedBeforeAnythingIsFetched) {
  auto bad = run_cli({"list", "--debian", "latest"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("--debian expects a series such as 6.12 or 7.3, or a point release such as "
                         "6.12=6.12.115, got 'latest'"),
            std::string::npos) << bad.out;
  auto other = run_cli({"list", "--debian", "7.3=6.12.115"});
  EXPECT_EQ(other.status, 2);
  EXPECT_NE(other.out.find("version 6.12.115 is not of series 7.3"), std::string::npos) << other.out;
}

// A damaged cache entry is rebuilt once, with a note, before anything is reported.
TEST(CacheRepair, DamagedTreeAndSliceAreRebuiltAndVerifyFindsContentChanges) {
  fs::path cache = temp_dir("cache");
  auto list = [&] { return run_cli({"list", "--debian", "6.12", "--cache", cache.string()}); };
  auto first = list();
  ASSERT_EQ(first.status, 0) << first.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(first.out, m, std::regex(R"(slice ([0-9a-f]{16}))"))) << first.out;
  fs::path slice = cache / "slices" / m[1].str() / "slice.so";
  fs::path header = cache / "trees/debian-6.12/linux-source-6.12/include/linux/bits.h";
  ASSERT_TRUE(fs::exists(slice) && fs::exists(header));

  // A truncated tree file: extracted again.
  fs::resize_file(header, 10);
  auto tree = list();
  EXPECT_EQ(tree.status, 0) << tree.out;
  EXPECT_NE(tree.out.find("is damaged (include/linux/bits.h: 10 bytes, expected"), std::string::npos) << tree.out;
  EXPECT_NE(tree.out.find("extracting it again"), std::string::npos) << tree.out;
  EXPECT_GT(fs::file_size(header), 10u);

  // A slice whose size and time still match but does not load: built again.
  auto t = fs::last_write_time(slice);
  {
    std::fstream f(slice, std::ios::in | std::ios::out | std::ios::binary);
    f.write("garbage", 7);
  }
  fs::last_write_time(slice, t);
  auto reload = list();
  EXPECT_EQ(reload.status, 0) << reload.out;
  EXPECT_NE(reload.out.find("invalid ELF header; building the slice again"), std::string::npos) << reload.out;
  EXPECT_NE(reload.out.find("kunit     arm_smmu_v3_write_ste_test_bypass_to_abort"), std::string::npos);

  // The full check sees a same-size, same-time change, removes the entry, and the next run rebuilds it.
  fs::path c_file = slice.parent_path() / "arm-smmu-v3.c";
  t = fs::last_write_time(c_file);
  {
    std::fstream f(c_file, std::ios::in | std::ios::out | std::ios::binary);
    f.write("//", 2);
  }
  fs::last_write_time(c_file, t);
  auto verify = run_cli({"cache", "--verify", "--cache", cache.string()});
  EXPECT_EQ(verify.status, 1) << verify.out;
  EXPECT_NE(verify.out.find("damaged: arm-smmu-v3.c: content differs"), std::string::npos) << verify.out;
  EXPECT_FALSE(fs::exists(slice));
  EXPECT_EQ(list().status, 0);
  EXPECT_EQ(run_cli({"cache", "--verify", "--cache", cache.string()}).status, 0);

  auto clean = run_cli({"cache", "--clean", "--cache", cache.string()});
  EXPECT_EQ(clean.status, 0) << clean.out;
  EXPECT_TRUE(fs::is_empty(cache));
  fs::remove_all(cache);
}
