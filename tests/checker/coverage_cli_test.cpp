// --coverage and `smmu-check coverage` on the real 6.12 tree: the kernel
// lines reported as executed follow what ran; the kernel report carries the
// coverage in text and JSON, and shards' coverage merges.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "coverage_summary.h"
#include "json_io.h"
#include "kernel_fixture.h"
#include "formats.h"

using smmu::testing::kernel_line_after;
using smmu::testing::kPgtableFile;
using smmu::testing::run_cli;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path &file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has(const std::vector<int> &v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// __arm_lpae_map descending into an existing table: only a map next to an earlier one.
int existing_table_line() {
  return kernel_line_after("6.12", kPgtableFile, {"static int __arm_lpae_map(", "cptep = iopte_deref(pte, data);"});
}

// The JSON of `smmu-check coverage ... --format json`, as a summary.
smmu::report::CoverageSummary coverage_of(const std::vector<std::string> &runs) {
  std::vector<std::string> args = {"coverage", "--debian", "6.12", "--quiet", "--format", "json",
                                   "--function", "__arm_lpae_map", "--function", "arm_smmu_domain_inv_range"};
  for (const auto &r : runs) args.insert(args.end(), {"--run", r});
  auto r = run_cli(args);
  EXPECT_EQ(r.status, 0) << r.out;
  llvm::json::Value v = smmu::report::parse_json(r.out, "coverage output");
  const llvm::json::Object &o = *v.getAsObject();
  EXPECT_EQ(o.getString("tool"), llvm::Optional<llvm::StringRef>("smmu-check coverage"));
  EXPECT_EQ(o.getArray("runs")->size(), runs.size());
  return smmu::report::read_json<smmu::report::CoverageSummary>(*o.get("coverage"), "coverage output");
}

class CoverageCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("smmu-coverage-cli-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string &name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

}  // namespace

TEST_F(CoverageCli, CoverageCommandFollowsWhatRan) {
  smmu::report::CoverageSummary one = coverage_of({"iopt_map_page_coherent"});
  const auto *f = one.find("__arm_lpae_map");
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->present);
  EXPECT_EQ(f->file, kPgtableFile);
  EXPECT_TRUE(has(f->unexecuted, existing_table_line()));
  ASSERT_NE(one.find("arm_smmu_domain_inv_range"), nullptr);
  EXPECT_FALSE(one.find("arm_smmu_domain_inv_range")->present);

  smmu::report::CoverageSummary two = coverage_of({"iopt_map_page_coherent", "iopt_unmap_page_coherent"});
  f = two.find("__arm_lpae_map");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(has(f->executed, existing_table_line()));
  EXPECT_FALSE(has(f->unexecuted, existing_table_line()));

  auto bad = run_cli({"coverage", "--debian", "6.12", "--quiet", "--run", "no_such_case"});
  EXPECT_EQ(bad.status, 2) << bad.out;
}

