// `smmu-check kernel` and `smmu-check merge` on the real 6.12 tree: the table,
// the four formats, the --expect gate and its exit status, and shards that
// merge into the unsharded report. Runs are narrowed with --model and --only
// to keep the suite quick; one runs the shipped expectations over everything.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "registry.h"
#include "kernel_fixture.h"
#include "scratch_dir_test.h"
#include "formats.h"
#include "lint.h"
#include "sarif_schema.h"
#include "writer_proof.h"

using smmu::testing::run_cli;
namespace fs = std::filesystem;

namespace {

class KernelCli : public smmu::testing::ScratchDirTest {
 protected:
  KernelCli() : ScratchDirTest("smmu-kernel-cli") {}

  // Runs a Python check on `file` when python3 exists: 1 passed, 0 failed, -1 no python3.
  int python(const std::string &code, const std::string &file) const {
    if (std::system("command -v python3 >/dev/null 2>&1") != 0) return -1;
    std::string script = write("check.py", code);
    return std::system(("python3 '" + script + "' '" + file + "'").c_str()) == 0 ? 1 : 0;
  }

};

// The rows a report holds: (check, item, model, verdict, kind), in order.
std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>> rows(
    const smmu::report::Report &r) {
  std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>> v;
  for (const auto &it : r.items) v.emplace_back(it.check, it.item, it.model, it.verdict, it.kind);
  return v;
}

const std::vector<std::string> kNarrow = {"kernel", "--debian", "6.12", "--quiet", "--model",
                                          "coherent,cacheable-byte", "--only", "kunit,pt/iopt_*"};

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string> &more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

}  // namespace

