// The kernel code's own verdict beside the checker's (checker/kernel_run.h),
// on the real 6.12 code: a writer whose sync is left out while it runs fails
// the tree's own KUnit expectation and is still judged (a violation with its
// witness, and the expectation's file:line); a pristine run is reported as
// before; a run that stopped part way never yields pass; and the `kernel`
// gate fails a required cell whose kernel run failed, on a tree with bugs.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "check_run.h"
#include "entry_update.h"
#include "fault_injection.h"
#include "kernel_fixture.h"
#include "formats.h"
#include "kernel_run.h"
#include "kernel_semantics.h"
#include "model_registry.h"

using namespace smmu;
using checker::Outcome;
using checker::ViolationKind;
using harness::RunStatus;
using smmu::testing::run_cli;
namespace fs = std::filesystem;

namespace {

const std::string kTestFile = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-test.c";

const checker::EntrySemantics &semantics() {
  static checker::EntrySemantics s = checks::kernel_semantics(smmu::testing::kernel("6.12"), true);
  return s;
}

std::vector<models::Model> resolve(const std::vector<std::string> &names) {
  std::vector<models::Model> out;
  for (const auto &n : names) out.push_back(models::resolve_model(n));
  return out;
}

// The STE transition's sync-count expectation in the tree's KUnit test.
int num_syncs_line() {
  return smmu::testing::kernel_line("6.12", kTestFile,
                                    "KUNIT_EXPECT_EQ(test, test_writer.num_syncs, num_syncs_expected);");
}

std::string short_case(const std::string &name) { return name.substr(std::string("arm_smmu_v3_").size()); }

struct Picked {
  harness::RunnableCase c;
  harness::RunResult pristine, seeded;
};

// A write_ste_test_* case chosen by what it does: its first update takes two
// syncs or more (so without the first, its first two steps mix: misordered),
// and with that sync left out of the running writer the case's own KUnit
// expectations fail.
const Picked &picked() {
  static const Picked p = [] {
    const auto &k = smmu::testing::kernel("6.12");
    for (const auto &c : k.kunit_cases()) {
      if (c.name.rfind("arm_smmu_v3_write_ste_test_", 0) != 0) continue;
      harness::RunResult pristine = k.run(c);
      auto updates = checker::extract_entry_updates(pristine.trace);
      if (pristine.status != RunStatus::Pass || updates.empty() || updates[0].syncs < 2) continue;
      harness::RunResult seeded;
      if (!harness::run_with_fault(k, c, harness::Fault::DropSync, 1, seeded)) continue;
      if (seeded.status != RunStatus::Fail || seeded.trace.kunit_failures.empty()) continue;
      return Picked{c, std::move(pristine), std::move(seeded)};
    }
    return Picked{};
  }();
  return p;
}

#define ASSERT_PICKED()                                                                                   \
  ASSERT_FALSE(picked().c.name.empty()) << "no 6.12 write_ste_test_* case has a first update of two or " \
                                           "more syncs whose KUnit test fails without the first"

size_t count_kind(const harness::Trace &t, size_t n, harness::EventKind kind) {
  size_t c = 0;
  for (size_t i = 0; i < n && i < t.events.size(); ++i) c += t.events[i].kind == kind;
  return c;
}

// The run as if the code had stopped after its first `n` events, as the
// runtime reports it: BUG_ON there, a failed assertion, or a skip.
harness::RunResult stopped_after(const harness::RunResult &run, size_t n, RunStatus how) {
  harness::RunResult r = run;
  r.trace.events.resize(n);
  r.trace.kunit_failures.clear();  // what the whole run failed came after the prefix
  r.status = how;
  r.trace.complete = false;
  if (how == RunStatus::Bug) {
    harness::Event &e = r.trace.events.emplace_back();
    e.kind = harness::EventKind::Bug;
    e.loc = {kTestFile, 1};
    e.text = "BUG_ON(x)";
  } else if (how == RunStatus::Fail) {
    r.trace.kunit_failures.push_back(kTestFile + ":1: Expected x to be true, but is false");
  }
  return r;
}

std::string read(const fs::path &f) {
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int line_of(const std::string &text, const std::string &needle) {
  size_t at = text.find(needle);
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

fs::path temp_dir(const std::string &name) {
  fs::path d = fs::temp_directory_path() / ("smmu-kernel-run-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

// --inject drop-sync:1 leaves the first sync out of the running writer: the
// trace is the one the trace-level fault gives, but the kernel saw it too.
TEST(SeededMissingSync, IsJudgedAndTheKernelsOwnFailureIsReported) {
  ASSERT_PICKED();
  const Picked &p = picked();
  harness::Trace edited = p.pristine.trace;
  ASSERT_TRUE(harness::inject(edited, harness::Fault::DropSync, 1));
  ASSERT_EQ(p.seeded.trace.events.size(), edited.events.size());
  for (size_t i = 0; i < edited.events.size(); ++i) {
    EXPECT_EQ(p.seeded.trace.events[i].kind, edited.events[i].kind) << "event " << i + 1;
    EXPECT_EQ(p.seeded.trace.events[i].value, edited.events[i].value) << "event " << i + 1;
  }
  EXPECT_TRUE(p.seeded.trace.complete) << "a failed expectation does not stop the case";

  checker::KernelStatus k = checker::kernel_status(p.seeded);
  EXPECT_EQ(k.status, RunStatus::Fail);
  EXPECT_TRUE(k.complete);
  EXPECT_FALSE(k.passed());
  EXPECT_EQ(k.file, kTestFile);
  EXPECT_EQ(k.line, num_syncs_line());
  const std::string message = "kernel expectation failed: " + kTestFile + ":" + std::to_string(num_syncs_line()) +
                              ": Expected test_writer.num_syncs == num_syncs_expected, but test_writer.num_syncs == ";
  EXPECT_EQ(k.message.rfind(message, 0), 0u) << k.message;

  std::vector<harness::RunResult> runs{p.seeded};
  auto rows = checks::check_runs(runs, resolve({"coherent"}), semantics(), checker::EngineChoice::Both, {});
  ASSERT_EQ(rows.size(), 1u);
  const checks::CheckRow &r = rows[0];
  EXPECT_EQ(r.verdict.outcome, Outcome::Violation) << r.verdict.reason;
  EXPECT_EQ(r.verdict.kind, ViolationKind::Misordered) << r.verdict.reason;
  EXPECT_EQ(r.verdict.engine, "explicit+z3+decompose");
  EXPECT_EQ(r.verdict.witness.update, 0u);
  EXPECT_EQ(r.verdict.witness.epoch, 0u) << "the fetch falls where the sync is missing";
  EXPECT_FALSE(r.verdict.witness.parts.empty());
  EXPECT_EQ(r.kernel.message, k.message);
  EXPECT_FALSE(r.passed());

  std::ostringstream text, json;
  EXPECT_EQ(checks::print_check_report(text, rows, true), 1);
  EXPECT_NE(text.str().find("violation (misordered): " + short_case(p.c.name) + " under coherent"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("\n  kernel fail: " + k.message + "\n"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("The SMMU reads"), std::string::npos) << "the witness:\n" << text.str();
  EXPECT_EQ(checks::print_check_json(json, rows), 1);
  for (const std::string &field : {std::string("\"verdict\":\"violation\""), std::string("\"kind\":\"misordered\""),
                                   std::string("\"kernel_status\":\"fail\""), std::string("\"trace_complete\":true"),
                                   "\"kernel_message\":\"" + message, std::string("\"witness\":{\"update\":1,")})
    EXPECT_NE(json.str().find(field), std::string::npos) << field << "\n" << json.str().substr(0, 2000);
}

TEST(SeededMissingSync, KunitExplainAndKtapReportBothFacts) {
  ASSERT_PICKED();
  const std::string name = picked().c.name, line = std::to_string(num_syncs_line());
  const std::string failed = "kernel expectation failed: " + kTestFile + ":" + line + ": Expected test_writer.num_syncs";

  auto r = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent", "--filter", name, "--inject",
                    "drop-sync:1"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\n" + short_case(name) + " +coherent +violation +misordered .* fail\n")))
      << r.out;
  EXPECT_NE(r.out.find("violation (misordered): " + short_case(name) + " under coherent"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  kernel fail: " + failed), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("check: 0 passed, 1 failed"), std::string::npos) << r.out;

  auto j = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent", "--filter", name, "--inject",
                    "drop-sync:1", "--format", "json"});
  EXPECT_EQ(j.status, 1) << j.out;
  EXPECT_NE(j.out.find("\"kernel_status\":\"fail\",\"trace_complete\":true,\"kernel_message\":\"" + failed),
            std::string::npos) << j.out.substr(0, 2000);
  EXPECT_NE(j.out.find("\"witness\":{"), std::string::npos);

  auto e = run_cli({"explain", "--debian", "6.12", name, "--inject", "drop-sync:1"});
  EXPECT_EQ(e.status, 1) << e.out;
  EXPECT_NE(e.out.find("violation (misordered)"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("kernel fail: " + failed), std::string::npos) << e.out;

  // Without --model: the KTAP report shows what the kernel's own test says.
  auto ktap = run_cli({"kunit", "--debian", "6.12", "--quiet", "--filter", name, "--inject", "drop-sync:1"});
  EXPECT_EQ(ktap.status, 1) << ktap.out;
  EXPECT_NE(ktap.out.find("# " + name + ": EXPECTATION FAILED at " + kTestFile + ":" + line), std::string::npos)
      << ktap.out;
  EXPECT_NE(ktap.out.find("not ok 1 " + name), std::string::npos) << ktap.out;
  // A fault that only edits the recorded trace cannot be seen by KUnit.
  auto edit = run_cli({"kunit", "--debian", "6.12", "--quiet", "--filter", name, "--inject", "swap-steps:1"});
  EXPECT_EQ(edit.status, 2) << edit.out;
}

TEST(PristineRun, IsJudgedAndReportedAsBefore) {
  const auto &k = smmu::testing::kernel("6.12");
  std::vector<harness::RunResult> runs;
  for (const auto &c : k.kunit_cases()) runs.push_back(k.run(c));
  ASSERT_GE(runs.size(), 20u);
  for (const auto &run : runs) {
    checker::KernelStatus s = checker::kernel_status(run);
    EXPECT_TRUE(s.passed()) << run.name << ": " << s.message;
    EXPECT_EQ(s.message, "") << run.name;
    EXPECT_EQ(checker::judgeable_trace(run).events.size(), run.trace.events.size()) << run.name;
  }
  auto rows = checks::check_runs(runs, resolve({"coherent"}), semantics(), checker::EngineChoice::Explicit, {});
  for (const auto &r : rows) {
    EXPECT_EQ(r.verdict.outcome, Outcome::Pass) << r.check << ": " << r.verdict.reason;
    EXPECT_TRUE(r.passed()) << r.check;
  }
  std::ostringstream text, json;
  EXPECT_EQ(checks::print_check_report(text, rows, true), 0);
  EXPECT_EQ(text.str().find("kernel fail"), std::string::npos) << text.str();
  EXPECT_TRUE(std::regex_search(text.str(), std::regex("\nwrite_ste_test_bypass_to_abort +coherent +pass .* pass\n")))
      << text.str();
  EXPECT_EQ(checks::print_check_json(json, rows), 0);
  EXPECT_NE(json.str().find("\"kernel_status\":\"pass\",\"trace_complete\":true,\"kernel_message\":\"\""),
            std::string::npos);
  EXPECT_EQ(json.str().find("\"kernel_status\":\"fail\""), std::string::npos);
}

// Every prefix of a run, as the runtime reports a run it stopped there (BUG_ON,
// a failed assertion, a skip): never a pass under any model. A violation in an
// update the prefix holds whole stands; an update it stopped inside is not judged.
TEST(StoppedRun, NeverYieldsPassOnlyAViolationItRecorded) {
  ASSERT_PICKED();
  const harness::RunResult &pristine = picked().pristine;
  const std::vector<std::string> names = {"coherent", "nc", "cacheable-64", "cacheable-byte", "coherent+plain-tear32"};
  const auto ms = resolve(names);
  for (RunStatus how : {RunStatus::Bug, RunStatus::Fail, RunStatus::Skip})
    for (size_t n = 0; n <= pristine.trace.events.size(); ++n) {
      std::vector<harness::RunResult> runs{stopped_after(pristine, n, how)};
      checker::KernelStatus k = checker::kernel_status(runs[0]);
      EXPECT_FALSE(k.complete);
      EXPECT_FALSE(k.message.empty());
      const bool whole = count_kind(pristine.trace, n, harness::EventKind::UpdateEnd) > 0;
      auto rows = checks::check_runs(runs, ms, semantics(), checker::EngineChoice::Explicit, {});
      ASSERT_EQ(rows.size(), names.size());
      for (const auto &r : rows) {
        EXPECT_NE(r.verdict.outcome, Outcome::Pass) << r.model << " after " << n << " events (" << k.name() << ")";
        EXPECT_FALSE(r.passed());
      }
      // Under coherent the pristine updates are safe: whatever the prefix, unknown.
      EXPECT_EQ(rows[0].verdict.outcome, Outcome::Unknown) << n;
      EXPECT_NE(rows[0].verdict.reason.find("the kernel code stopped part way ("), std::string::npos)
          << rows[0].verdict.reason;
      // Without cleans every whole update is stale under cacheable-64: that stands.
      EXPECT_EQ(rows[2].verdict.outcome, whole ? Outcome::Violation : Outcome::Unknown) << n;
    }

  // The seeded bug, stopped right after its first update: the violation stands,
  // with its witness; stopped one event earlier, inside the update whose epoch
  // never ended, that update is not judged: unknown, neither pass nor violation.
  const harness::RunResult &seeded = picked().seeded;
  size_t end = 0;
  while (end < seeded.trace.events.size() && seeded.trace.events[end].kind != harness::EventKind::UpdateEnd) ++end;
  ASSERT_LT(end, seeded.trace.events.size());
  std::vector<harness::RunResult> after{stopped_after(seeded, end + 1, RunStatus::Bug)};
  auto rows = checks::check_runs(after, resolve({"coherent"}), semantics(), checker::EngineChoice::Both, {});
  EXPECT_EQ(rows[0].verdict.outcome, Outcome::Violation) << rows[0].verdict.reason;
  EXPECT_EQ(rows[0].verdict.kind, ViolationKind::Misordered);
  EXPECT_FALSE(rows[0].verdict.witness.parts.empty());
  EXPECT_EQ(rows[0].kernel.status, RunStatus::Bug);
  EXPECT_EQ(rows[0].kernel.message, "kernel BUG at " + kTestFile + ":1: BUG_ON(x)");
  std::vector<harness::RunResult> inside{stopped_after(seeded, end, RunStatus::Bug)};
  EXPECT_EQ(checker::judgeable_trace(inside[0]).count(harness::EventKind::UpdateBegin), 0u);
  rows = checks::check_runs(inside, resolve({"coherent"}), semantics(), checker::EngineChoice::Both, {});
  EXPECT_EQ(rows[0].verdict.outcome, Outcome::Unknown) << rows[0].verdict.reason;
}

// A cell passes only if its verdicts pass and the kernel run passed its own
// checks; a model-independent cell (lint) has no kernel run.
TEST(KernelGate, ACellWhoseKernelRunFailedIsNotAPass) {
  report::Report r;
  r.tree = "test";
  r.models = {"coherent", "nc"};
  r.rows = {{0, "kunit/a"}, {1, "kunit/b"}, {2, "lint"}};
  auto item = [](size_t row, const std::string &check, const std::string &model, const std::string &kernel) {
    report::ReportItem it;
    it.row = row;
    it.check = check;
    it.model = model;
    it.verdict = "pass";
    it.kernel_status = kernel;
    if (kernel == "fail") {
      it.kernel_message = "kernel expectation failed: " + kTestFile + ":148: Expected a == b";
      it.kernel_location = {kTestFile, 148, 0, 0, it.kernel_message};
    }
    return it;
  };
  r.items = {item(0, "kunit/a", "coherent", "fail"), item(0, "kunit/a", "nc", "fail"),
             item(1, "kunit/b", "coherent", "pass"), item(1, "kunit/b", "nc", "pass"), item(2, "lint", "any", "")};
  report::Expectations a = report::parse_expectations("pass kunit/a coherent\n", "a.txt");
  report::Expectations b = report::parse_expectations("pass kunit/b coherent,nc\npass lint any\n", "b.txt");
  EXPECT_EQ(report::report_status(r, &a), 1);
  EXPECT_EQ(report::report_status(r, &b), 0);
  EXPECT_EQ(report::report_status(r, nullptr), 1);
  auto cells = report::report_cells(r, &a);
  ASSERT_EQ(cells.size(), 5u);
  EXPECT_EQ(cells[0].verdict, "pass");
  EXPECT_FALSE(cells[0].ok());
  EXPECT_EQ(cells[0].text(), "pass (kernel fail)");
  EXPECT_TRUE(cells[2].ok());
  EXPECT_TRUE(cells[4].ok());
  std::ostringstream text;
  report::write_text(text, r, &a, /*details=*/true);
  EXPECT_NE(text.str().find("! kunit/a: kernel fail: kernel expectation failed: " + kTestFile + ":148: Expected a == b (" +
                            kTestFile + ":148)"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("  kunit/a under coherent: pass (kernel fail)\n"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("the kernel code failed its own checks in 1 check;"), std::string::npos) << text.str();
  // The facts survive the JSON that workers and merge read back.
  std::ostringstream json;
  report::write_json(json, r, &a);
  report::Report back = report::read_report(json.str(), "r.json", nullptr);
  ASSERT_EQ(back.items.size(), r.items.size());
  for (size_t i = 0; i < r.items.size(); ++i) {
    EXPECT_EQ(back.items[i].kernel_status, r.items[i].kernel_status) << i;
    EXPECT_EQ(back.items[i].kernel_message, r.items[i].kernel_message) << i;
    EXPECT_EQ(back.items[i].kernel_location.line, r.items[i].kernel_location.line) << i;
  }
  EXPECT_EQ(report::report_status(back, &a), 1);
}

// A tree whose KUnit test has three bugs of its own: a wrong sync count (the
// run completes, its expectation fails), an assertion that stops a case after
// its first update, a BUG() after a case's update. `kernel` judges each run's
// trace, reports the kernel's failure beside every verdict, and the gate fails
// the cells the expectations require.
TEST(KernelGate, ATreeWhoseKunitTestFailsIsJudgedAndGated) {
  fs::path tree = temp_dir("tree"), cache = temp_dir("cache"), out = temp_dir("out");
  fs::copy(smmu::testing::kernel("6.12").tree().root, tree, fs::copy_options::recursive);
  const fs::path test_file = tree / kTestFile;
  std::string text = read(test_file);
  auto edit = [&](const std::string &function, const std::string &from, const std::string &to) {
    size_t f = text.find(function + "(struct kunit *test)\n{");
    ASSERT_NE(f, std::string::npos) << function;
    size_t at = text.find(from, f);
    ASSERT_NE(at, std::string::npos) << function << ": " << from;
    text.replace(at, from.size(), to);
  };
  edit("arm_smmu_v3_write_ste_test_bypass_to_cdtable", "NUM_EXPECTED_SYNCS(3));", "NUM_EXPECTED_SYNCS(4));");
  edit("arm_smmu_v3_write_ste_test_cdtable_s1dss_change", "NUM_EXPECTED_SYNCS(1));",
       "NUM_EXPECTED_SYNCS(1));\n\tKUNIT_ASSERT_TRUE(test, false); /* smmu-check test: stop */");
  edit("arm_smmu_v3_write_ste_test_s1dssbypass_to_stebypass", "NUM_EXPECTED_SYNCS(2));",
       "NUM_EXPECTED_SYNCS(2));\n\tBUG(); /* smmu-check test: bug */");
  std::ofstream(test_file) << text;
  const int assert_line = line_of(text, "KUNIT_ASSERT_TRUE(test, false); /* smmu-check test: stop */");
  const int bug_line = line_of(text, "BUG(); /* smmu-check test: bug */");
  const std::string expect = (out / "expect.txt").string(), json = (out / "r.json").string();
  std::ofstream(expect) << "pass kunit/* coherent\n";

  auto r = run_cli({"kernel", "--src", tree.string(), "--cache", cache.string(), "--quiet", "--model",
                    "coherent,cacheable-64", "--only", "kunit", "--expect", expect, "--format", "json", "--output", json});
  EXPECT_EQ(r.status, 1) << r.out;
  report::Expectations gate;
  report::Report rep = report::read_report(read(json), json, &gate);
  auto find = [&](const std::string &check, const std::string &model) -> const report::ReportItem * {
    for (const auto &it : rep.items)
      if (it.check == check && it.model == model) return &it;
    ADD_FAILURE() << "no item " << check << " under " << model;
    return nullptr;
  };
  const std::string count = "kunit/write_ste_test_bypass_to_cdtable", stop = "kunit/write_ste_test_cdtable_s1dss_change",
                    bug = "kunit/write_ste_test_s1dssbypass_to_stebypass";
  // The wrong count: the run is complete and judged as ever; the kernel failure beside it.
  if (auto *it = find(count, "coherent")) {
    EXPECT_EQ(it->verdict, "pass") << it->reason;
    EXPECT_EQ(it->kernel_status, "fail");
    EXPECT_TRUE(it->trace_complete);
    EXPECT_EQ(it->kernel_message, "kernel expectation failed: " + kTestFile + ":" + std::to_string(num_syncs_line()) +
                                      ": Expected test_writer.num_syncs == num_syncs_expected, but "
                                      "test_writer.num_syncs == 3 (0x3), num_syncs_expected == 4 (0x4)");
    EXPECT_EQ(it->kernel_location.file, kTestFile);
    EXPECT_EQ(it->kernel_location.line, num_syncs_line());
  }
  if (auto *it = find(count, "cacheable-64")) {
    EXPECT_EQ(it->verdict, "violation");
    EXPECT_EQ(it->kind, "stale");
    EXPECT_EQ(it->kernel_status, "fail");
  }
  // Stopped by the assertion after its first update: unknown under coherent, and
  // the stale first update under cacheable-64 stands.
  if (auto *it = find(stop, "coherent")) {
    EXPECT_EQ(it->verdict, "unknown");
    EXPECT_EQ(it->kernel_status, "fail");
    EXPECT_FALSE(it->trace_complete);
    EXPECT_EQ(it->kernel_message, "kernel assertion failed: " + kTestFile + ":" + std::to_string(assert_line) +
                                      ": Expected false to be true, but is false");
    EXPECT_NE(it->reason.find("the kernel code stopped part way (kernel assertion failed: "), std::string::npos)
        << it->reason;
  }
  if (auto *it = find(stop, "cacheable-64")) {
    EXPECT_EQ(it->verdict, "violation");
    EXPECT_EQ(it->kind, "stale");
  }
  if (auto *it = find(bug, "coherent")) {
    EXPECT_EQ(it->verdict, "unknown");
    EXPECT_EQ(it->kernel_status, "bug");
    EXPECT_FALSE(it->trace_complete);
    EXPECT_EQ(it->kernel_message, "kernel BUG at " + kTestFile + ":" + std::to_string(bug_line) + ": BUG()");
    EXPECT_EQ(it->kernel_location.line, bug_line);
  }
  if (auto *it = find("kunit/write_ste_test_bypass_to_abort", "coherent")) {
    EXPECT_EQ(it->verdict, "pass");
    EXPECT_EQ(it->kernel_status, "pass");
    EXPECT_EQ(it->kernel_message, "");
  }
  int kernel_failed = 0;
  for (const auto &c : report::report_cells(rep, &gate)) {
    kernel_failed += c.kernel_failed > 0;
    if (c.check == count && c.model == "coherent") {
      EXPECT_FALSE(c.ok());
      EXPECT_TRUE(c.required);
      EXPECT_EQ(c.text(), "pass (kernel fail)");
    }
  }
  EXPECT_EQ(kernel_failed, 6) << "three rows, two models";

  // The text, from the same report: each fact once, the gate's list last.
  auto t = run_cli({"merge", json, "--details"});
  EXPECT_EQ(t.status, 1) << t.out;
  EXPECT_NE(t.out.find("! " + count + ": kernel fail: kernel expectation failed: " + kTestFile + ":"), std::string::npos)
      << t.out;
  EXPECT_NE(t.out.find("! " + stop + ": kernel fail, stopped: kernel assertion failed: "), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("! " + bug + ": kernel bug: kernel BUG at "), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("  " + count + " under coherent: pass (kernel fail)\n"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("the kernel code failed its own checks in 3 checks"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("gate " + expect + ": FAILED, 3 of 22 required cells do not pass"), std::string::npos) << t.out;
  // SARIF: the kernel's failure at its file:line, an error where a cell is required.
  auto s = run_cli({"merge", json, "--format", "sarif"});
  EXPECT_TRUE(std::regex_search(s.out, std::regex("\"ruleId\":\"kernel-run\",\"ruleIndex\":[0-9]+,\"level\":\"error\","
                                                  "\"message\":\\{\"text\":\"" + count + ": kernel fail: [^\"]*\"\\},"
                                                  "\"locations\":\\[\\{\"physicalLocation\":\\{\"artifactLocation\":"
                                                  "\\{\"uri\":\"" + kTestFile + "\",\"uriBaseId\":\"%SRCROOT%\"\\},"
                                                  "\"region\":\\{\"startLine\":" + std::to_string(num_syncs_line()))))
      << s.out.substr(0, 3000);
  // Not required: reported, not gated.
  std::ofstream(expect) << "pass kunit/write_cd_* coherent\n";
  auto n = run_cli({"merge", json, "--expect", expect});
  EXPECT_EQ(n.status, 0) << n.out;
  EXPECT_TRUE(std::regex_search(n.out, std::regex("\n" + count + " +pass \\(kernel fail\\) ")) ) << n.out;
  // Grouped: the kernel run's failure is a root cause of its own, at its file:line.
  EXPECT_NE(n.out.find("  kernel fail at "), std::string::npos) << n.out;
  EXPECT_NE(n.out.find("e.g. " + count + " under coherent: kernel expectation failed: "), std::string::npos) << n.out;
  fs::remove_all(tree);
  fs::remove_all(cache);
  fs::remove_all(out);
}

// pt judges a proposed sequence whose own check failed, and says so.
TEST(FailedCase, PtJudgesItAndReportsTheFailure) {
  fs::path dir = temp_dir("case");
  std::string text = read(std::string(SMMU_SOURCE_DIR) + "/cases/pte_valid_bit_last.c");
  size_t ret = text.rfind("return 0;");
  ASSERT_NE(ret, std::string::npos);
  text.replace(ret, 9, "return 1;");
  const std::string file = (dir / "failing_case.c").string();
  std::ofstream(file) << text;
  auto r = run_cli({"pt", "--debian", "6.12", "--quiet", "--model", "coherent", "--case", file, "--format", "json"});
  EXPECT_EQ(r.status, 1) << r.out;
  for (const char *field : {"\"verdict\":\"pass\"", "\"kernel_status\":\"fail\"", "\"trace_complete\":true",
                            "\"kernel_message\":\"the code reported a failure, with no expectation message\"",
                            "\"kernel_failed\":1", "\"failed\":1"})
    EXPECT_NE(r.out.find(field), std::string::npos) << field << "\n" << r.out;
  auto t = run_cli({"pt", "--debian", "6.12", "--quiet", "--model", "coherent", "--case", file});
  EXPECT_EQ(t.status, 1) << t.out;
  EXPECT_NE(t.out.find("  case fail: the code reported a failure"), std::string::npos) << t.out;
  auto good = run_cli({"pt", "--debian", "6.12", "--quiet", "--model", "coherent", "--case",
                       std::string(SMMU_SOURCE_DIR) + "/cases/pte_valid_bit_last.c", "--format", "json"});
  EXPECT_EQ(good.status, 0) << good.out;
  EXPECT_NE(good.out.find("\"kernel_status\":\"pass\""), std::string::npos) << good.out;
  fs::remove_all(dir);
}