TEST_F(CoverageCli, KernelReportCarriesCoverage) {
  const std::vector<std::string> base = {"kernel", "--debian", "6.12", "--quiet", "--model", "coherent",
                                         "--only", "pt/iopt_map_page_*,pt/iopt_unmap_page_*", "--coverage"};
  auto text = run_cli(base);
  EXPECT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("coverage: kernel lines executed / executable"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("arm_smmu_domain_inv_range"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("absent from this tree"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("not executed: drivers/iommu/io-pgtable-arm.c:"), std::string::npos) << text.out;

  std::vector<std::string> json = base;
  json.insert(json.end(), {"--format", "json", "--output", path("all.json")});
  ASSERT_EQ(run_cli(json).status, 0);
  smmu::report::Report all = smmu::report::read_report(read(path("all.json")), "all", nullptr);
  ASSERT_TRUE(all.coverage);
  const auto *f = all.coverage->find("__arm_lpae_map");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->present);
  EXPECT_TRUE(has(f->executed, existing_table_line()));
  EXPECT_EQ(f->executed.size() + f->unexecuted.size(), f->executable.size());
  EXPECT_EQ(all.coverage->families.front().family, "core");
  EXPECT_GT(all.coverage->lines({"__arm_lpae_map"}).executed, 0u);

  // Without --coverage: no coverage, and shards of both kinds do not merge.
  std::vector<std::string> plain(base.begin(), base.end() - 1);
  plain.insert(plain.end(), {"--format", "json", "--output", path("plain.json")});
  ASSERT_EQ(run_cli(plain).status, 0);
  EXPECT_FALSE(smmu::report::read_report(read(path("plain.json")), "plain", nullptr).coverage);

  // Shards' coverage merges into the unsharded run's lines.
  for (const char *shard : {"1/2", "2/2"}) {
    std::vector<std::string> s = json;
    s.back() = path(std::string("s") + shard[0] + ".json");
    s.insert(s.end(), {"--shard", shard});
    ASSERT_EQ(run_cli(s).status, 0);
  }
  auto m = run_cli({"merge", path("s1.json"), path("s2.json"), "--format", "json", "--output", path("m.json")});
  ASSERT_EQ(m.status, 0) << m.out;
  smmu::report::Report merged = smmu::report::read_report(read(path("m.json")), "merged", nullptr);
  ASSERT_TRUE(merged.coverage);
  for (const auto &g : all.coverage->functions) {
    const auto *h = merged.coverage->find(g.function);
    ASSERT_NE(h, nullptr) << g.function;
    EXPECT_EQ(h->executed, g.executed) << g.function;
  }
  auto mixed = run_cli({"merge", path("s1.json"), path("plain.json")});
  EXPECT_EQ(mixed.status, 2) << mixed.out;
}

TEST_F(CoverageCli, OtherCommandsReportOnStderr) {
  auto r = run_cli({"trace", "--debian", "6.12", "--quiet", "--coverage", "iopt_map_page_coherent"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("# scenario iopt_map_page_coherent"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("coverage: kernel lines executed / executable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("__arm_lpae_map"), std::string::npos) << r.out;
}

TEST(CoverageSummary, JsonRoundTripAndMerge) {
  smmu::harness::FunctionCoverage f;
  f.function = "f";
  f.present = true;
  f.file = "a.c";
  f.executable = {10, 11, 12};
  f.counts = {2, 0, 1};
  f.executed = {10, 12};
  f.unexecuted = {11};
  f.branches = {{10, 5, 2, 0}};
  smmu::harness::FunctionCoverage g;
  g.function = "g";
  g.in_tree = true;
  g.file = "a.c";
  smmu::report::CoverageSummary s;
  s.key = {"f", "g"};
  s.families = {{"core", {"f", "g"}}};
  s.functions = {f, g};
  std::string out = smmu::report::json_string([&](llvm::json::OStream &j) { smmu::report::write_coverage_json(j, s); });
  auto back = smmu::report::read_json<smmu::report::CoverageSummary>(smmu::report::parse_json(out, "summary"), "summary");
  ASSERT_EQ(back.functions.size(), 2u);
  EXPECT_EQ(back.functions[0].executable, f.executable);
  EXPECT_EQ(back.functions[0].counts, f.counts);
  EXPECT_EQ(back.functions[0].unexecuted, f.unexecuted);
  ASSERT_EQ(back.functions[0].branches.size(), 1u);
  EXPECT_EQ(back.functions[0].branches[0].true_count, 2u);
  EXPECT_FALSE(back.functions[1].present);
  EXPECT_TRUE(back.functions[1].in_tree);
  EXPECT_EQ(back.key, s.key);
  EXPECT_EQ(smmu::report::lines_text(back.lines({"f", "g"})), "2/3 (67%)");

  // Another shard ran line 11 and the branch's other side.
  smmu::report::CoverageSummary more = s;
  more.functions[0].counts = {0, 3, 0};
  more.functions[0].branches = {{10, 5, 0, 4}};
  smmu::report::merge_coverage(back, more);
  EXPECT_EQ(back.functions[0].executed, (std::vector<int>{10, 11, 12}));
  EXPECT_TRUE(back.functions[0].unexecuted.empty());
  EXPECT_EQ(back.functions[0].counts, (std::vector<uint64_t>{2, 3, 1}));
  EXPECT_TRUE(back.functions[0].unexecuted_branches().empty());
}