TEST_F(KernelCli, TextTableHasARowPerCheckAndAColumnPerModel) {
  auto r = run_cli(kNarrow);
  EXPECT_EQ(r.status, 1) << r.out;  // cacheable-byte tears; without --expect every cell must pass
  EXPECT_NE(r.out.find("smmu-check kernel: debian 6.12 (6.12."), std::string::npos) << r.out;
  size_t header = r.out.find("\ncheck ");
  ASSERT_NE(header, std::string::npos) << r.out;
  std::string line = r.out.substr(header + 1, r.out.find('\n', header + 1) - header - 1);
  EXPECT_LT(line.find("coherent"), line.find("cacheable-byte")) << line;
  for (const char *row : {"\nkunit/write_ste_test_bypass_to_abort ", "\nkunit/write_cd_test_sva_release ",
                          "\npt/iopt_map_page_coherent ", "\npt/iopt_split_block_noncoherent "})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  EXPECT_EQ(r.out.find("\nsweep/"), std::string::npos) << "--only kunit,pt/iopt_* runs no sweep";
  // One line per root cause: the writer's tear, once for its 16 cells.
  EXPECT_NE(r.out.find("\n  torn at drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1121 under cacheable-byte: 16 cells, "
                       "e.g. kunit/write_ste_test_cdtable_to_abort under cacheable-byte: "),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("kunit/write_cd_test_s1_change_asid under cacheable-byte: torn: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("kernel: 32 checks x 2 models: "), std::string::npos) << r.out;
}

TEST_F(KernelCli, JsonCarriesEveryFieldOfEveryVerdict) {
  std::string out = path("r.json");
  auto r = run_cli({"kernel", "--debian", "6.12", "--quiet", "--model", "coherent,cacheable-byte", "--only",
                    "kunit/write_cd_test_s1_change_asid,sweep/l1,pt/iopt_map_page_coherent", "--format", "json",
                    "--output", out});
  EXPECT_EQ(r.status, 1) << r.out;
  std::string json = read(out);
  for (const char *field : {"\"check\":\"kunit/write_cd_test_s1_change_asid\"", "\"model\":\"cacheable-byte\"",
                            "\"verdict\":\"violation\"", "\"kind\":\"torn\"", "\"syncs\":2", "\"hitless\":true",
                            "\"explored\":", "\"unique\":", "\"engine\":\"decompose\"", "\"time_s\":",
                            "\"trace\":[{", "\"witness\":{\"update\":1,", "\"check\":\"sweep/l1\"",
                            "\"engine\":\"walker\"", "\"pt\":{\"iovas\":"})
    EXPECT_NE(json.find(field), std::string::npos) << field;
  int ok = python(R"(
import json, sys
d = json.load(open(sys.argv[1]))
keys = {"check", "item", "model", "verdict", "kind", "reason", "syncs", "updates", "hitless", "explored",
        "unique", "engine", "time_s", "notes", "locations", "trace", "witness", "witness_text", "pt", "row"}
assert d["models"] == ["coherent", "cacheable-byte"], d["models"]
assert {r["check"] for r in d["rows"]} == {"kunit/write_cd_test_s1_change_asid", "sweep/l1",
                                           "pt/iopt_map_page_coherent"}
for r in d["results"]:
    assert keys <= set(r), keys - set(r)
    if r["verdict"] == "violation":
        assert r["trace"] and all("event" in e and "file" in e and "line" in e for e in r["trace"]), r
        assert r["locations"] and r["locations"][0]["file"].startswith("drivers/iommu/"), r["locations"]
        assert r["locations"][0]["line"] > 0
kunit = [r for r in d["results"] if r["check"].startswith("kunit/")]
assert [r["model"] for r in kunit] == ["coherent", "cacheable-byte"]
assert isinstance(kunit[0]["syncs"], int) and isinstance(kunit[0]["hitless"], bool)
l1 = [r for r in d["results"] if r["check"] == "sweep/l1"]
assert len(l1) == 6 and all(r["item"] for r in l1)  # three publications under each model
assert d["summary"]["status"] == 1 and d["summary"]["checks"] == 3
)",
                  out);
  EXPECT_NE(ok, 0) << json.substr(0, 3000);
  // Our own reader round-trips it (what merge relies on).
  smmu::report::Report rep = smmu::report::read_report(json, out, nullptr);
  EXPECT_EQ(rep.items.size(), 2u + 6u + 2u);
}

TEST_F(KernelCli, JunitIsWellFormedWithATestcasePerCell) {
  std::string out = path("r.xml");
  std::string expect = write("e.txt", "pass kunit/* coherent\n");
  auto r = run_cli(with(kNarrow, {"--expect", expect, "--format", "junit", "--output", out}));
  EXPECT_EQ(r.status, 0) << r.out;
  std::string xml = read(out);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0), 0u) << xml.substr(0, 300);
  EXPECT_NE(xml.find("name=\"kunit/write_cd_test_s1_change_asid [cacheable-byte]\""), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"torn: "), std::string::npos);  // not required: reported, not failed
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
  int ok = python(R"(
import sys, xml.dom.minidom
d = xml.dom.minidom.parse(sys.argv[1])
cases = d.getElementsByTagName("testcase")
assert len(cases) == 32 * 2, len(cases)
assert d.documentElement.getAttribute("tests") == "64"
assert len(d.getElementsByTagName("failure")) == 0
assert len(d.getElementsByTagName("skipped")) == int(d.documentElement.getAttribute("skipped")) > 0
)",
                  out);
  EXPECT_NE(ok, 0) << xml.substr(0, 3000);
  if (ok < 0) {  // no python3: balanced testcase elements at least
    size_t open = 0, pos = 0;
    while ((pos = xml.find("<testcase ", pos)) != std::string::npos) ++open, ++pos;
    EXPECT_EQ(open, 64u);
    EXPECT_NE(xml.find("</testsuites>\n"), std::string::npos);
  }
}

TEST_F(KernelCli, SarifPointsAtKernelFileAndLine) {
  std::string out = path("r.sarif");
  std::string expect = write("e.txt", "pass kunit/* coherent,cacheable-byte\n");
  auto r = run_cli(with(kNarrow, {"--expect", expect, "--format", "sarif", "--output", out}));
  EXPECT_EQ(r.status, 1) << r.out;
  std::string sarif = read(out);
  EXPECT_NE(sarif.find("\"version\":\"2.1.0\""), std::string::npos);
  EXPECT_NE(sarif.find("\"uri\":\"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c\",\"uriBaseId\":\"%SRCROOT%\""),
            std::string::npos);
  int ok = python(R"(
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
assert run["tool"]["driver"]["name"] == "smmu-check"
assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
rules = [x["id"] for x in run["tool"]["driver"]["rules"]]
res = run["results"]
assert res
for x in res:
    assert x["ruleId"] in rules and x["ruleId"] in ("torn", "misordered", "stale", "unknown"), x["ruleId"]
    loc = x["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].startswith("drivers/iommu/"), loc
    assert not loc["artifactLocation"]["uri"].startswith("/")
    assert loc["region"]["startLine"] > 0
levels = {(x["properties"]["check"].split("/")[0], x["level"]) for x in res}
assert ("kunit", "error") in levels and ("pt", "note") in levels, levels
)",
                  out);
  EXPECT_NE(ok, 0) << sarif.substr(0, 3000);
}

