// The report's formats on a small synthetic report (no kernel needed): the
// grouping of findings by root cause, and each format against a golden file
// in tests/report/golden/ (SMMU_UPDATE_GOLDEN=1 rewrites them after an
// intended change; review the diff).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "baseline.h"
#include "findings.h"
#include "formats.h"
#include "sarif_schema.h"

namespace r = smmu::report;

namespace {

const std::string kDriver = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";
const std::string kPgtable = "drivers/iommu/io-pgtable-arm.c";

r::ReportItem item(size_t row, const std::string &check, const std::string &model, const std::string &verdict,
                   const std::string &kind = "", const std::string &file = "", int line = 0,
                   const std::string &name = "") {
  r::ReportItem it;
  it.row = row;
  it.check = check;
  it.model = model;
  it.item = name;
  it.verdict = verdict;
  it.kind = kind;
  it.engine = "explicit";
  it.kernel_status = "pass";
  it.reason = verdict == "pass" ? "" : verdict + (kind.empty() ? "" : " " + kind) + " in " + check;
  if (!file.empty()) it.locations.push_back({file, line, 0, 7, "a store"});
  return it;
}

// Three models; the stale at the driver's line 1121 fails five cells across
// three rows (one row with two failing items), a torn at the same line one
// more cell, a page-table walk one cell, an undecided check (no location),
// a kernel run that failed its own checks, and two lint findings.
r::Report synthetic() {
  r::Report rep;
  rep.tree = "debian 6.12";
  rep.version = "6.12.0";
  rep.root = "/src/linux";
  rep.models = {"coherent", "nc", "cacheable-64"};
  rep.rows = {{0, "kunit/a"}, {1, "kunit/b"}, {2, "sweep/ste"}, {3, "pt/split"}, {4, "kunit/c"}, {5, "lint"}};
  rep.plan_rows = rep.rows.size();
  rep.seconds = 1.5;
  rep.items = {
      item(0, "kunit/a", "coherent", "pass"),
      item(0, "kunit/a", "nc", "violation", "stale", kDriver, 1121),
      item(0, "kunit/a", "cacheable-64", "violation", "stale", kDriver, 1121),
      item(1, "kunit/b", "coherent", "pass"),
      item(1, "kunit/b", "nc", "violation", "torn", kDriver, 1121),
      item(1, "kunit/b", "cacheable-64", "violation", "stale", kDriver, 1121),
      item(2, "sweep/ste", "coherent", "pass", "", "", 0, "abort -> bypass"),
      item(2, "sweep/ste", "coherent", "pass", "", "", 0, "bypass -> abort"),
      item(2, "sweep/ste", "nc", "pass", "", "", 0, "abort -> bypass"),
      item(2, "sweep/ste", "nc", "violation", "stale", kDriver, 1121, "bypass -> abort"),
      item(2, "sweep/ste", "cacheable-64", "violation", "stale", kDriver, 1121, "abort -> bypass"),
      item(2, "sweep/ste", "cacheable-64", "violation", "stale", kDriver, 1121, "bypass -> abort"),
      item(3, "pt/split", "coherent", "violation", "stale", kDriver, 969),
      item(3, "pt/split", "nc", "pass"),
      item(3, "pt/split", "cacheable-64", "unknown"),
      item(4, "kunit/c", "coherent", "pass"),
      item(4, "kunit/c", "nc", "pass"),
      item(4, "kunit/c", "cacheable-64", "pass"),
      item(5, "lint", "any", "warning", "smmu-descriptor-plain-store", kPgtable, 292),
      item(5, "lint", "any", "warning", "smmu-descriptor-plain-store", kPgtable, 318),
  };
  for (auto &it : rep.items)
    if (it.check == "kunit/c") {
      it.kernel_status = "fail";
      it.kernel_message = "kernel expectation failed: " + kDriver + ":2000: Expected a == b";
      it.kernel_location = {kDriver, 2000, 0, 0, it.kernel_message};
    } else if (it.check == "lint") {
      it.kernel_status = "";
      it.engine = "lint";
      it.item = it.locations[0].file + ":" + std::to_string(it.locations[0].line);
    }
  return rep;
}

r::Expectations expectations() { return r::parse_expectations("pass kunit/* coherent,nc\n", "expect.txt"); }

std::string golden_path(const std::string &name) { return std::string(SMMU_REPORT_GOLDEN_DIR) + "/" + name; }

void expect_golden(const std::string &name, const std::string &actual) {
  const std::string path = golden_path(name);
  if (std::getenv("SMMU_UPDATE_GOLDEN")) std::ofstream(path) << actual;
  std::ifstream in(path);
  ASSERT_TRUE(in) << "no golden file " << path << " (SMMU_UPDATE_GOLDEN=1 writes it)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(actual, want.str()) << "differs from " << path;
}

std::string format(const std::string &f, bool details = false) {
  r::Report rep = synthetic();
  r::Expectations e = expectations();
  std::ostringstream out;
  r::write_report(out, f, rep, &e, details);
  return out.str();
}

// The run before a change: kunit/b under nc was stale (now torn), pt/split
// passed under coherent (now stale) and was stale under nc (now passes); the
// lint warnings sat two lines lower; the rest failed as now.
r::Report before() {
  r::Report base = synthetic();
  for (auto &it : base.items) {
    if (it.check == "kunit/b" && it.model == "nc") it.kind = "stale";
    if (it.check == "pt/split" && it.model == "coherent") it.verdict = "pass";
    if (it.check == "pt/split" && it.model == "nc") it.verdict = "violation", it.kind = "stale";
    if (it.check == "lint") it.locations[0].line += 2, it.item = kPgtable + ":" + std::to_string(it.locations[0].line);
  }
  return base;
}

r::Report against_baseline() {
  r::Report rep = synthetic();
  r::apply_baseline(rep, before(), "base.json");
  return rep;
}

}  // namespace

