// smmu-check kernel: everything a tree supports in one command (KUnit
// transitions, the STE/CD sweep, the page-table scenarios, lint; with --prove
// the writer's proof) under a set
// of models, one table, and an exit status a CI gate can rely on.
// smmu-check merge: shard reports of one run into one report.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fnmatch.h>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "baseline.h"
#include "commands.h"
#include "explore_report.h"
#include "coverage_summary.h"
#include "formats.h"
#include "registry.h"
#include "row_runner.h"
#include "model_registry.h"
#include "options.h"

namespace smmu::cli {

using checks::KernelChecks;
using checks::PlannedCheck;
using checks::RowProgress;
using checks::disabled_rows;
using checks::family_names;
using checks::kEngineHelp;
using checks::parse_engine;
using checks::plan_checks;
using checks::run_rows;
using checks::unit_count;
using report::Cell;
using report::Expectations;
using report::Report;
using report::apply_baseline;
using report::check_format;
using report::coverage_summary;
using report::merge_reports;
using report::read_baseline;
using report::read_expectations;
using report::read_report;
using report::report_cells;
using report::report_status;
using report::summary_line;
using report::write_report;

namespace {

using harness::UserError;
using Clock = std::chrono::steady_clock;

const char *kDefaultModels = "coherent,nc,cacheable-64,cacheable-byte,coherent+plain-tear32";

const char *kHelp =
    "usage: smmu-check kernel (--debian SERIES | --src DIR) [--model LIST] [--only LIST]\n"
    "                         [--expect FILE] [--format text|json|junit|sarif] [--output FILE]\n"
    "                         [--details] [--jobs N] [--shard K/N] [--prove]\n"
    "                         [--patch FILE] [--baseline REPORT.json] [--timeout SECONDS]\n\n"
    "Builds the slice of the tree and runs every check it supports, under each\n"
    "model, into one table (rows: checks; columns: models):\n"
    "  kunit/CASE    each update of the tree's KUnit test (as 'kunit --model')\n"
    "  writer/SCEN   trees without a KUnit test or sweep (6.1): each writer\n"
    "                scenario's STE/CD updates\n"
    "  sweep/ste     every pair of the STE grid written by the real writer, one\n"
    "  sweep/cd      row per family ('sweep'); sweep/l1: level-2 table publication\n"
    "  prove/ste     with --prove: the tree's writer proved for every pair of entries\n"
    "  prove/cd      its get_used accepts, or a counterexample replayed natively ('prove')\n"
    "  graph/SCEN    each STE/CD scenario's pointers (STE -> CD table, CD -> page\n"
    "                tables, STE -> stage-2 tables): what each reaches is visible\n"
    "                when it becomes followable\n"
    "  pt/SCENARIO   each io-pgtable-arm scenario against the walker ('pt')\n"
    "  lint          plain stores into live descriptors ('lint'); no model changes it;\n"
    "                unknown, naming the file and its first error, if a file did not parse\n"
    "A row the tree cannot run (it lacks a function its family needs) says\n"
    "'unsupported' and names what is missing; it does not fail the gate unless\n"
    "--expect requires it.\n"
    "A cell is pass, the violation kind (torn, misordered, stale), unknown, or for\n"
    "a row of many pairs the kinds and how many pairs fail ('torn+stale 147/272').\n"
    "Then one line per root cause: the kind, the kernel file:line it points at,\n"
    "the models and how many cells it explains, and one of them as an example\n"
    "(--details: one line for each cell that does not pass instead).\n\n"
    "Exit status: with --expect, 0 when every cell the file requires passes (the\n"
    "others are reported, not gated); without, 0 when every cell passes; 1\n"
    "otherwise; 2 for bad input. With --baseline, a cell that fails as it failed\n"
    "in the baseline does not gate.\n\n"
    "Review a patch: run the base tree with --format json --output base.json,\n"
    "then the patched tree with --patch P --baseline base.json: only what the\n"
    "patch changes is reported and gated.\n\n";

const char *kOptionsHelp =
    "Check:\n"
    "  --model LIST      comma-separated model specs (default coherent, nc,\n"
    "                    cacheable-64, cacheable-byte, coherent+plain-tear32); see\n"
    "                    'smmu-check models'\n"
    "  --only LIST       comma-separated families (kunit, writer, sweep, prove, graph, pt,\n"
    "                    lint) or check globs (pt/iopt_*, kunit/write_cd_*)\n"
    "  --prove           also the prove/ste and prove/cd rows (off by default: a CD\n"
    "                    proof takes about 30 s of CPU per model); cacheable models\n"
    "                    are unknown there, the proof does not encode them\n";
const char *kOptionsHelpAfterEngine =
    "  --clean-at-sync   cacheable models: each sync cleans the entry to PoC first\n"
    "                    (as 'kunit' and 'sweep'; off by default, as there)\n"
    "  --patch FILE      apply FILE (a git diff or unified diff, as 'patch -p1') to a\n"
    "                    copy of the tree in the cache (reused by the next run) and\n"
    "                    check the copy\n"
    "Gate:\n"
    "  --expect FILE     lines 'pass CHECK-GLOB MODEL-GLOB[,MODEL-GLOB...]', '#'\n"
    "                    comments: the cells that must pass (cases/expect-6.12.txt)\n"
    "  --baseline REPORT.json\n"
    "                    an earlier report (--format json): a cell that fails as it\n"
    "                    failed there (same check, item, model, verdict and kind) is\n"
    "                    known: it neither gates nor is listed (json, sarif and junit\n"
    "                    keep it, marked); the text says what it accounts for and\n"
    "                    which of its cells now pass (fixed)\n"
    "Output:\n"
    "  --details         text: after the table, one line per cell that does not pass\n"
    "                    rather than one per root cause\n"
    "  --format F        text (default), json (every verdict with its witness),\n"
    "                    junit (a testcase per cell; failures only for required\n"
    "                    cells), sarif 2.1.0 (a result per cell that does not pass,\n"
    "                    at its kernel file:line relative to the tree root)\n"
    "  --output FILE     write the report there; a summary line goes to stderr\n"
    "Scale:\n"
    "  --jobs N          check rows in N worker processes, 1 to the hardware threads\n"
    "                    (0: one per thread)\n"
    "  --shard K/N       check only rows K, K+N, K+2N, ... (1-based) of the plan,\n"
    "                    for a CI matrix; join the JSON reports with 'smmu-check merge'\n";

// A progress bar on stderr once the work takes longer than a second: redrawn
// in place on a terminal, else a line every five seconds. It counts cells
// (a check under a model) and names those being checked.
class Progress : public RowProgress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled), tty_(isatty(2)) {}

