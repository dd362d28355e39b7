// smmu-check lint: each check on a small file written for the test
// (tests/data/lint), then the real 6.12 and 6.1 trees, then the CLI.
#include "lint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "kernel_fixture.h"

namespace fs = std::filesystem;
using namespace smmu::lint;
using smmu::testing::run_cli;

namespace {

const char *kDemo = "drivers/demo/lint_demo.c";

LintResult lint_demo(const std::string &checks = "smmu-*", const std::string &also_include = "") {
  smmu::harness::SliceRequest r;
  r.tree_root = std::string(SMMU_TEST_DATA_DIR) + "/lint";
  r.file = kDemo;
  r.prelude = {"#include \"" + (r.tree_root / "lint_demo.h").string() + "\""};
  if (!also_include.empty()) r.prelude.push_back("#include \"" + (r.tree_root / also_include).string() + "\"");
  r.resource_dir = SMMU_CLANG_RESOURCE_DIR_FOR_TESTS;
  r.clang_args = {"-std=gnu11"};
  LintResult out;
  lint_request(r, CheckFilter(checks), out);
  return out;
}

std::string where(const Finding &f) {
  return f.where.file + ":" + std::to_string(f.where.line) + ":" + std::to_string(f.where.column);
}

std::vector<std::string> wheres(const LintResult &r, const std::string &file = "") {
  std::vector<std::string> out;
  for (const auto &f : r.findings)
    if (file.empty() || f.where.file == file) out.push_back(where(f));
  return out;
}

const Finding *on_line(const LintResult &r, const std::string &file, unsigned line) {
  for (const auto &f : r.findings)
    if (f.where.file == file && f.where.line == line) return &f;
  return nullptr;
}

// "file:line:col" of the assignment on a kernel line found by content: clang
// reports an assignment at its '='.
std::string assignment_at(const std::string &series, const std::string &file, int line) {
  return file + ":" + std::to_string(line) + ":" +
         std::to_string(smmu::testing::kernel_column(series, file, line, " = ") + 1);
}

std::string dump(const LintResult &r) {
  std::ostringstream s;
  print_text(s, r);
  return s.str();
}

}  // namespace

// ---- one positive and one negative example per check (lint_demo.c) ----

TEST(LintPlainStore, StoreThroughAPageTablePointerGetsAWriteOnceFixIt) {
  LintResult r = lint_demo("-*,smmu-descriptor-plain-store");
  const Finding *f = on_line(r, kDemo, 17);
  ASSERT_NE(f, nullptr) << dump(r);
  EXPECT_EQ(where(*f), "drivers/demo/lint_demo.c:17:10");
  EXPECT_EQ(f->check, "smmu-descriptor-plain-store");
  EXPECT_EQ(f->function, "demo_clear_pte");
  ASSERT_TRUE(f->fixit);
  EXPECT_EQ(f->fixit->replacement, "WRITE_ONCE(ptep[i], 0)");
  EXPECT_EQ(f->fixit->begin.line, 17u);
  EXPECT_EQ(f->fixit->begin.column, 2u);
  EXPECT_EQ(f->fixit->end.column, 13u);
  ASSERT_FALSE(f->notes.empty());
  EXPECT_NE(f->notes[0].message.find("'ptep' has type 'arm_lpae_iopte *'"), std::string::npos);
}

TEST(LintPlainStore, WriteOnceAndCommandBuffersAreNotFindings) {
  LintResult r = lint_demo("-*,smmu-descriptor-plain-store");
  EXPECT_EQ(on_line(r, kDemo, 18), nullptr) << dump(r);  // WRITE_ONCE(ptep[i + 1], 0)
  EXPECT_EQ(on_line(r, kDemo, 23), nullptr) << dump(r);  // cmd[0] = op: u64 *, no descriptor
  EXPECT_EQ(on_line(r, kDemo, 35), nullptr) << dump(r);  // a builder's target
}