TEST(Findings, OneGroupPerKindAndLocationWithItsModelsAndCells) {
  r::Report rep = synthetic();
  r::Expectations e = expectations();
  std::vector<r::Finding> f = r::group_findings(rep, r::report_cells(rep, &e));
  ASSERT_EQ(f.size(), 7u);
  // The stale at 1121: kunit/a (nc, cacheable-64), kunit/b (cacheable-64),
  // sweep/ste (nc, cacheable-64: two items in one cell count once).
  EXPECT_EQ(f[0].kind, "stale");
  EXPECT_EQ(r::where(f[0].at), kDriver + ":1121");
  EXPECT_EQ(f[0].cells, 5u);
  EXPECT_EQ(f[0].models, (std::vector<std::string>{"nc", "cacheable-64"}));
  EXPECT_EQ(f[0].check, "kunit/a");
  EXPECT_EQ(f[0].model, "nc");
  EXPECT_TRUE(f[0].required);
  // Same line, other kind: its own root cause.
  EXPECT_EQ(f[1].kind, "torn");
  EXPECT_EQ(f[1].cells, 1u);
  EXPECT_EQ(f[2].kind, "stale");
  EXPECT_EQ(r::where(f[2].at), kDriver + ":969");
  EXPECT_FALSE(f[2].required) << "pt/* is not required by the expectations";
  // No location: keyed by its reason.
  EXPECT_EQ(f[3].kind, "unknown");
  EXPECT_TRUE(f[3].at.file.empty());
  // The kernel run's own failure, once for the row's three cells.
  EXPECT_EQ(f[4].kind, "kernel fail");
  EXPECT_EQ(r::where(f[4].at), kDriver + ":2000");
  EXPECT_EQ(f[4].cells, 3u);
  EXPECT_EQ(f[4].models, (std::vector<std::string>{"coherent", "nc", "cacheable-64"}));
  EXPECT_EQ(f[5].kind, "smmu-descriptor-plain-store");
  EXPECT_EQ(f[6].models, (std::vector<std::string>{"any"}));
}