  void start(size_t unit, const std::string &what) override {
    running_[unit] = what;
    draw();
  }
  void done(size_t unit) override {
    running_.erase(unit);
    ++done_;
    draw();
  }
  void tick() override { draw(); }
  void finish() {
    if (!shown_) return;
    if (tty_) std::cerr << "\r\033[K" << std::flush;
    else if (printed_ != done_) std::cerr << "smmu-check: " << done_ << "/" << total_ << " cells checked\n";
  }

 private:
  void draw() {
    if (!enabled_) return;
    auto now = Clock::now();
    if (now - t0_ < std::chrono::seconds(1)) return;
    if (now - last_ < (tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000))) return;
    last_ = now;
    shown_ = true;
    std::string what;
    for (const auto &[unit, name] : running_) what += (what.empty() ? "" : ", ") + name;
    if (tty_) {
      const size_t width = 30;
      size_t fill = total_ ? done_ * width / total_ : width;
      std::string line = "[" + std::string(fill, '#') + std::string(width - fill, '.') + "] " +
                         std::to_string(done_) + "/" + std::to_string(total_) + " cells  " + what;
      winsize ws{};
      size_t cols = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
      if (line.size() >= cols) line = line.substr(0, cols - 4) + "...";  // one line, or \r cannot redraw it
      std::cerr << "\r" << line << "\033[K" << std::flush;
    } else {
      std::cerr << "smmu-check: " << done_ << "/" << total_ << " cells checked" << (what.empty() ? "" : "; checking " + what)
                << "\n";
      printed_ = done_;
    }
  }

  size_t total_, done_ = 0, printed_ = 0;
  bool enabled_, tty_, shown_ = false;
  std::map<size_t, std::string> running_;
  Clock::time_point t0_ = Clock::now(), last_{};
};

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out;
  for (size_t start = 0;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

int parse_count(const std::string &s, const std::string &what) {
  if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos)
    throw UserError(what);
  return std::stoi(s);
}