TEST(LintPlainRmw, CompoundAssignmentGetsAParenthesisedFixIt) {
  LintResult r = lint_demo("-*,smmu-descriptor-plain-rmw");
  const Finding *f = on_line(r, kDemo, 29);
  ASSERT_NE(f, nullptr) << dump(r);
  EXPECT_EQ(where(*f), "drivers/demo/lint_demo.c:29:15");
  EXPECT_EQ(f->check, "smmu-descriptor-plain-rmw");
  ASSERT_TRUE(f->fixit);
  EXPECT_EQ(f->fixit->replacement, "WRITE_ONCE(ste->data[1], ste->data[1] | (a | b))");
  EXPECT_NE(f->message.find("'|='"), std::string::npos);
}

TEST(LintPlainRmw, BuilderTargetIsNotLive) {
  LintResult r = lint_demo("-*,smmu-descriptor-plain-rmw");
  EXPECT_EQ(on_line(r, kDemo, 36), nullptr) << dump(r);  // target->data[1] |= 2 in arm_smmu_make_*
  EXPECT_EQ(r.findings.size(), 1u) << dump(r);
}

TEST(LintBulkWrite, MemsetOverALiveSte) {
  LintResult r = lint_demo("-*,smmu-descriptor-bulk-write");
  ASSERT_EQ(wheres(r), std::vector<std::string>{"drivers/demo/lint_demo.c:42:2"}) << dump(r);
  EXPECT_EQ(r.findings[0].check, "smmu-descriptor-bulk-write");
  EXPECT_NE(r.findings[0].message.find("memset() over live stream-table memory"),
            std::string::npos);
  EXPECT_FALSE(r.findings[0].fixit);
  // Not at 34 (memset of a builder's target) nor 49 (a local STE).
}

TEST(LintStructCopy, CopyOntoALiveSteButNotIntoACallersLocal) {
  LintResult r = lint_demo("-*,smmu-descriptor-struct-copy");
  ASSERT_EQ(wheres(r), std::vector<std::string>{"drivers/demo/lint_demo.c:55:7"}) << dump(r);
  EXPECT_NE(r.findings[0].message.find("(struct arm_smmu_ste)"), std::string::npos);
  // 60: `*out = *live` where every caller passes the address of a local.
}

// ---- how live memory is told from a descriptor being built ----

TEST(LintProvenance, UntypedTablePointerIsLiveThroughReturnsAndCalls) {
  LintResult r = lint_demo();
  const Finding *f = on_line(r, kDemo, 78);  // dst[1] = 5 in demo_fill
  ASSERT_NE(f, nullptr) << dump(r);
  EXPECT_EQ(where(*f), "drivers/demo/lint_demo.c:78:9");
  // The immediate reason, then the first one.
  ASSERT_EQ(f->notes.size(), 2u);
  EXPECT_EQ(f->notes[0].where.line, 85u);
  EXPECT_EQ(f->notes[0].message,
            "demo_install() passes live stream-table memory as 'dst' to demo_fill()");
  EXPECT_EQ(f->notes[1].where.line, 73u);
  EXPECT_EQ(f->notes[1].message,
            "'cfg->strtab' is the stream-table pointer kept in struct arm_smmu_strtab_cfg");
}

TEST(LintProvenance, FreshAllocationIsNotLiveUntilPublished) {
  LintResult r = lint_demo();
  EXPECT_EQ(on_line(r, kDemo, 94), nullptr) << dump(r);  // cfg->strtab[0] right after kzalloc
}

TEST(LintProvenance, StoreSpelledInAMacroIsReportedAtItsUseWithoutFixIt) {
  LintResult r = lint_demo();
  const Finding *f = on_line(r, kDemo, 86);
  ASSERT_NE(f, nullptr) << dump(r);
  EXPECT_EQ(where(*f), "drivers/demo/lint_demo.c:86:2");
  EXPECT_FALSE(f->fixit);
}

