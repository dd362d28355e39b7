// The review workflow of `smmu-check kernel` on the real 6.12 tree: --baseline
// (only what is new against an earlier report gates) and --patch (a patched
// copy of the tree, in the cache). Runs are narrowed to one cheap KUnit row.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernel_fixture.h"
#include "scratch_dir_test.h"

using smmu::testing::run_cli;
namespace fs = std::filesystem;

namespace {

const std::string kRow = "kunit/write_ste_test_bypass_to_abort";

class KernelReview : public smmu::testing::ScratchDirTest {
 protected:
  KernelReview() : ScratchDirTest("smmu-kernel-review") {}

  // A unified diff (a/X, b/X) of the 6.12 driver with the first `old` after
  // `anchor` replaced, made by diff -u from the cached tree at run time.
  std::string driver_patch(const std::string &name, const std::string &anchor, const std::string &old,
                           const std::string &replacement) const {
    const std::string file = smmu::testing::kDriverFile;
    std::string text = read((smmu::testing::kernel_tree("6.12").root / file).string());
    size_t a = text.find(anchor), i = a == std::string::npos ? a : text.find(old, a);
    EXPECT_NE(i, std::string::npos) << "no '" << old << "' after '" << anchor << "' in " << file;
    const std::string orig = write(name + ".orig", text);
    if (i != std::string::npos) text.replace(i, old.size(), replacement);
    const std::string mod = write(name + ".mod", text);
    const std::string out = path(name);
    std::system(("diff -u --label a/" + file + " --label b/" + file + " '" + orig + "' '" + mod + "' > '" + out + "'")
                    .c_str());
    return out;
  }

};

std::vector<std::string> row(const std::string &models, const std::vector<std::string> &more) {
  std::vector<std::string> v = {"kernel", "--debian", "6.12", "--quiet", "--model", models, "--only", kRow};
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

}  // namespace

// bypass -> abort is stale under cacheable-byte: against a baseline that says
// so, nothing is new and the gate passes; against one where it passed, it is
// new and gates.
TEST_F(KernelReview, BaselineGatesOnlyNewFailures) {
  const std::string base = path("base.json");
  ASSERT_EQ(run_cli(row("coherent,cacheable-byte", {"--format", "json", "--output", base})).status, 1);
  auto same = run_cli(row("coherent,cacheable-byte", {"--baseline", base}));
  EXPECT_EQ(same.status, 0) << same.out;
  EXPECT_EQ(same.out.find("\nfindings"), std::string::npos) << same.out;
  EXPECT_NE(same.out.find("\nbaseline " + base + ": no cell fails anew; 1 cell fails as in the baseline (not listed, "
                          "not gated); 0 fixed\n"),
            std::string::npos)
      << same.out;
  EXPECT_NE(same.out.find("gate (no --expect: every cell must pass): ok, 1 required cells pass, 1 fail as in the baseline"),
            std::string::npos)
      << same.out;
  // JSON keeps the known cell, marked.
  auto json = run_cli(row("coherent,cacheable-byte", {"--baseline", base, "--format", "json"}));
  EXPECT_EQ(json.status, 0) << json.out;
  EXPECT_NE(json.out.find("\"model\":\"cacheable-byte\",\"verdict\":\"violation\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"baseline\":\"known\""), std::string::npos) << json.out;

  // The same baseline with that cell passing (and coherent failing): new, and fixed.
  std::istringstream in(read(base));
  std::string edited;
  for (std::string line; std::getline(in, line);) {
    auto swap = [&](const std::string &from, const std::string &to) {
      if (size_t p = line.find(from); p != std::string::npos) line.replace(p, from.size(), to);
    };
    if (line.find("\"model\":\"cacheable-byte\"") != std::string::npos) swap("\"verdict\":\"violation\"", "\"verdict\":\"pass\"");
    else if (line.find("\"model\":\"coherent\"") != std::string::npos)
      swap("\"verdict\":\"pass\",\"kind\":\"\"", "\"verdict\":\"violation\",\"kind\":\"torn\"");
    edited += line + "\n";
  }
  const std::string passing = write("passing.json", edited);
  auto fresh = run_cli(row("coherent,cacheable-byte", {"--baseline", passing}));
  EXPECT_EQ(fresh.status, 1) << fresh.out;
  EXPECT_NE(fresh.out.find("\nfindings (one line per root cause"), std::string::npos) << fresh.out;
  EXPECT_NE(fresh.out.find(" under cacheable-byte: 1 cell, e.g. " + kRow), std::string::npos) << fresh.out;
  EXPECT_NE(fresh.out.find("1 cell fails anew (listed above); 0 cells fail as in the baseline (not listed, not gated); "
                           "1 fixed:\n  fixed: " + kRow + " under coherent (was torn)\n"),
            std::string::npos)
      << fresh.out;
}

TEST_F(KernelReview, BaselineThatIsNoKernelReportIsBadInput) {
  auto junk = run_cli(row("coherent", {"--baseline", write("junk.json", "not json")}));
  EXPECT_EQ(junk.status, 2) << junk.out;
  EXPECT_NE(junk.out.find("--baseline " + path("junk.json") + ": invalid JSON at line 1"), std::string::npos) << junk.out;
  auto other = run_cli(row("coherent", {"--baseline", write("explore.json", "{\"tool\": \"smmu-check explore\"}")}));
  EXPECT_EQ(other.status, 2) << other.out;
  EXPECT_NE(other.out.find("expected a report of 'smmu-check kernel --format json'"), std::string::npos) << other.out;
  auto missing = run_cli(row("coherent", {"--baseline", path("none.json")}));
  EXPECT_EQ(missing.status, 2) << missing.out;
  EXPECT_NE(missing.out.find("--baseline: cannot read '" + path("none.json") + "'"), std::string::npos) << missing.out;
}

// A baseline cut short, or with a member of the wrong type or missing: bad
// input (exit 2, before any run) naming the line and column, or the member's
// path and what it should hold.
TEST_F(KernelReview, MalformedBaselineNamesWhere) {
  const std::string head = "{\n  \"tool\": \"smmu-check kernel\",\n  \"results\": [\n";
  const std::string item = "{\"check\": \"" + kRow + "\", \"model\": \"coherent\", ";
  auto cut = run_cli(row("coherent", {"--baseline", write("cut.json", head + "    " + item)}));
  EXPECT_EQ(cut.status, 2) << cut.out;
  EXPECT_NE(cut.out.find("--baseline " + path("cut.json") + ": invalid JSON at line 4, column "), std::string::npos)
      << cut.out;
  auto typed = run_cli(row("coherent", {"--baseline", write("typed.json", head + item +
                                                                               "\"verdict\": \"pass\", "
                                                                               "\"trace_complete\": \"yes\"}]}")}));
  EXPECT_EQ(typed.status, 2) << typed.out;
  EXPECT_NE(typed.out.find("--baseline " + path("typed.json") + ": expected boolean at $.results[0].trace_complete"),
            std::string::npos)
      << typed.out;
  auto missing = run_cli(row("coherent", {"--baseline", write("missing.json", head + item + "\"kind\": \"\"}]}")}));
  EXPECT_EQ(missing.status, 2) << missing.out;
  EXPECT_NE(missing.out.find("--baseline " + path("missing.json") + ": missing value at $.results[0].verdict"),
            std::string::npos)
      << missing.out;
}

// The review workflow: a patch dropping entry_set's sync (a known writer bug)
// turns the passing KUnit row into a failure that is new against the base
// tree's report. The patched copy is cached: the second run reuses it.
TEST_F(KernelReview, PatchThatDropsTheSyncIsANewFinding) {
  const std::string base = path("base.json");
  auto b = run_cli(row("coherent", {"--format", "json", "--output", base}));
  ASSERT_EQ(b.status, 0) << b.out;
  const std::string patch =
      driver_patch("drop-sync.diff", "static bool entry_set(", "writer->ops->sync(writer);", ";");
  auto r = run_cli(row("coherent", {"--patch", patch, "--baseline", base}));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("smmu-check kernel: debian 6.12 + drop-sync.diff (6.12."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(", e.g. " + kRow + " under coherent"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nbaseline " + base + ": 1 cell fails anew (listed above); 0 cells fail as in the baseline"),
            std::string::npos)
      << r.out;
  // Again, without --quiet: the copy is not made a second time.
  std::vector<std::string> again = row("coherent", {"--patch", patch, "--baseline", base});
  again.erase(again.begin() + 3);  // --quiet
  auto second = run_cli(again);
  EXPECT_EQ(second.status, 1) << second.out;
  EXPECT_EQ(second.out.find("applying "), std::string::npos) << second.out;
  // The base tree is untouched: its row still passes.
  EXPECT_EQ(run_cli(row("coherent", {})).status, 0);
}

TEST_F(KernelReview, PatchThatDoesNotApplyIsBadInputWithPatchsMessage) {
  const std::string patch = driver_patch("stale.diff", "static bool entry_set(", "writer->ops->sync(writer);", ";");
  std::string text = read(patch);
  // Context no 6.12 tree has: the hunk cannot be placed.
  for (size_t p = 0; (p = text.find("\n \t", p)) != std::string::npos; p += 3) text.replace(p, 3, "\n \tXX ");
  const std::string bad = write("bad.diff", text);
  auto r = run_cli(row("coherent", {"--patch", bad}));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--patch " + bad + " does not apply to debian 6.12:\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Hunk #1 FAILED"), std::string::npos) << r.out;
  auto garbage = run_cli(row("coherent", {"--patch", write("garbage.diff", "hello\n")}));
  EXPECT_EQ(garbage.status, 2) << garbage.out;
  EXPECT_NE(garbage.out.find("Only garbage was found in the patch input"), std::string::npos) << garbage.out;
}