// What a real run writes conforms to the published SARIF 2.1.0 schema: torn,
// misordered and stale findings with their related locations (KUnit, the
// sweep, a page-table scenario) and lint's findings.
TEST_F(KernelCli, SarifOfARunConformsToThePublishedSchema) {
  SMMU_REQUIRE_SARIF_SCHEMA();
  std::string out = path("r.sarif");
  auto r = run_cli({"kernel", "--debian", "6.12", "--quiet", "--model", "coherent,cacheable-byte", "--only",
                    "kunit/write_cd_test_s1_change_asid,sweep/l1,pt/iopt_map_page_coherent,lint", "--format", "sarif",
                    "--output", out});
  EXPECT_EQ(r.status, 1) << r.out;
  std::string sarif = read(out);
  for (const char *part : {"\"ruleId\":\"torn\"", "\"ruleId\":\"misordered\"", "\"relatedLocations\":[{\"id\":1,",
                           "\"ruleId\":\"smmu-descriptor-plain-store\""})
    EXPECT_NE(sarif.find(part), std::string::npos) << part << "\n" << sarif.substr(0, 3000);
  smmu::testing::SchemaCheck c = smmu::testing::check_sarif_schema({out});
  EXPECT_TRUE(c.valid) << c.errors;
}

TEST_F(KernelCli, ExpectGatesExactlyTheDeclaredCells) {
  std::string pass = write("pass.txt",
                           "# what this tree guarantees\n"
                           "pass kunit/*   coherent   # every KUnit update\n"
                           "\n"
                           "pass pt/iopt_* coherent\n");
  auto a = run_cli(with(kNarrow, {"--expect", pass}));
  EXPECT_EQ(a.status, 0) << a.out;
  EXPECT_NE(a.out.find("gate " + pass + ": ok, 32 required cells pass"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("\n  torn at drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1121 under cacheable-byte: "),
            std::string::npos)
      << a.out;

  std::string strict = write("strict.txt", "pass kunit/* coherent\npass kunit/write_cd_test_s1_change_asid cacheable-*\n");
  auto b = run_cli(with(kNarrow, {"--expect", strict}));
  EXPECT_EQ(b.status, 1) << b.out;
  // The root cause of a required cell is marked; the gate's list names the cell.
  EXPECT_NE(b.out.find("\n! torn at drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1121 under cacheable-byte: "),
            std::string::npos)
      << b.out;
  EXPECT_NE(b.out.find("\n  kunit/write_cd_test_s1_change_asid under cacheable-byte: torn\n"), std::string::npos)
      << b.out;
  auto details = run_cli(with(kNarrow, {"--expect", strict, "--details"}));
  EXPECT_NE(details.out.find("! kunit/write_cd_test_s1_change_asid under cacheable-byte: torn"), std::string::npos)
      << details.out;
  EXPECT_NE(b.out.find("FAILED, 1 of 23 required cells do not pass"), std::string::npos) << b.out;

  std::string bad = write("bad.txt", "pass kunit/* coherent\n  must pt/* nc\n");
  auto c = run_cli(with(kNarrow, {"--expect", bad}));
  EXPECT_EQ(c.status, 2) << c.out;
  EXPECT_NE(c.out.find(bad + ":2:3: expected 'pass'"), std::string::npos) << c.out;
  std::string short_line = write("short.txt", "pass kunit/*\n");
  auto d = run_cli(with(kNarrow, {"--expect", short_line}));
  EXPECT_EQ(d.status, 2) << d.out;
  EXPECT_NE(d.out.find(short_line + ":1:14: expected a model glob"), std::string::npos) << d.out;
}

TEST_F(KernelCli, ShardsMergeIntoTheUnshardedReport) {
  const std::vector<std::string> base = {"kernel", "--debian", "6.12", "--quiet", "--model", "coherent,nc",
                                         "--only", "kunit,sweep,pt/iopt_*", "--format", "json"};
  ASSERT_EQ(run_cli(with(base, {"--output", path("all.json")})).status, 1);  // sweep/l1 is misordered
  ASSERT_EQ(run_cli(with(base, {"--output", path("s1.json"), "--shard", "1/2"})).status, 1);
  ASSERT_EQ(run_cli(with(base, {"--output", path("s2.json"), "--shard", "2/2", "--jobs", "2"})).status, 0);
  auto m = run_cli({"merge", path("s2.json"), path("s1.json"), "--format", "json", "--output", path("merged.json")});
  EXPECT_EQ(m.status, 1) << m.out;
  smmu::report::Report all = smmu::report::read_report(read(path("all.json")), "all", nullptr);
  smmu::report::Report s1 = smmu::report::read_report(read(path("s1.json")), "s1", nullptr);
  smmu::report::Report merged = smmu::report::read_report(read(path("merged.json")), "merged", nullptr);
  EXPECT_EQ(s1.shard, 1);
  EXPECT_EQ(s1.shards, 2);
  EXPECT_LT(s1.rows.size(), all.rows.size());
  EXPECT_EQ(merged.rows.size(), all.rows.size());
  for (size_t i = 0; i < all.rows.size() && i < merged.rows.size(); ++i)
    EXPECT_EQ(merged.rows[i].check, all.rows[i].check);
  EXPECT_EQ(rows(merged), rows(all));
  EXPECT_GT(all.items.size(), 700u);  // every sweep pair is its own result

  // --jobs splits the work, not the answers.
  ASSERT_EQ(run_cli(with(base, {"--output", path("j2.json"), "--jobs", "2"})).status, 1);
  EXPECT_EQ(rows(smmu::report::read_report(read(path("j2.json")), "j2", nullptr)), rows(all));

  auto missing = run_cli({"merge", path("s1.json")});
  EXPECT_EQ(missing.status, 2) << missing.out;
  EXPECT_NE(missing.out.find("missing shard 2/2"), std::string::npos) << missing.out;
  auto twice = run_cli({"merge", path("s1.json"), path("s1.json")});
  EXPECT_EQ(twice.status, 2) << twice.out;
}

TEST_F(KernelCli, The612TreeMeetsItsShippedExpectations) {
  // scripts/run's promise: every default model, every check, exit 0.
  auto r = run_cli({"kernel", "--debian", "6.12", "--quiet", "--expect", std::string(SMMU_SOURCE_DIR) + "/cases/expect-6.12.txt"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("gate " + std::string(SMMU_SOURCE_DIR) + "/cases/expect-6.12.txt: ok"), std::string::npos)
      << r.out;
  for (const char *model : {"coherent", "nc", "cacheable-64", "cacheable-byte", "coherent+plain-tear32"})
    EXPECT_NE(r.out.find(model), std::string::npos) << model;
  // Reported, not gated: the split-block TLBI finding and the level-2 table publication.
  EXPECT_NE(r.out.find("  stale at drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:969 under coherent,nc,cacheable-64: "
                       "22 cells, e.g. pt/pt_split_block_4k under coherent: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  misordered at drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1515 under "
                       "coherent,nc,coherent+plain-tear32: 3 cells, e.g. sweep/l1 under coherent "),
            std::string::npos)
      << r.out;
  // Gated: the pointers the S1 attach installs (STE -> CD table -> CD -> page tables).
  EXPECT_NE(r.out.find("\ngraph/ste_transitions_linear (5)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("  graph/ste_transitions_linear under coherent:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nlint "), std::string::npos) << r.out;
}

// --prove: the writer's proof as two rows, off by default. 6.12's STE and CD
// writers are proved under coherent (about 40 s of CPU, the CD most of it).
TEST_F(KernelCli, ProveRowsPassOn612) {
  std::string out = path("prove.json");
  auto r = run_cli({"kernel", "--debian", "6.12", "--quiet", "--prove", "--only", "prove", "--model", "coherent",
                    "--format", "json", "--output", out});
  EXPECT_EQ(r.status, 0) << r.out;
  smmu::report::Report report = smmu::report::read_report(read(out), "prove", nullptr);
  EXPECT_EQ(rows(report), (decltype(rows(report)){{"prove/ste", "", "coherent", "pass", ""},
                                                  {"prove/cd", "", "coherent", "pass", ""}}));
  for (const auto &it : report.items) {
    EXPECT_EQ(it.engine, "prove");
    ASSERT_FALSE(it.notes.empty());
    // Over the make functions' image, named in the report.
    EXPECT_EQ(it.notes[0].rfind("over every pair of entries made by arm_smmu_make_", 0), 0u) << it.notes[0];
  }
  // Without --prove the family is off: selecting it alone is bad input that says so,
  // and an --expect line naming its rows is no typo.
  auto off = run_cli({"kernel", "--debian", "6.12", "--quiet", "--only", "prove"});
  EXPECT_EQ(off.status, 2) << off.out;
  EXPECT_NE(off.out.find("selects no check of debian 6.12 (the prove rows need --prove)"), std::string::npos) << off.out;
  std::string expect = write("expect.txt", "pass prove/* coherent\npass kunit/write_ste_test_bypass_to_abort coherent\n");
  auto gated = run_cli({"kernel", "--debian", "6.12", "--model", "coherent", "--only",
                        "kunit/write_ste_test_bypass_to_abort", "--expect", expect});
  EXPECT_EQ(gated.status, 0) << gated.out;
  EXPECT_EQ(gated.out.find("matches no check"), std::string::npos) << gated.out;
}

// As on 7.3, whose arm-smmu-v3.h includes a header the shim lacks: the driver
// does not parse for lint. The lint cell is unknown, naming the file and its
// first error, never pass; the findings of the file that parsed stay listed.
TEST_F(KernelCli, LintCellIsUnknownWhenAFileDidNotParse) {
  namespace h = smmu::harness;
  fs::path tree = dir_ / "tree";
  fs::copy(h::debian_tree("6.12", h::default_cache_dir()).root, tree, fs::copy_options::recursive);
  const std::string driver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";
  const std::string header = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h";
  std::string text = read((tree / header).string());
  int line = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::ofstream(tree / header, std::ios::app) << "#include <linux/smmu_check_no_such_header.h>\n";

  // The row as check_lint makes it (no slice is built: the copy must not enter the
  // slice cache, whose sources name the tree they were built from).
  auto items = smmu::checks::lint_items({"lint", "lint", {}}, 0,
                                     smmu::lint::lint_tree(h::source_tree(tree), smmu::lint::CheckFilter()));
  ASSERT_FALSE(items.empty());
  EXPECT_EQ(items[0].verdict, "unknown");
  EXPECT_EQ(items[0].item, driver);
  EXPECT_EQ(items[0].reason, driver + " was not checked: it did not parse (first error: " + header + ":" +
                                 std::to_string(line) +
                                 ":10: fatal error: 'linux/smmu_check_no_such_header.h' file not found)");
  size_t warnings = 0;
  for (const auto &it : items) {
    EXPECT_NE(it.verdict, "pass") << it.reason;
    warnings += it.verdict == "warning";
  }
  EXPECT_EQ(warnings, 2u) << "io-pgtable-arm.c parsed: its two plain stores";

  smmu::report::Report r;
  r.tree = "test";
  r.models = {"coherent"};
  r.rows = {{0, "lint"}};
  r.items = items;
  auto cells = smmu::report::report_cells(r, nullptr);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].verdict, "unknown");
  EXPECT_EQ(smmu::report::report_status(r, nullptr), 1);
  std::ostringstream out;
  smmu::report::write_text(out, r, nullptr, /*details=*/true);
  EXPECT_NE(out.str().find("  lint under any: unknown+warning 3/3, first " + driver + ": " + items[0].reason),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("  lint: drivers/iommu/io-pgtable-arm.c:"), std::string::npos) << out.str();
  // Grouped: the file not checked, then each plain store, once.
  std::ostringstream grouped;
  smmu::report::write_text(grouped, r, nullptr);
  EXPECT_NE(grouped.str().find("\n  unknown under any model: 1 cell, e.g. lint (" + driver + "): " + driver +
                               " was not checked"),
            std::string::npos)
      << grouped.str();
  EXPECT_NE(grouped.str().find("\n  smmu-descriptor-plain-store at drivers/iommu/io-pgtable-arm.c:"), std::string::npos)
      << grouped.str();
  EXPECT_NE(smmu::report::summary_line(r, nullptr).find(": 0 pass, 0 violation, 1 unknown; lint 2 warnings"),
            std::string::npos)
      << smmu::report::summary_line(r, nullptr);
}

TEST_F(KernelCli, BadInputIsExitTwo) {
  auto a = run_cli({"kernel", "--debian", "6.12", "--quiet", "--shard", "3/2"});
  EXPECT_EQ(a.status, 2);
  EXPECT_NE(a.out.find("--shard expects K/N with 1 <= K <= N"), std::string::npos) << a.out;
  auto b = run_cli({"kernel", "--debian", "6.12", "--quiet", "--only", "kunt"});
  EXPECT_EQ(b.status, 2);
  EXPECT_NE(b.out.find("--only expects families"), std::string::npos) << b.out;
  auto c = run_cli({"kernel", "--debian", "6.12", "--quiet", "--format", "xml"});
  EXPECT_EQ(c.status, 2);
  EXPECT_NE(c.out.find("--format expects text, json, junit or sarif"), std::string::npos) << c.out;
  std::string junk = write("junk.json", "{\"tool\": \"smmu-check kernel\",");
  auto d = run_cli({"merge", junk});
  EXPECT_EQ(d.status, 2);
  EXPECT_NE(d.out.find(junk + ": invalid JSON at line 1"), std::string::npos) << d.out;
}