TEST(LintDemo, AllFindingsInOrderInClangTidyFormat) {
  LintResult r = lint_demo();
  EXPECT_EQ(wheres(r), (std::vector<std::string>{
                           "drivers/demo/lint_demo.c:17:10", "drivers/demo/lint_demo.c:29:15",
                           "drivers/demo/lint_demo.c:42:2", "drivers/demo/lint_demo.c:55:7",
                           "drivers/demo/lint_demo.c:78:9", "drivers/demo/lint_demo.c:86:2"}))
      << dump(r);
  std::string text = dump(r);
  EXPECT_NE(text.find("drivers/demo/lint_demo.c:17:10: warning: plain store to live page-table "
                      "memory is not single-copy atomic"),
            std::string::npos)
      << text;
  // Source line (tabs expanded), caret line, the fix-it's replacement text.
  EXPECT_NE(text.find("[smmu-descriptor-plain-store]\n"
                      "        ptep[i] = 0;\n"
                      "        ~~~~~~~~^~~\n"
                      "        WRITE_ONCE(ptep[i], 0)\n"
                      "drivers/demo/lint_demo.c:15:44: note: 'ptep' has type 'arm_lpae_iopte *'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.rfind("\n6 warnings in 1 file (1 file checked)\n"), std::string::npos) << text;
}

// ---- a file that does not parse is not checked ----

TEST(LintParseFailure, FatalErrorMeansNotCheckedWithTheFirstError) {
  LintResult r = lint_demo("smmu-*", "drivers/demo/lint_demo_broken.h");
  EXPECT_TRUE(r.files.empty()) << dump(r);
  EXPECT_TRUE(r.findings.empty()) << "findings of an unreliable AST are not reported\n" << dump(r);
  ASSERT_EQ(r.not_checked.size(), 1u) << dump(r);
  EXPECT_EQ(r.not_checked[0].file, kDemo);
  EXPECT_EQ(r.not_checked[0].first_error,
            "drivers/demo/lint_demo_broken.h:3:10: fatal error: "
            "'linux/smmu_check_no_such_header.h' file not found");
  std::string text = dump(r);
  EXPECT_NE(text.find("drivers/demo/lint_demo.c: error: not checked: the file did not parse; first "
                      "error: drivers/demo/lint_demo_broken.h:3:10: fatal error: "),
            std::string::npos)
      << text;
  EXPECT_NE(text.rfind("\n0 warnings in 0 files (0 files checked, 1 file not checked (parse errors))\n"),
            std::string::npos)
      << text;
}

TEST(LintChecks, RegisteredOnceWithGlobFilters) {
  std::vector<std::string> names;
  for (const auto &c : available_checks()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "smmu-descriptor-plain-store", "smmu-descriptor-plain-rmw",
                       "smmu-descriptor-bulk-write", "smmu-descriptor-struct-copy"}));
  CheckFilter f("smmu-*,-smmu-descriptor-bulk-write");
  EXPECT_TRUE(f.enabled("smmu-descriptor-plain-store"));
  EXPECT_FALSE(f.enabled("smmu-descriptor-bulk-write"));
  EXPECT_FALSE(CheckFilter("-*").enabled("smmu-descriptor-plain-store"));
}

// ---- the real trees ----

TEST(Lint612, IoPgtableArmPlainStoresAndNothingInTheMakeFunctions) {
  LintResult r = lint_tree(smmu::testing::kernel("6.12").tree(), CheckFilter());
  const std::string pgt = "drivers/iommu/io-pgtable-arm.c";
  const int clear_line = smmu::testing::clear_pte_line("6.12"), init_line = smmu::testing::init_pte_line("6.12");
  const Finding *clear = on_line(r, pgt, clear_line), *init = on_line(r, pgt, init_line);
  ASSERT_NE(clear, nullptr) << dump(r);
  ASSERT_NE(init, nullptr) << dump(r);
  EXPECT_EQ(where(*clear), assignment_at("6.12", pgt, clear_line));
  EXPECT_EQ(clear->function, "__arm_lpae_clear_pte");
  EXPECT_EQ(clear->fixit->replacement, "WRITE_ONCE(ptep[i], 0)");
  EXPECT_EQ(where(*init), assignment_at("6.12", pgt, init_line));
  EXPECT_EQ(init->function, "__arm_lpae_init_pte");
  EXPECT_EQ(init->fixit->replacement,
            "WRITE_ONCE(ptep[i], pte | paddr_to_iopte(paddr + i * sz, data))");
  for (const auto &f : r.findings) EXPECT_NE(f.function.rfind("arm_smmu_make_", 0), 0u) << where(f);
  // The 6.9+ writer publishes STEs and CDs only through entry_set's WRITE_ONCE.
  EXPECT_TRUE(wheres(r, "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c").empty()) << dump(r);
  EXPECT_EQ(r.files.size(), 2u);
  // Errors against the shim that clang recovers from leave a file checked.
  EXPECT_FALSE(r.parse_errors.empty());
  EXPECT_TRUE(r.not_checked.empty()) << r.not_checked[0].first_error;
}

