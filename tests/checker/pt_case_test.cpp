// Proposed page-table sequences written as C (pt --case) against the real 6.12
// io-pgtable-arm decoding, and `pt --format json`: the two shipped cases give
// their documented verdicts per model, a broken case is bad input with the
// compiler's file:line, and the JSON carries a violation's witness.
#include <gtest/gtest.h>
#include <llvm/Support/JSON.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include "hex.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "pt_check.h"
#include "pt_slice.h"

using namespace smmu;
using checker::Outcome;
using checker::ViolationKind;

namespace fs = std::filesystem;

namespace {

const std::string kValidBitLast = std::string(SMMU_CASES_DIR) + "/pte_valid_bit_last.c";
const std::string kPlainOneStore = std::string(SMMU_CASES_DIR) + "/pte_plain_one_store.c";
constexpr uint64_t kPa = 0x880123000ull;  // PA in both cases

const checker::PtSemantics &semantics() {
  static checker::PtSemantics s = checker::pt_semantics(smmu::testing::kernel("6.12").slice());
  return s;
}

// The case's single entry point, run once under the recorder.
harness::RunResult run_case_file(const std::string &file) {
  harness::BuildOptions o;
  harness::CaseRunner runner(file, o);
  auto cases = runner.cases();
  EXPECT_EQ(cases.size(), 1u) << file;
  harness::RunResult r = runner.run(cases.at(0));
  EXPECT_EQ(r.status, harness::RunStatus::Pass) << file;
  return r;
}

checker::PtVerdict check(const harness::Trace &t, const std::string &model) {
  return checker::check_pt_trace(t, models::resolve_model(model), semantics());
}

// The output as parsed by llvm::json, as a tree to look fields up in (a
// missing field or element is null).
struct Json {
  enum class Type { Null, Bool, Number, String, Array, Object } type = Type::Null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Json> a;
  std::map<std::string, Json> o;
  const Json &operator[](const std::string &k) const {
    static const Json null;
    auto it = o.find(k);
    return it == o.end() ? null : it->second;
  }
  const Json &operator[](size_t i) const {
    static const Json null;
    return i < a.size() ? a[i] : null;
  }
};

Json tree(const llvm::json::Value &v) {
  Json j;
  if (auto b = v.getAsBoolean()) {
    j.type = Json::Type::Bool;
    j.b = *b;
  } else if (auto n = v.getAsNumber()) {
    j.type = Json::Type::Number;
    j.n = *n;
  } else if (auto s = v.getAsString()) {
    j.type = Json::Type::String;
    j.s = s->str();
  } else if (const auto *a = v.getAsArray()) {
    j.type = Json::Type::Array;
    for (const auto &x : *a) j.a.push_back(tree(x));
  } else if (const auto *o = v.getAsObject()) {
    j.type = Json::Type::Object;
    for (const auto &[k, x] : *o) j.o[llvm::StringRef(k).str()] = tree(x);
  }
  return j;
}

Json parse_json(const std::string &text) {
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
  if (!v) {
    ADD_FAILURE() << "not JSON (" << llvm::toString(v.takeError()) << "):\n" << text.substr(0, 2000);
    return {};
  }
  return tree(*v);
}

std::string hex16(uint64_t v) { return smmu::hex(v, 16); }

// A fresh directory for files the test writes.
fs::path scratch_dir() {
  fs::path d = fs::temp_directory_path() / ("pt_case_test." + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(PtCase, ValidBitLastPassesUnderEveryModel) {
  harness::RunResult r = run_case_file(kValidBitLast);
  for (const char *m : {"coherent", "nc", "cacheable-64", "cacheable-byte", "coherent+plain-tear32",
                        "nc+plain-tear32", "cacheable-64+plain-tear32", "cacheable-byte+plain-tear32"}) {
    checker::PtVerdict v = check(r.trace, m);
    EXPECT_EQ(v.outcome, Outcome::Pass) << m << ": " << v.reason;
    EXPECT_EQ(v.ops, 1u) << m;
    EXPECT_EQ(v.iovas, 3u) << m;
    EXPECT_GT(v.walks, 0u) << m;
  }
}

TEST(PtCase, PlainOneStoreIsTornUnderByteWriteBackAndSplitStores) {
  harness::RunResult r = run_case_file(kPlainOneStore);
  for (const char *m : {"coherent", "nc", "cacheable-64"}) {
    checker::PtVerdict v = check(r.trace, m);
    EXPECT_EQ(v.outcome, Outcome::Pass) << m << ": " << v.reason;
  }
  for (const char *m : {"cacheable-byte", "coherent+plain-tear32"}) {
    checker::PtVerdict v = check(r.trace, m);
    ASSERT_EQ(v.outcome, Outcome::Violation) << m << ": " << v.reason;
    EXPECT_EQ(v.kind, ViolationKind::Torn) << m;
    const checker::WalkOutcome &o = v.witness.outcome;
    EXPECT_EQ(o.kind, checker::WalkOutcome::Kind::Translate) << m;
    EXPECT_NE(o.out, kPa) << m << ": a torn PTE translates to a wrong output address";
    ASSERT_FALSE(v.witness.reads.empty()) << m;
    const checker::PtRead &leaf = v.witness.reads.back();
    EXPECT_EQ(leaf.level, 3) << m;
    EXPECT_TRUE(leaf.torn) << m;
    // Some byte came from the case's own store, named by the case's file:line.
    bool from_case = false;
    for (const auto &s : leaf.sources)
      if (s.trace_index >= 0) {
        const auto &loc = r.trace.events[s.trace_index].loc;
        from_case |= loc.file.find("pte_plain_one_store.c") != std::string::npos && loc.line > 0;
      }
    EXPECT_TRUE(from_case) << m;
  }
}

TEST(PtCase, CliGivesEachCaseItsVerdictPerModel) {
  // Expected answers, as the cases' header comments state them.
  const std::map<std::string, std::map<std::string, std::string>> expected = {
      {"coherent", {{"pte_valid_bit_last", "pass"}, {"pte_plain_one_store", "pass"}}},
      {"nc", {{"pte_valid_bit_last", "pass"}, {"pte_plain_one_store", "pass"}}},
      {"cacheable-64", {{"pte_valid_bit_last", "pass"}, {"pte_plain_one_store", "pass"}}},
      {"cacheable-byte", {{"pte_valid_bit_last", "pass"}, {"pte_plain_one_store", "violation torn"}}},
      {"coherent+plain-tear32", {{"pte_valid_bit_last", "pass"}, {"pte_plain_one_store", "violation torn"}}},
  };
  for (const auto &[model, want] : expected) {
    auto out = smmu::testing::run_cli({"pt", "--debian", "6.12", "--quiet", "--format", "json", "--model",
                                       model, "--case", kValidBitLast, "--case", kPlainOneStore});
    bool all_pass = true;
    for (const auto &[c, w] : want) all_pass &= w == "pass";
    EXPECT_EQ(out.status, all_pass ? 0 : 1) << model << "\n" << out.out;
    Json j = parse_json(out.out);
    ASSERT_EQ(j["results"].a.size(), 2u) << model << "\n" << out.out;
    for (const Json &row : j["results"].a) {
      std::string got = row["verdict"].s + (row["kind"].s.empty() ? "" : " " + row["kind"].s);
      ASSERT_TRUE(want.count(row["scenario"].s)) << row["scenario"].s;
      EXPECT_EQ(got, want.at(row["scenario"].s)) << row["scenario"].s << " under " << model;
      EXPECT_EQ(row["model"].s, model);
      EXPECT_NE(row["case_file"].s.find("cases/pte_"), std::string::npos);
    }
  }
  // The text table names the case and prints the torn walk.
  auto text = smmu::testing::run_cli({"pt", "--debian", "6.12", "--model", "cacheable-byte", "--case", kPlainOneStore});
  EXPECT_EQ(text.status, 1) << text.out;
  EXPECT_NE(text.out.find("violation (torn): pte_plain_one_store under cacheable-byte"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("pte_plain_one_store.c:"), std::string::npos) << text.out;
}

TEST(PtCase, BrokenCaseIsBadInputWithTheCompilersFileLine) {
  fs::path dir = scratch_dir();
  fs::path bad = dir / "syntax_error.c";
  std::ofstream(bad) << "#include \"kshim_case.h\"\n"
                        "\n"
                        "KSHIM_CASE(broken, \"a missing semicolon\")\n"
                        "{\n"
                        "\tkshim_u64 x = 1\n"
                        "\treturn (int)x;\n"
                        "}\n";
  auto r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--case", bad.string()});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find(bad.string() + ":5:17: error:"), std::string::npos) << r.out;

  // Kernel headers are not there: a case is only the hook ABI.
  fs::path kernel = dir / "kernel_header.c";
  std::ofstream(kernel) << "#include <linux/io-pgtable.h>\n";
  r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--case", kernel.string()});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find(kernel.string() + ":1:10: fatal error:"), std::string::npos) << r.out;

  // A file with no KSHIM_CASE has nothing to run.
  fs::path empty = dir / "no_entry.c";
  std::ofstream(empty) << "#include \"kshim_case.h\"\n";
  r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--case", empty.string()});
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("defines no entry point"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(PtJson, ViolationCarriesTheWalk) {
  auto r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--quiet", "--format", "json", "--model",
                                   "coherent+plain-tear32", "--scenario", "iopt_map_page_coherent"});
  EXPECT_EQ(r.status, 1) << r.out;
  Json j = parse_json(r.out);
  ASSERT_EQ(j["results"].a.size(), 1u) << r.out;
  const Json &row = j["results"][0];
  EXPECT_EQ(row["scenario"].s, "iopt_map_page_coherent");
  EXPECT_EQ(row["case_file"].s, "");
  EXPECT_EQ(row["model"].s, "coherent+plain-tear32");
  EXPECT_EQ(row["verdict"].s, "violation");
  EXPECT_EQ(row["kind"].s, "torn");
  EXPECT_FALSE(row["reason"].s.empty());
  EXPECT_GT(row["iovas"].n, 0);
  EXPECT_GT(row["ops"].n, 0);
  EXPECT_GT(row["walks"].n, 0);
  EXPECT_EQ(row["seconds"].type, Json::Type::Number);
  EXPECT_EQ(row["notes"].type, Json::Type::Array);
  const Json &w = row["witness"];
  EXPECT_EQ(w["iova"].s, hex16(0x80001000ull));
  EXPECT_EQ(w["operations"]["first"].n, 1);
  EXPECT_EQ(w["publication"].type, Json::Type::Bool);
  EXPECT_EQ(w["outcome"]["kind"].s, "translate");
  EXPECT_EQ(w["outcome"]["output"].s, hex16(0x80123000ull));  // the upper half of 0x8_8012_3000 lost
  EXPECT_EQ(w["outcome"]["level"].n, 3);
  ASSERT_FALSE(w["allowed"].a.empty());
  ASSERT_FALSE(w["reads"].a.empty());
  const Json &leaf = w["reads"].a.back();
  EXPECT_EQ(leaf["level"].n, 3);
  EXPECT_TRUE(leaf["torn"].b);
  EXPECT_EQ(leaf["stale"].type, Json::Type::Bool);
  // The cache each read fills, as the timeline's cache lanes draw it: the
  // leaf the TLB, each table descriptor above it the walk cache.
  EXPECT_EQ(leaf["cached"].s, "tlb");
  for (size_t i = 0; i + 1 < w["reads"].a.size(); ++i)
    EXPECT_EQ(w["reads"][i]["cached"].s, "walk-cache") << "read " << i << " at level " << w["reads"][i]["level"].n;
  for (const char *k : {"table", "address", "value"}) EXPECT_EQ(leaf[k].s.rfind("0x", 0), 0u) << k;
  EXPECT_EQ(leaf["index"].type, Json::Type::Number);
  EXPECT_GT(leaf["instant"].n, 0);
  bool plain_store = false;
  const int init_pte = smmu::testing::init_pte_line("6.12");
  for (const Json &s : leaf["sources"].a) {
    EXPECT_EQ(s["event"].n, s["trace_index"].n + 1);
    EXPECT_FALSE(s["what"].s.empty());
    plain_store |= s["file"].s == "drivers/iommu/io-pgtable-arm.c" && s["line"].n == init_pte &&
                   !s["text"].s.empty();
  }
  EXPECT_TRUE(plain_store) << "the plain PTE store at io-pgtable-arm.c:" << init_pte << " is a source";
  EXPECT_EQ(j["summary"]["rows"].n, 1);
  EXPECT_EQ(j["summary"]["violations"].n, 1);
  EXPECT_EQ(j["summary"]["failed"].n, 1);
}

TEST(PtJson, DefaultSelectionIsEveryIoptAndPtScenario) {
  size_t expected = 0;
  for (const auto &c : smmu::testing::kernel("6.12").scenarios())
    expected += c.name.rfind("iopt_", 0) == 0 || c.name.rfind("pt_", 0) == 0;
  auto r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--quiet", "--format", "json", "--model", "coherent"});
  Json j = parse_json(r.out);
  EXPECT_EQ(j["results"].a.size(), expected) << r.out;
  EXPECT_EQ(j["summary"]["rows"].n, static_cast<double>(expected));
  // Exit status and summary agree.
  EXPECT_EQ(r.status, j["summary"]["failed"].n == 0 ? 0 : 1) << r.out;
  EXPECT_EQ(r.out.find("\"kind\":\"torn\""), std::string::npos) << "no witness under coherent";
}