// Writes the report to `file` (--output, opened before the run) or stdout;
// the exit status of the gate.
int emit(const Args &a, std::ofstream *file, const Report &r, const Expectations *expect) {
  std::string format = a.get("format", "text");
  if (file) {
    std::ofstream &out = *file;
    write_report(out, format, r, expect, a.has("details"));
    if (!out.flush()) throw UserError("--output: cannot write '" + a.get("output") + "'");
    if (!a.has("quiet")) std::cerr << "smmu-check: " << summary_line(r, expect) << "; report in " << a.get("output") << "\n";
  } else {
    write_report(std::cout, format, r, expect, a.has("details"));
  }
  return report_status(r, expect);
}

bool is_family(const std::string &name) {
  auto names = family_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool selected(const std::string &only, const PlannedCheck &c) {
  if (only.empty()) return true;
  for (const auto &o : split(only, ',')) {
    if (o == c.family || o == c.check) return true;
    if (fnmatch(o.c_str(), c.check.c_str(), 0) == 0) return true;
  }
  return false;
}

}  // namespace

int cmd_kernel(const std::vector<std::string> &argv) {
  auto t0 = Clock::now();
  Args a = parse(argv, kernel_options({"model", "engine", "only", "expect", "format", "output", "jobs", "shard",
                                       "patch", "baseline", "timeout"},
                                      {"clean-at-sync", "details", "prove"}),
                 "kernel");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp << kOptionsHelp << kEngineHelp << kOptionsHelpAfterEngine
              << timeout_help("KUnit case or scenario")
              << "\nexamples:\n"
                 "  smmu-check kernel --debian 6.12\n"
                 "  smmu-check kernel --src ~/linux --expect cases/expect-6.12.txt --format junit --output r.xml\n"
                 "  smmu-check kernel --debian 6.12 --model coherent --only kunit,pt\n"
                 "  smmu-check kernel --debian 6.12 --prove --only prove --model coherent,nc\n"
                 "  smmu-check kernel --debian 6.12 --shard 2/4 --format json --output shard2.json\n"
                 "  smmu-check kernel --debian 6.12 --format json --output base.json\n"
                 "  smmu-check kernel --debian 6.12 --patch fix.patch --baseline base.json\n";
    return 0;
  }
  if (!a.positional.empty())
    throw UserError("unexpected argument '" + a.positional[0] + "' (see smmu-check kernel --help)");
  check_format(a.get("format", "text"));
  std::optional<Expectations> expect;
  if (a.has("expect")) expect = read_expectations(a.get("expect"));
  std::optional<Report> baseline;  // read before the run: bad input is found at once
  if (a.has("baseline")) {
    std::ifstream in(a.get("baseline"));
    if (!in) throw UserError("--baseline: cannot read '" + a.get("baseline") + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    baseline = read_baseline(ss.str(), a.get("baseline"));
  }
  int shard = 1, shards = 1;
  if (a.has("shard")) {
    const std::string s = a.get("shard");
    const std::string what = "--shard expects K/N with 1 <= K <= N, e.g. 2/4, got '" + s + "'";
    auto slash = s.find('/');
    if (slash == std::string::npos) throw UserError(what);
    shard = parse_count(s.substr(0, slash), what);
    shards = parse_count(s.substr(slash + 1), what);
    if (shard < 1 || shard > shards) throw UserError(what);
  }
  const int jobs = a.has("jobs") ? parse_jobs(a.get("jobs")) : 1;
  const int timeout = parse_timeout(a);
  const std::string only = a.get("only");
  if (a.has("only"))
    for (const auto &o : split(only, ','))
      if (o.empty() || (o.find_first_of("/*?[") == std::string::npos && !is_family(o)))
        throw UserError("--only expects families (kunit, writer, sweep, prove, graph, pt, lint) or check globs (pt/iopt_*), got '" + o +
                        "'");

  std::unique_ptr<std::ofstream> output = open_output(a);  // unwritable: found before the run

  KernelChecks k;
  k.models = resolve_model_list(a.get("model", kDefaultModels));
  k.engine = parse_engine(a.get("engine", "auto"));
  k.options.clean_at_sync = a.has("clean-at-sync");
  k.prove = a.has("prove");

  harness::KernelTree tree = open_tree(a);
  std::unique_ptr<harness::KernelRunner> runner;
  try {
    runner = open_runner(a, tree);
    runner->set_timeout(timeout);  // the workers fork from here and keep it
  } catch (const UserError &e) {
    // Only lint can run without a slice: the other rows say unsupported, and why.
    k.no_slice = e.what();
    if (!a.has("quiet")) std::cerr << "smmu-check: the slice could not be built; only lint runs:\n" << e.what() << "\n";
  }
  k.tree = &tree;
  k.runner = runner.get();
  Report r;
  r.tree = tree.origin;
  r.version = tree.version;
  r.root = std::filesystem::absolute(tree.root).string();
  for (const auto &m : k.models) r.models.push_back(m.name);
  r.engine = a.get("engine", "auto");
  r.clean_at_sync = k.options.clean_at_sync;
  r.only = only;
  r.shard = shard;
  r.shards = shards;

  std::vector<PlannedCheck> plan;
  for (auto &c : plan_checks(k, r.skipped))
    if (selected(only, c)) plan.push_back(std::move(c));
  if (plan.empty()) {
    bool off = false;  // it names rows of a family left off (prove without --prove)
    for (const auto &row : disabled_rows(k)) off |= selected(only, {row, row.substr(0, row.find('/'))});
    throw UserError("--only '" + only + "' selects no check of " + r.tree + (off ? " (the prove rows need --prove)" : ""));
  }
  r.plan_rows = plan.size();
  std::vector<std::pair<size_t, PlannedCheck>> mine;
  for (size_t i = shard - 1; i < plan.size(); i += shards) {
    mine.emplace_back(i, plan[i]);
    r.rows.push_back({i, plan[i].check});
  }
  if (!a.has("quiet"))
    std::cerr << "smmu-check: " << mine.size() << " checks x " << k.models.size() << " models"
              << (shards > 1 ? " (shard " + std::to_string(shard) + "/" + std::to_string(shards) + " of " +
                                   std::to_string(plan.size()) + ")"
                             : "")
              << (jobs > 1 ? ", " + std::to_string(jobs) + " workers" : "") << "\n";
  // --coverage: counted from the slice's load (the semantics and plan above ran kernel code too).
  std::unique_ptr<harness::SliceCoverage> coverage;
  if (a.has("coverage") && runner) coverage = std::make_unique<harness::SliceCoverage>(*runner);
  else if (a.has("coverage")) r.coverage_note = "no coverage: the slice could not be built";
  Progress progress(unit_count(k, mine), !a.has("quiet"));
  r.items = run_rows(k, mine, jobs, progress, coverage.get());
  progress.finish();
  if (coverage) r.coverage = coverage_summary(*coverage, runner->build().profile);
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (baseline) apply_baseline(r, *baseline, a.get("baseline"));
  if (expect) {
    // A line that matches nothing gates nothing: most likely a typo.
    auto cells = report_cells(r, nullptr);
    for (const auto &l : expect->lines) {
      Expectations one{expect->file, {l}};
      bool any = std::any_of(cells.begin(), cells.end(),
                             [&](const Cell &c) { return one.requires_pass(c.check, c.model); });
      // A line for rows left off (prove/* without --prove) is no typo.
      for (const auto &row : disabled_rows(k))
        for (const auto &m : r.models) any |= one.requires_pass(row, m);
      if (!any && shards == 1 && !a.has("quiet"))
        std::cerr << "smmu-check: warning: " << expect->file << ":" << l.line
                  << ": matches no check under the models run\n";
    }
  }
  return emit(a, output.get(), r, expect ? &*expect : nullptr);
}