TEST(Lint61, StrtabEntAndCtxDescPlainStores) {
  LintResult r = lint_tree(smmu::testing::kernel("6.1").tree(), CheckFilter());
  const std::string drv = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";
  // The stores, found by content: each needle searched from the line of the one before.
  auto line = [&](const std::vector<std::string> &needles) -> unsigned {
    return smmu::testing::kernel_line_after("6.1", drv, needles);
  };
  const std::string ent = "static void arm_smmu_write_strtab_ent(", ctx = "int arm_smmu_write_ctx_desc(";
  const unsigned abort_q0 = line({ent, "dst[0] = cpu_to_le64(val);"});
  const unsigned stalld = line({ent, "dst[1] |= cpu_to_le64(STRTAB_STE_1_S1STALLD);"});
  for (unsigned l : {abort_q0, line({ent, "dst[1] = cpu_to_le64(FIELD_PREP(STRTAB_STE_1_SHCFG,"}),
                     line({ent, "dst[2] = 0;"}), line({ent, "if (s1_cfg) {", "dst[1] = cpu_to_le64("}), stalld,
                     line({ent, "if (s2_cfg) {", "dst[2] = cpu_to_le64("}), line({ent, "dst[3] = cpu_to_le64("}),
                     line({ent, "dst[1] |= cpu_to_le64(FIELD_PREP(STRTAB_STE_1_EATS,"})}) {
    const Finding *f = on_line(r, drv, l);
    ASSERT_NE(f, nullptr) << l << "\n" << dump(r);
    EXPECT_EQ(f->function, "arm_smmu_write_strtab_ent") << l;
  }
  for (unsigned l : {line({ctx, "cdptr[1] = "}), line({ctx, "cdptr[2] = 0;"}), line({ctx, "cdptr[3] = "})}) {
    const Finding *f = on_line(r, drv, l);
    ASSERT_NE(f, nullptr) << l << "\n" << dump(r);
    EXPECT_EQ(f->function, "arm_smmu_write_ctx_desc") << l;
    EXPECT_EQ(f->check, "smmu-descriptor-plain-store");
  }
  EXPECT_EQ(on_line(r, drv, stalld)->check, "smmu-descriptor-plain-rmw");
  EXPECT_EQ(on_line(r, drv, abort_q0)->fixit->replacement, "WRITE_ONCE(dst[0], cpu_to_le64(val))");
  // WRITE_ONCE(dst[0], ...) and WRITE_ONCE(cdptr[0], ...) are not findings.
  EXPECT_EQ(on_line(r, drv, line({ent, "WRITE_ONCE(dst[0], cpu_to_le64(val));"})), nullptr);
  EXPECT_EQ(on_line(r, drv, line({ctx, "WRITE_ONCE(cdptr[0], cpu_to_le64(val));"})), nullptr);
}

// ---- the CLI ----