TEST(Findings, TextListsEachRootCauseOnceNotEachCell) {
  const std::string text = format("text");
  EXPECT_NE(text.find("\n! stale at " + kDriver + ":1121 under nc,cacheable-64: 5 cells, e.g. kunit/a under nc: "
                      "violation stale in kunit/a\n"),
            std::string::npos)
      << text;
  // Each cell of the stale at 1121 is not a line of its own.
  EXPECT_EQ(text.find("kunit/b under cacheable-64: stale"), std::string::npos) << text;
  EXPECT_EQ(text.find("sweep/ste under nc: stale"), std::string::npos) << text;
  const std::string details = format("text", true);
  EXPECT_NE(details.find("\n  kunit/b under cacheable-64: stale: violation stale in kunit/b (" + kDriver + ":1121)\n"),
            std::string::npos)
      << details;
}

TEST(ReportFormats, TextMatchesGolden) { expect_golden("report.txt", format("text")); }
TEST(ReportFormats, TextDetailsMatchesGolden) { expect_golden("report-details.txt", format("text", true)); }
TEST(ReportFormats, JsonMatchesGolden) { expect_golden("report.json", format("json")); }
TEST(ReportFormats, JunitMatchesGolden) { expect_golden("report.junit.xml", format("junit")); }
TEST(ReportFormats, SarifMatchesGolden) { expect_golden("report.sarif", format("sarif")); }

// JSON, JUnit and SARIF keep every cell, whatever the text groups.
TEST(ReportFormats, MachineFormatsKeepEveryCell) {
  const std::string junit = format("junit"), sarif = format("sarif"), json = format("json");
  for (const char *cell : {"kunit/a [nc]", "kunit/a [cacheable-64]", "kunit/b [cacheable-64]", "sweep/ste [nc]"})
    EXPECT_NE(junit.find(cell), std::string::npos) << cell;
  for (const char *fp : {"kunit/a|nc|stale", "kunit/a|cacheable-64|stale", "kunit/b|cacheable-64|stale",
                         "sweep/ste|nc|stale", "sweep/ste|cacheable-64|stale"})
    EXPECT_NE(sarif.find(fp), std::string::npos) << fp;
  r::Report back = r::read_report(json, "report.json", nullptr);
  EXPECT_EQ(back.items.size(), synthetic().items.size());
}

// --baseline: a cell failing as in the baseline is known (not listed, not
// gated); one failing otherwise is new and gates; one passing now is fixed.
TEST(ReportBaseline, KnownCellsNeitherGateNorListNewOnesDo) {
  r::Report rep = against_baseline();
  r::Expectations e = expectations();
  std::vector<std::string> known, fresh;
  for (const auto &c : r::report_cells(rep, &e))
    if (!c.ok()) (c.known ? known : fresh).push_back(c.check + " " + c.model);
  EXPECT_EQ(fresh, (std::vector<std::string>{"kunit/b nc", "pt/split coherent"}));
  EXPECT_EQ(known.size(), 10u) << "kunit/a x2, kunit/b cacheable-64, sweep/ste x2, pt/split cacheable-64, kunit/c x3, lint";
  EXPECT_EQ(r::report_status(rep, &e), 1) << "kunit/b under nc is required and new";
  ASSERT_EQ(rep.fixed.size(), 1u);
  EXPECT_EQ(rep.fixed[0].check + " " + rep.fixed[0].model + " " + rep.fixed[0].was, "pt/split nc stale");
  std::vector<r::Finding> f = r::group_findings(rep, r::report_cells(rep, &e));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].kind + " " + f[0].check, "torn kunit/b");
  EXPECT_EQ(f[1].kind + " " + f[1].check, "stale pt/split");

  // Against itself nothing is new: the gate passes though cells fail.
  r::Report same = synthetic();
  r::apply_baseline(same, synthetic(), "same.json");
  EXPECT_EQ(r::report_status(same, &e), 0);
  EXPECT_EQ(r::report_status(same, nullptr), 0);
  std::ostringstream text;
  r::write_text(text, same, &e);
  EXPECT_EQ(text.str().find("\nfindings"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("\nbaseline same.json: no cell fails anew; 12 cells fail as in the baseline (not listed, "
                            "not gated); 0 fixed\n"),
            std::string::npos)
      << text.str();
}

