// `smmu-check seq`: every shipped case (cases/*.seq) answers what its header
// says, judged with the real 6.12 get_used and io-pgtable-arm decoding; an
// expectation that does not hold fails the run; bad input is a located error
// reported before any kernel work.
#include <gtest/gtest.h>

#include <regex>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kernel_fixture.h"

namespace fs = std::filesystem;
using smmu::testing::run_cli;

namespace {

std::string seq_case(const std::string &name) {
  return (fs::path(SMMU_TEST_DATA_DIR) / ".." / ".." / "cases" / name).lexically_normal().string();
}

fs::path temp_dir() {
  static fs::path d = [] {
    fs::path p = fs::temp_directory_path() / ("smmu-seq-cli-test-" + std::to_string(getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
  }();
  return d;
}
struct TempDirCleanup : ::testing::Environment {
  void TearDown() override { fs::remove_all(temp_dir()); }
};
const auto *const kCleanup = ::testing::AddGlobalTestEnvironment(new TempDirCleanup);

std::string write(const std::string &name, const std::string &text) {
  fs::path p = temp_dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string read(const std::string &path) {
  std::stringstream ss;
  ss << std::ifstream(path).rdbuf();
  return ss.str();
}

// A line of the output that starts with `prefix` and ends with `suffix`.
bool has_line(const std::string &out, const std::string &prefix, const std::string &suffix) {
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);)
    if (l.rfind(prefix, 0) == 0 && l.size() >= suffix.size() && l.compare(l.size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  return false;
}

std::string pad(const std::string &s, size_t w) { return s + std::string(s.size() < w ? w - s.size() : 1, ' '); }

// The start of a verdict row, as the table prints it.
std::string row(const std::string &check, const std::string &model, const std::string &verdict,
                const std::string &kind, size_t model_width = 24) {
  return pad(check, 40) + pad(model, model_width) + pad(verdict, 11) + pad(kind, 12);
}

struct Answer {
  std::string model, verdict, kind;  // kind "-" for pass
};

struct Case {
  std::string file;
  std::vector<Answer> answers;  // what each model the file names answers, as its expectations say
  size_t model_width = 24;
};

const std::vector<Case> kCases = {
    {"ste_hitless_abort_to_bypass.seq",
     {{"coherent", "pass", "-"}, {"nc", "pass", "-"}, {"cacheable-line", "violation", "stale"},
      {"cacheable-64", "violation", "stale"}, {"cacheable-byte", "violation", "stale"}}},
    {"ste_hitless_missing_sync.seq", {{"coherent", "violation", "misordered"}, {"nc", "violation", "misordered"}}},
    {"ste_hitless_cacheable.seq",
     {{"coherent", "pass", "-"}, {"nc", "pass", "-"}, {"cacheable-line", "pass", "-"}, {"cacheable-64", "pass", "-"},
      {"cacheable-byte", "pass", "-"}}},
    {"ste_breaking.seq", {{"coherent", "pass", "-"}, {"nc", "pass", "-"}}},
    {"cd_change_asid.seq",
     {{"coherent", "pass", "-"}, {"nc", "pass", "-"}, {"cacheable-line", "pass", "-"}, {"cacheable-64", "pass", "-"},
      {"cacheable-byte", "violation", "torn"}}},
    {"pte_valid_bit_last.seq",
     {{"coherent", "pass", "-"}, {"nc", "pass", "-"}, {"cacheable-line", "pass", "-"}, {"cacheable-64", "pass", "-"},
      {"cacheable-byte", "pass", "-"}, {"coherent+plain-tear8", "pass", "-"}, {"nc+plain-tear8", "pass", "-"},
      {"cacheable-line+plain-tear8", "pass", "-"}, {"cacheable-64+plain-tear8", "pass", "-"},
      {"cacheable-byte+plain-tear8", "pass", "-"}},
     28},
    {"pte_plain_one_store.seq",
     {{"coherent", "pass", "-"}, {"cacheable-64", "pass", "-"}, {"cacheable-byte", "violation", "torn"},
      {"coherent+plain-tear32", "violation", "torn"}}},
};

}  // namespace

TEST(SeqCli, EveryShippedCaseAnswersWhatItsHeaderSays) {
  for (const Case &c : kCases) {
    SCOPED_TRACE(c.file);
    std::string path = seq_case(c.file);
    auto r = run_cli({"seq", path, "--quiet"});
    EXPECT_EQ(r.status, 0) << r.out;
    std::string check = fs::path(c.file).stem().string();
    for (const Answer &a : c.answers) {
      EXPECT_NE(r.out.find(row(check, a.model, a.verdict, a.kind, c.model_width)), std::string::npos)
          << a.model << "\n" << r.out;
      std::string expect = "expect " + a.verdict + (a.kind == "-" ? "" : " " + a.kind) + " under " + a.model;
      EXPECT_TRUE(has_line(r.out, path + ":", ": " + expect + ": holds")) << expect << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("seq: " + std::to_string(c.answers.size()) + " expectations hold, 0 fail\n"),
              std::string::npos)
        << r.out;
  }
}

TEST(SeqCli, AnExpectationThatDoesNotHoldFailsTheRun) {
  std::string text = read(seq_case("ste_hitless_missing_sync.seq"));
  const std::string was = "expect violation misordered under coherent nc";
  ASSERT_NE(text.find(was), std::string::npos);
  text.replace(text.find(was), was.size(), "expect pass under coherent\nexpect violation under nc");
  std::string path = write("wrong.seq", text);
  auto r = run_cli({"seq", path, "--quiet", "--no-witness"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(has_line(r.out, path + ":", ": expect pass under coherent: FAILS, the checker says violation misordered"))
      << r.out;
  EXPECT_TRUE(has_line(r.out, path + ":", ": expect violation under nc: holds (violation misordered)")) << r.out;
  EXPECT_NE(r.out.find("seq: 1 expectation holds, 1 fails\n"), std::string::npos) << r.out;
}

// Byte write-backs tear WRITE_ONCE and plain stores alike, so a qword that
// takes both is split no finer under +plain-tear32 than without: exact, a
// violation. Only a split finer than the write-back's over-approximates.
TEST(SeqCli, PlainAndOnceStoresInOneQwordTearUnderByteWriteBack) {
  std::string text = read(seq_case("ste_cdtable_pointer_cacheable_byte.seq"));
  const std::string once = "store once u64 at 0 = 0x000000099004000b";
  ASSERT_NE(text.find(once), std::string::npos);
  text.insert(text.find(once), "store plain u64 at 0 = 0x000000088000000b\n");
  std::string path = write("plain_and_once.seq", text);
  auto r = run_cli({"seq", path, "--quiet", "--no-witness", "--model",
                    "cacheable-byte+plain-tear32,cacheable-64+plain-tear32"});
  EXPECT_NE(r.out.find("violation (torn): plain_and_once under cacheable-byte+plain-tear32"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("unknown: plain_and_once under cacheable-64+plain-tear32"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("over-approximated"), std::string::npos) << r.out;
}

TEST(SeqCli, WitnessesPointAtTheSeqLines) {
  std::string ste = seq_case("ste_hitless_missing_sync.seq");
  auto a = run_cli({"seq", ste, "--quiet"});
  EXPECT_NE(a.out.find("violation (misordered): ste_hitless_missing_sync under coherent [decompose]"),
            std::string::npos)
      << a.out;
  // The new q0 read with the old q1: the store of q0 is the .seq's line 18 (the
  // tree's field names of the bits between the value and its source).
  EXPECT_TRUE(has_line(a.out, "    q0 = 0x0000000000000009  ", "from store [A] (event 5, " + ste + ":18)")) << a.out;
  std::string pte = seq_case("pte_plain_one_store.seq");
  auto b = run_cli({"seq", pte, "--quiet"});
  EXPECT_NE(b.out.find("violation (torn): pte_plain_one_store under cacheable-byte"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("store plain l3[1] = 0x0000000880123f47  (was 0x0000000000000000, 8 bytes)  " + pte + ":20"),
            std::string::npos)
      << b.out;
}

TEST(SeqCli, BothEnginesAgreeOnTheCases) {
  auto r = run_cli({"seq", seq_case("cd_change_asid.seq"), seq_case("ste_hitless_abort_to_bypass.seq"),
                    seq_case("ste_breaking.seq"), "--quiet", "--engine", "both"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("violation (torn): cd_change_asid under cacheable-byte [explicit+z3+decompose]"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("seq: 12 expectations hold, 0 fail\n"), std::string::npos) << r.out;
}

TEST(SeqCli, ModelOverridesTheExpectations) {
  auto a = run_cli({"seq", seq_case("ste_hitless_cacheable.seq"), "--quiet", "--model", "coherent+plain-tear8"});
  EXPECT_EQ(a.status, 0) << a.out;
  EXPECT_NE(a.out.find(row("ste_hitless_cacheable", "coherent+plain-tear8", "pass", "-")), std::string::npos)
      << a.out;
  EXPECT_NE(a.out.find("seq: 1 passed, 0 failed\n"), std::string::npos) << a.out;
  EXPECT_EQ(a.out.find("expect"), std::string::npos) << a.out;
  auto b = run_cli({"seq", seq_case("ste_hitless_abort_to_bypass.seq"), "--quiet", "--model", "cacheable-64"});
  EXPECT_EQ(b.status, 1) << b.out;
  EXPECT_NE(b.out.find("seq: 0 passed, 1 failed\n"), std::string::npos) << b.out;
}

TEST(SeqCli, JsonCarriesVerdictsWitnessesAndExpectations) {
  auto r = run_cli({"seq", seq_case("cd_change_asid.seq"), seq_case("pte_plain_one_store.seq"), "--quiet",
                    "--format", "json"});
  EXPECT_EQ(r.status, 0) << r.out;
  for (const char *field :
       {"{\"sequences\":[{\"file\":", "\"descriptor\":\"cd\",\"name\":\"cd0\",\"steps\":6,\"syncs\":1,\"check\":{",
        "\"model\":\"cacheable-byte\",\"verdict\":\"violation\",\"kind\":\"torn\"", "\"witness\":{",
        "\"descriptor\":\"pte\",\"name\":\"l3\"", "\"reads\":[{\"level\":0,",
        // The page-table witness has the schema of 'pt --format json' (report/pt_witness_json.h).
        "\"operations\":{\"first\":1,\"last\":", "\"sources\":[{\"trace_index\":",
        "\"text\":\"expect violation torn under cacheable-byte\",\"model\":\"cacheable-byte\","
        "\"expected\":\"violation\",\"expected_kind\":\"torn\",\"verdict\":\"violation\",\"kind\":\"torn\","
        "\"holds\":true}",
        "\"expectations_hold\":9,\"expectations_fail\":0,\"passed\":6,\"failed\":3}"})
    EXPECT_NE(r.out.find(field), std::string::npos) << field << "\n" << r.out.substr(0, 3000);
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < r.out.size(); ++i) {
    char c = r.out[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      ASSERT_GT(depth, 0);
      --depth;
    }
  }
  EXPECT_EQ(depth, 0);
}

// --src of a tree that does not exist: these must fail before the kernel is needed.
TEST(SeqCli, BadInputIsALocatedErrorBeforeAnyKernelWork) {
  std::string bad = write("bad.seq", "ste\ninitial 1 0 0 0 0 0 0 0\ntarget 1 0 0 0 0 0 0 0\nstore once u64 at 4 = 1\n");
  auto a = run_cli({"seq", bad, "--src", "/nonexistent"});
  EXPECT_EQ(a.status, 2) << a.out;
  EXPECT_NE(a.out.find("smmu-check seq: error: " + bad +
                       ":4:19: expected an offset aligned to the u64 store (a multiple of 8), found 4"),
            std::string::npos)
      << a.out;
  std::string typo = write("typo.seq", "ste\ninitial 1 0 0 0 0 0 0 0\ntarget 1 0 0 0 0 0 0 0\n"
                                       "expect pass under coherent cohrent\n");
  auto b = run_cli({"seq", typo, "--src", "/nonexistent"});
  EXPECT_EQ(b.status, 2) << b.out;
  EXPECT_NE(b.out.find(typo + ":4:28: expected a model after `under`: "), std::string::npos) << b.out;
  std::string none = write("none.seq", "ste\ninitial 1 0 0 0 0 0 0 0\ntarget 1 0 0 0 0 0 0 0\n");
  auto c = run_cli({"seq", none, "--src", "/nonexistent"});
  EXPECT_EQ(c.status, 2) << c.out;
  EXPECT_NE(c.out.find(none + ": expected at least one `expect ... under MODEL` line, or --model LIST"),
            std::string::npos)
      << c.out;
  auto d = run_cli({"seq", "--src", "/nonexistent"});
  EXPECT_EQ(d.status, 2) << d.out;
  EXPECT_NE(d.out.find("expected a .seq FILE"), std::string::npos) << d.out;
  auto e = run_cli({"seq", temp_dir().string() + "/missing.seq"});
  EXPECT_EQ(e.status, 2) << e.out;
  EXPECT_NE(e.out.find("missing.seq: expected a .seq file, but it does not exist"), std::string::npos) << e.out;
  auto f = run_cli({"seq", none, "--format", "xml"});
  EXPECT_EQ(f.status, 2) << f.out;
}

TEST(SeqCli, TracePrintsTheEventsWithoutAKernel) {
  std::string path = seq_case("ste_breaking.seq");
  auto r = run_cli({"seq", path, "--trace", "--src", "/nonexistent"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("# sequence " + path + ": STE ste0, 13 steps, 3 syncs\n"), std::string::npos) << r.out;
  EXPECT_TRUE(has_line(r.out, "   6  command CFGI_STE sid=0x10 leaf=1", path + ":22")) << r.out;
  EXPECT_TRUE(has_line(r.out, "   7  command CMD_SYNC cs=0", path + ":23")) << r.out;
}

TEST(SeqCli, HelpTeachesWithAnExample) {
  auto r = run_cli({"seq", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("store once u64 at 8 = 0x0000100000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expect violation stale under cacheable-64"), std::string::npos) << r.out;
}

namespace {

// A leaf PTE written `n` times with plain stores and cleaned once at the end.
std::string rewritten_pte(int n, bool distinct) {
  std::ostringstream s;
  s << "pte\nlevel 3\niova 0x80001000\ninitial 0\ntarget 0x0000000880123f47\n";
  for (int i = 1; i < n; ++i)
    s << "store plain u64 at 0 = 0x" << std::hex << (0x880123f47ull + (distinct ? i * 0x1010101000ull : 0)) << std::dec
      << "\n";
  s << "store plain u64 at 0 = 0x0000000880123f47\nclean\nexpect pass under coherent\n";
  return s.str();
}

}  // namespace

// 62 values of one PTE, none cleaned until the end: a read at PoC may mix
// their bytes in 63^8 ways. That is said at once, as unknown with the bound,
// never a silent hang and never a pass.
TEST(SeqCli, AReadWithTooManyCombinationsIsUnknownNotAHang) {
  const std::string f = write("rewritten.seq", rewritten_pte(62, true));
  auto r = run_cli({"seq", f, "--quiet", "--model", "cacheable-byte+plain-tear8,coherent"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(has_line(r.out, pad("rewritten", 40) + pad("cacheable-byte+plain-tear8", 28) + "unknown", "")) << r.out;
  EXPECT_NE(r.out.find("combinations of its 8 granules' values (bound 65536)"), std::string::npos) << r.out;
  // Coherent, the 62 stores' subsets are the bound.
  EXPECT_TRUE(has_line(r.out, pad("rewritten", 40) + pad("coherent", 28) + "unknown", "")) << r.out;
  EXPECT_NE(r.out.find("has 62 store parts (bound 22)"), std::string::npos) << r.out;
}

// A check that runs long is heard on stderr (after a second; here at once),
// naming the check, the model and how far it is; --quiet silences it.
TEST(SeqCli, ALongCheckIsHeardOnStderr) {
  const std::string f = write("heard.seq", rewritten_pte(8, false));
  ::setenv("SMMU_CHECK_PROGRESS_AFTER_MS", "0", 1);
  auto r = run_cli({"seq", f, "--model", "cacheable-byte+plain-tear8"});
  auto q = run_cli({"seq", f, "--model", "cacheable-byte+plain-tear8", "--quiet"});
  auto p = run_cli({"pt", "--debian", "6.12", "--scenario", "pt_map_page_4k", "--model", "cacheable-byte"});
  ::unsetenv("SMMU_CHECK_PROGRESS_AFTER_MS");
  EXPECT_NE(r.out.find("smmu-check: heard under cacheable-byte+plain-tear8: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" walks so far; "), std::string::npos) << r.out;
  EXPECT_EQ(q.out.find("walks so far"), std::string::npos) << q.out;
  EXPECT_NE(p.out.find("smmu-check: pt_map_page_4k under cacheable-byte: "), std::string::npos) << p.out;
  // A descriptor being read is named as the reports name it (the .seq's PTE
  // l3 at the IOVA's index; the scenario's first table), not by its address.
  EXPECT_NE(r.out.find(" walks so far; reading descriptor l3[1]\n"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(p.out, std::regex(R"( walks so far; reading descriptor table[0-9]+\[[0-9]+\]\n)")))
      << p.out;
  for (const auto *out : {&r.out, &p.out}) EXPECT_EQ(out->find("reading descriptor 0x"), std::string::npos) << *out;
}
