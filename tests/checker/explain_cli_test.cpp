// smmu-check explain on the real 6.12 tree: the timeline marks the violating
// reads, and the SVG and HTML it writes are well formed and render.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kernel_fixture.h"

namespace fs = std::filesystem;
using smmu::testing::run_cli;

namespace {

std::string slurp(const fs::path &p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

bool have(const char *tool) { return std::system((std::string("command -v ") + tool + " >/dev/null").c_str()) == 0; }

fs::path scratch(const std::string &name) {
  fs::path d = fs::temp_directory_path() / ("smmu-explain-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}

}  // namespace

TEST(Explain, PageTableViolationDrawsTheCachedWalk) {
  fs::path svg = scratch("split.svg"), html = scratch("split.html");
  auto r = run_cli({"explain", "--debian", "6.12", "pt_split_block_4k", "--svg", svg.string(), "--html", html.string()});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("violation (stale)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SMMU  reads L2 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the cached walk, used after operation 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<== violation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("level 2 entry not removed by event"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TTL=3 names level 3 leaves"), std::string::npos) << r.out;
  std::string s = slurp(svg);
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(s.find("class=\"read violation\""), std::string::npos);
  EXPECT_NE(slurp(html).find("<svg"), std::string::npos);
  if (!have("xmllint") || !have("rsvg-convert")) GTEST_SKIP() << "xmllint/rsvg-convert missing (scripts/setup installs them)";
  EXPECT_EQ(std::system(("xmllint --noout " + svg.string()).c_str()), 0);
  EXPECT_EQ(std::system(("xmllint --html --noout " + html.string() + " 2>/dev/null").c_str()), 0);
  fs::path png = scratch("split.png");
  ASSERT_EQ(std::system(("rsvg-convert " + svg.string() + " -o " + png.string()).c_str()), 0);
  EXPECT_GT(fs::file_size(png), 10000u) << "a rendered timeline is a real picture";
}

TEST(Explain, SteUpdateWithADroppedSyncMarksTheObservedParts) {
  fs::path svg = scratch("ste.svg");
  auto r = run_cli({"explain", "--debian", "6.12", "arm_smmu_v3_write_ste_test_s1_to_s2", "--inject", "drop-sync:1",
                    "--svg", svg.string()});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("violation (misordered)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SMMU  reads ste0.q0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("arm-smmu-v3.c:" + std::to_string(smmu::testing::entry_set_line("6.12"))), std::string::npos)
      << r.out;
  if (have("rsvg-convert"))
    EXPECT_EQ(std::system(("rsvg-convert " + svg.string() + " -o " + scratch("ste.png").string()).c_str()), 0);
}

TEST(Explain, PassingCaseHasNoMarkedRead) {
  auto r = run_cli({"explain", "--debian", "6.12", "arm_smmu_v3_write_ste_test_bypass_to_abort"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("pass"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("<== violation"), std::string::npos) << r.out;
}

TEST(Explain, BadInputIsExitTwo) {
  auto none = run_cli({"explain", "--debian", "6.12"});
  EXPECT_EQ(none.status, 2) << none.out;
  auto unknown = run_cli({"explain", "--debian", "6.12", "no_such_case"});
  EXPECT_EQ(unknown.status, 2) << unknown.out;
  auto bad_fault = run_cli({"explain", "--debian", "6.12", "pt_unmap_page_4k", "--inject", "drop-sync:1"});
  EXPECT_EQ(bad_fault.status, 2) << bad_fault.out;
  EXPECT_NE(bad_fault.out.find("drop-tlbi"), std::string::npos) << bad_fault.out;
}

TEST(Explain, SeqFileIsDrawnAsSeqChecksIt) {
  fs::path svg = scratch("tear.svg");
  const std::string seq = std::string(SMMU_CASES_DIR) + "/ste_cdtable_pointer_cacheable_byte.seq";
  auto r = run_cli({"explain", seq, "--model", "cacheable-byte", "--svg", svg.string()});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("ste_cdtable_pointer_cacheable_byte under cacheable-byte"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("violation (torn)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ste_cdtable_pointer_cacheable_byte.seq:20"), std::string::npos) << "events at their .seq line";
  // Three bytes of the pointer change; two of them (one old, one new) make the tear.
  size_t marked = 0;
  for (size_t p = 0; (p = r.out.find("<== violation", p)) != std::string::npos; ++p) ++marked;
  EXPECT_EQ(marked, 2u) << r.out;
  EXPECT_NE(slurp(svg).find("class=\"read violation\""), std::string::npos);
  auto pass = run_cli({"explain", seq, "--model", "cacheable-64"});
  EXPECT_EQ(pass.status, 0) << pass.out;
  auto pte = run_cli({"explain", std::string(SMMU_CASES_DIR) + "/pte_plain_one_store.seq", "--model", "cacheable-byte"});
  EXPECT_EQ(pte.status, 1) << pte.out;
  EXPECT_NE(pte.out.find("violation (torn)"), std::string::npos) << pte.out;
}

TEST(Explain, CaseFileIsDrawnAsPtCaseRunsIt) {
  fs::path svg = scratch("case.svg");
  auto r = run_cli({"explain", "--debian", "6.12", "--case", std::string(SMMU_CASES_DIR) + "/pte_plain_one_store.c",
                    "--model", "cacheable-byte", "--svg", svg.string()});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("pte_plain_one_store under cacheable-byte"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("violation (torn)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pte_plain_one_store.c:"), std::string::npos) << "events at the case's lines";
  EXPECT_NE(slurp(svg).find("<svg"), std::string::npos);
  auto safe = run_cli({"explain", "--debian", "6.12", "--case", std::string(SMMU_CASES_DIR) + "/pte_valid_bit_last.c",
                       "--model", "cacheable-byte"});
  EXPECT_EQ(safe.status, 0) << safe.out;
  auto wrong = run_cli({"explain", "--debian", "6.12", "--case", std::string(SMMU_CASES_DIR) + "/pte_valid_bit_last.c",
                        "no_such_case"});
  EXPECT_EQ(wrong.status, 2) << wrong.out;
}