TEST(ReportBaseline, TextMatchesGolden) {
  r::Report rep = against_baseline();
  r::Expectations e = expectations();
  std::ostringstream out;
  r::write_text(out, rep, &e);
  expect_golden("report-baseline.txt", out.str());
}

// The marks survive the JSON (what merge reads); SARIF uses its baselineState.
TEST(ReportBaseline, JsonAndSarifMarkEachFailure) {
  r::Report rep = against_baseline();
  r::Expectations e = expectations();
  std::ostringstream json, sarif;
  r::write_json(json, rep, &e);
  r::write_sarif(sarif, rep, &e);
  r::Report back = r::read_report(json.str(), "r.json", nullptr);
  EXPECT_EQ(back.baseline, "base.json");
  ASSERT_EQ(back.fixed.size(), 1u);
  EXPECT_EQ(back.fixed[0].check, "pt/split");
  ASSERT_EQ(back.items.size(), rep.items.size());
  for (size_t i = 0; i < rep.items.size(); ++i) EXPECT_EQ(back.items[i].baseline, rep.items[i].baseline) << i;
  EXPECT_NE(json.str().find("\"baseline\":\"known\""), std::string::npos);
  EXPECT_NE(sarif.str().find("\"baselineState\":\"unchanged\""), std::string::npos);
  EXPECT_NE(sarif.str().find("\"baselineState\":\"new\""), std::string::npos);
  // Not a kernel report: bad input saying what a baseline is.
  try {
    r::read_baseline("{\"tool\": \"smmu-check explore\"}", "x.json");
    ADD_FAILURE() << "accepted an explore report";
  } catch (const std::exception &ex) {
    EXPECT_NE(std::string(ex.what()).find("x.json: expected a report of 'smmu-check kernel --format json'"),
              std::string::npos)
        << ex.what();
  }
}

// Bad input names where: a report cut short its line and column, a member of
// the wrong type its path and what it should hold; nothing is taken silently.
TEST(ReportBaseline, MalformedJsonNamesWhere) {
  const std::string json = format("json");
  auto error = [](const std::string &text) -> std::string {
    try {
      r::read_baseline(text, "b.json");
    } catch (const std::exception &e) {
      return e.what();
    }
    return "accepted";
  };
  // Cut inside the third result: the fourth line (results are one per line).
  size_t line4 = 0;
  for (int k = 0; k < 3; ++k) line4 = json.find('\n', line4) + 1;
  EXPECT_EQ(error(json.substr(0, line4 + 30)).find("--baseline b.json: invalid JSON at line 4, column "), 0u)
      << error(json.substr(0, line4 + 30));
  auto replaced = [&](const std::string &from, const std::string &to) {
    std::string t = json;
    size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? t : t.replace(at, from.size(), to);
  };
  EXPECT_NE(error(replaced("\"trace_complete\":true", "\"trace_complete\":\"yes\"")).find(
                "b.json: expected boolean at $.results[0].trace_complete"),
            std::string::npos);
  EXPECT_NE(error(replaced("\"row\":0,", "\"row\":-1,")).find("b.json: expected uint64_t at $.results[0].row"),
            std::string::npos);
  EXPECT_NE(error(replaced("\"notes\":[]", "\"notes\":[3]")).find("expected string at $.results[0].notes[0]"),
            std::string::npos);
  EXPECT_NE(error(replaced("\"shard\":{", "\"shard\":[],\"x\":{")).find("expected object at $.shard"),
            std::string::npos);
  EXPECT_NE(error(replaced("\"results\":[", "\"results\":7,\"x\":[")).find("expected array at $.results"),
            std::string::npos);
  EXPECT_EQ(error(json), "accepted");
}