TEST(LintCli, ExitStatusAndOutput) {
  auto found = run_cli({"lint", "--debian", "6.12", "--quiet"});
  EXPECT_EQ(found.status, 1) << found.out;
  const std::string pgt = "drivers/iommu/io-pgtable-arm.c";
  EXPECT_NE(found.out.find(assignment_at("6.12", pgt, smmu::testing::clear_pte_line("6.12")) + ": warning: "),
            std::string::npos)
      << found.out;
  EXPECT_NE(found.out.find("2 warnings in 1 file (2 files checked)"), std::string::npos)
      << found.out;

  auto json = run_cli({"lint", "--debian", "6.12", "--quiet", "--format", "json"});
  EXPECT_EQ(json.status, 1);
  const int init_line = smmu::testing::init_pte_line("6.12");
  EXPECT_NE(json.out.find("\"line\":" + std::to_string(init_line) + ",\"column\":" +
                          std::to_string(smmu::testing::kernel_column("6.12", pgt, init_line, " = ") + 1) + ","),
            std::string::npos)
      << json.out;

  EXPECT_EQ(run_cli({"lint", "--debian", "6.12", "--format", "xml"}).status, 2);
  EXPECT_EQ(run_cli({"lint", "--debian", "6.12", "--checks", "-*"}).status, 2);
  EXPECT_EQ(run_cli({"lint"}).status, 2);
  auto missing = run_cli({"lint", "--src", "/nonexistent/tree"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.out.find("error:"), std::string::npos) << missing.out;
}

TEST(LintCli, ApplyingTheFixItsLeavesNoFinding) {
  const auto &k = smmu::testing::kernel("6.12");
  fs::path tree = fs::temp_directory_path() / ("smmu-check-lint-test-" + std::to_string(getpid()));
  fs::remove_all(tree);
  fs::copy(k.tree().root, tree, fs::copy_options::recursive);
  fs::path file = tree / "drivers/iommu/io-pgtable-arm.c";
  std::stringstream ss;
  ss << std::ifstream(file).rdbuf();
  std::string text = ss.str();
  for (const char *store :
       {"ptep[i] = 0", "ptep[i] = pte | paddr_to_iopte(paddr + i * sz, data)"}) {
    std::string s = store;
    size_t at = text.find(s);
    ASSERT_NE(at, std::string::npos) << s;
    size_t eq = s.find(" = ");
    text.replace(at, s.size(), "WRITE_ONCE(" + s.substr(0, eq) + ", " + s.substr(eq + 3) + ")");
  }
  std::ofstream(file) << text;
  auto r = run_cli({"lint", "--src", tree.string(), "--quiet"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("0 warnings in 0 files (2 files checked)"), std::string::npos) << r.out;
  fs::remove_all(tree);
}

// As on 7.3, whose arm-smmu-v3.h includes a header the shim lacks: the driver
// does not parse and must not be counted as checked. io-pgtable-arm.c, fixed,
// has no finding, so only the file not checked decides the exit status.
TEST(LintCli, FileThatDoesNotParseIsNotCheckedAndFailsUnlessAllowed) {
  const auto &k = smmu::testing::kernel("6.12");
  fs::path tree =
      fs::temp_directory_path() / ("smmu-check-lint-unparsed-" + std::to_string(getpid()));
  fs::remove_all(tree);
  fs::copy(k.tree().root, tree, fs::copy_options::recursive);
  const std::string header = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h";
  std::stringstream ss;
  ss << std::ifstream(tree / header).rdbuf();
  std::string text = ss.str();
  int line = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::ofstream(tree / header, std::ios::app) << "#include <linux/smmu_check_no_such_header.h>\n";
  fs::path pgt = tree / "drivers/iommu/io-pgtable-arm.c";
  ss.str("");
  ss << std::ifstream(pgt).rdbuf();
  text = ss.str();
  for (const char *store :
       {"ptep[i] = 0", "ptep[i] = pte | paddr_to_iopte(paddr + i * sz, data)"}) {
    std::string s = store;
    size_t at = text.find(s);
    ASSERT_NE(at, std::string::npos) << s;
    size_t eq = s.find(" = ");
    text.replace(at, s.size(), "WRITE_ONCE(" + s.substr(0, eq) + ", " + s.substr(eq + 3) + ")");
  }
  std::ofstream(pgt) << text;
  const std::string first_error = header + ":" + std::to_string(line) +
                                  ":10: fatal error: 'linux/smmu_check_no_such_header.h' file not found";

  auto r = run_cli({"lint", "--src", tree.string(), "--quiet"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c: error: not checked: the file "
                       "did not parse; first error: " + first_error + "\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0 warnings in 0 files (1 file checked, 1 file not checked (parse errors))"),
            std::string::npos)
      << r.out;

  auto allowed = run_cli({"lint", "--src", tree.string(), "--quiet", "--allow-parse-errors"});
  EXPECT_EQ(allowed.status, 0) << allowed.out;
  EXPECT_NE(allowed.out.find("1 file checked, 1 file not checked (parse errors)"), std::string::npos)
      << allowed.out;

  auto json = run_cli({"lint", "--src", tree.string(), "--quiet", "--format", "json"});
  EXPECT_EQ(json.status, 1) << json.out;
  EXPECT_NE(json.out.find("\"files\":[\"drivers/iommu/io-pgtable-arm.c\"]"), std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"not_checked\":[{\"file\":\"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c\","
                          "\"first_error\":\"" + first_error + "\"}]"),
            std::string::npos)
      << json.out;
  fs::remove_all(tree);
}