namespace {

std::string read_text(const std::string &file) {
  std::ifstream in(file);
  if (!in) throw UserError("cannot read '" + file + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_explore_report(const std::string &file) {
  return read_text(file).find("\"tool\": \"smmu-check explore\"") != std::string::npos;
}

// Shards of one 'explore' seed space: exit 1 if the joined run has a new finding.
int merge_explore_reports(const Args &a) {
  const std::string format = a.get("format", "text");
  if (format != "text" && format != "json")
    throw UserError("--format expects text or json for explore reports, got '" + format + "'");
  std::vector<explore::ExploreReport> shards;
  explore::ExploreReport merged;
  try {
    for (const auto &file : a.positional) shards.push_back(explore::read_json(read_text(file), file));
    merged = explore::merge(shards, a.positional);
  } catch (const std::invalid_argument &e) {
    throw UserError(e.what());
  }
  std::unique_ptr<std::ofstream> file = open_output(a);
  std::ostream &out = file ? *file : std::cout;
  if (format == "json") explore::write_json(out, merged);
  else explore::write_text(out, merged, false);
  return merged.result.new_findings() || merged.result.totals.unknown_sequences ? 1 : 0;
}

}  // namespace

int cmd_merge(const std::vector<std::string> &argv) {
  OptionSpec spec;
  spec.with_value = {"format", "output", "expect"};
  spec.flags = {"quiet", "help", "details"};
  Args a = parse(argv, spec, "merge");
  if (a.has("help")) {
    std::cout << "usage: smmu-check merge REPORT.json... [--expect FILE] [--format text|json|junit|sarif]\n"
                 "                        [--output FILE] [--details]\n\n"
                 "Joins the JSON reports of 'smmu-check kernel --shard K/N --format json' (every\n"
                 "shard of one run, on any machines) into the report one run would have printed,\n"
                 "in any format; with one report, converts it. The expectations are those of\n"
                 "--expect, else those the shards were run with. Exit status as 'kernel': 0\n"
                 "when every required cell passes, 1 otherwise, 2 for bad input (reports of\n"
                 "different runs, a shard missing or given twice).\n"
                 "Reports of 'smmu-check explore --shard K/N --format json' are joined the same\n"
                 "way (text or json): one finding per signature, its earliest sequence kept.\n\n"
                 "example:\n"
                 "  smmu-check merge shard1.json shard2.json --format junit --output smmu-check.junit.xml\n";
    return 0;
  }
  if (a.positional.empty()) throw UserError("expected the JSON reports to merge (see smmu-check merge --help)");
  if (is_explore_report(a.positional[0])) return merge_explore_reports(a);
  check_format(a.get("format", "text"));
  std::optional<Expectations> expect;
  if (a.has("expect")) expect = read_expectations(a.get("expect"));
  std::vector<Report> shards;
  Expectations recorded;
  for (const auto &file : a.positional) {
    std::ifstream in(file);
    if (!in) throw UserError("cannot read '" + file + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    Expectations e;
    shards.push_back(read_report(ss.str(), file, &e));
    if (&file == &a.positional[0]) recorded = e;
  }
  // Opened once the shards are read: --output may name one of them.
  std::unique_ptr<std::ofstream> output = open_output(a);
  Report r = merge_reports(shards, a.positional);
  if (!expect && !recorded.file.empty()) expect = recorded;
  return emit(a, output.get(), r, expect ? &*expect : nullptr);
}

}  // namespace smmu::cli