// The published SARIF 2.1.0 schema (scripts/fetch-sarif-schema) judges what
// write_sarif writes, not only our reading of the format: the golden file and
// the shapes it lacks (a baseline's marks, no expectations, a location known
// only by its file, a related location with a column, a tree under a path
// that needs escaping in a URI, no tree root).
namespace {

smmu::testing::SchemaCheck schema_check(const std::vector<std::pair<std::string, std::string>> &named_sarif) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("smmu-sarif-schema-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::vector<std::string> files;
  for (const auto &[name, text] : named_sarif) {
    files.push_back((dir / (name + ".sarif")).string());
    std::ofstream(files.back()) << text;
  }
  smmu::testing::SchemaCheck c = smmu::testing::check_sarif_schema(files);
  std::filesystem::remove_all(dir);
  return c;
}

std::string sarif_of(const r::Report &rep, const r::Expectations *e) {
  std::ostringstream out;
  r::write_sarif(out, rep, e);
  return out.str();
}

}  // namespace

TEST(SarifSchema, GoldenConforms) {
  SMMU_REQUIRE_SARIF_SCHEMA();
  smmu::testing::SchemaCheck c = smmu::testing::check_sarif_schema({golden_path("report.sarif")});
  EXPECT_TRUE(c.valid) << c.errors;
}

TEST(SarifSchema, EveryShapeOfTheReportConforms) {
  SMMU_REQUIRE_SARIF_SCHEMA();
  r::Expectations e = expectations();
  r::Report odd = synthetic();
  odd.root = "/home/a user/linux 6.12";
  ASSERT_EQ(odd.items[1].check + " " + odd.items[1].model, "kunit/a nc");
  odd.items[1].locations[0].line = 0;
  odd.items[1].locations.push_back({kDriver, 1130, 5, 9, "the fetch"});
  r::Report rootless = synthetic();
  rootless.root = "";
  const std::string odd_sarif = sarif_of(odd, &e), rootless_sarif = sarif_of(rootless, &e);
  smmu::testing::SchemaCheck c = schema_check({{"baseline", sarif_of(against_baseline(), &e)},
                                               {"no-expectations", sarif_of(synthetic(), nullptr)},
                                               {"odd", odd_sarif},
                                               {"rootless", rootless_sarif}});
  EXPECT_TRUE(c.valid) << c.errors;
  // The odd shapes are in it, not dropped on the way.
  EXPECT_NE(odd_sarif.find("\"uri\":\"file:///home/a%20user/linux%206.12/\""), std::string::npos) << odd_sarif;
  EXPECT_NE(odd_sarif.find("\"relatedLocations\":[{\"id\":1,"), std::string::npos) << odd_sarif;
  EXPECT_NE(odd_sarif.find("\"startColumn\":5"), std::string::npos) << odd_sarif;
  EXPECT_EQ(rootless_sarif.find("originalUriBaseIds"), std::string::npos) << "no root: no base to resolve against";
}

// The check can fail: a copy of the golden file broken three ways is rejected,
// each violation named where it is.
TEST(SarifSchema, ValidatorRejectsWhatTheSchemaForbids) {
  SMMU_REQUIRE_SARIF_SCHEMA();
  std::ifstream in(golden_path("report.sarif"));
  std::stringstream golden;
  golden << in.rdbuf();
  std::string broken = golden.str();
  for (const auto &[from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"level\":\"error\"", "\"level\":\"fatal\""},
           {"\"startLine\":1121", "\"startLine\":0"},
           {"\"version\":\"2.1.0\",", ""}}) {
    size_t at = broken.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    broken.replace(at, from.size(), to);
  }
  smmu::testing::SchemaCheck c = schema_check({{"broken", broken}});
  EXPECT_FALSE(c.valid);
  for (const char *error : {"/runs/0/results/0/level: 'fatal' is not one of",
                            "/runs/0/results/0/locations/0/physicalLocation/region/startLine: 0 is less than the "
                            "minimum of 1",
                            "/: 'version' is a required property"})
    EXPECT_NE(c.errors.find(error), std::string::npos) << error << "\n" << c.errors;
}
