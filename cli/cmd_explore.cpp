// smmu-check explore: generated operation sequences on the tree's own driver
// API, each checked by the walker like a pt_* scenario; a finding's first
// sequence is shrunk and printed so that --replay runs it again.
#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include "check_run.h"
#include "commands.h"
#include "coverage_gain.h"
#include "coverage_summary.h"
#include "explore_report.h"
#include "kernel_semantics.h"
#include "known_findings.h"
#include "model_registry.h"
#include "notes_once.h"
#include "options.h"
#include "pt_slice.h"
#include "trace_print.h"

namespace smmu::cli {

using checks::kernel_semantics;
using checks::structure_graph;
using report::key_functions;

namespace {

const char *kHelp =
    "usage: smmu-check explore (--debian SERIES | --src DIR) [--seed S] [--budget N|SECONDSs|MINUTESm]\n"
    "                          [--shard K/N] [--max-ops N] [--model SPEC[,SPEC...]] [--known FILE]\n"
    "                          [--format text|json] [--output FILE] [--details] [--timeout SECONDS]\n"
    "       smmu-check explore (--debian SERIES | --src DIR) --replay FILE [--model ...] [--trace]\n"
    "       smmu-check explore ... --seed S --index I --print\n\n"
    "Generates operation sequences and runs them through the tree's own SMMUv3\n"
    "driver: arm_smmu_map_pages, arm_smmu_unmap_pages + iotlb_sync, flush_iotlb_all,\n"
    "over an S1 or S2 domain with a 4K, 16K or 64K granule, a coherent or\n"
    "non-coherent walk, with or without range invalidation. Ranges are split into\n"
    "calls as the IOMMU core splits them (iommu_pgsize), at and across table\n"
    "boundaries, so blocks over tables, tables of blocks freed by one unmap,\n"
    "splits and re-maps happen without anyone writing a scenario for them. Each\n"
    "sequence is checked by the walker exactly as 'smmu-check pt' checks a\n"
    "scenario, and the tree's iova_to_phys must agree with what was mapped.\n"
    "On a tree with the SVA mmu notifier, SVA domains are drawn too: the same\n"
    "steps change the mm's page table (io-pgtable-arm stands in for it) and reach\n"
    "the SMMU only through arm_smmu_mm_arch_invalidate_secondary_tlbs.\n"
    "A paging domain's master may also attach domains (blocked, identity, the\n"
    "sequence's domain, another of its stage, one of the other stage) through the\n"
    "driver's STE/CD install functions; every STE/CD update is judged as the\n"
    "writer rows judge it, and every pointer publication by the structure graph.\n\n"
    "A finding is named by its kind and the kernel file:line of its first relevant\n"
    "event. The first sequence of each is shrunk (rapidcheck) to a minimal one\n"
    "with the same finding, and printed in a form --replay reads. Findings a\n"
    "--known file documents are reported as known and do not fail the run.\n"
    "Deterministic: the same tree, seed, budget in sequences and shard give the\n"
    "same report. docs/explore.md explains the generator and a worked example.\n\n"
    "Exit 0 when every sequence was judged and no new finding was made, 1\n"
    "otherwise, 2 for bad input.\n\n";

uint64_t parse_number(const std::string &s, const std::string &what) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) throw harness::UserError(what);
  return v;
}

// --budget N (sequences) or a time: 90s, 5m.
void parse_budget(const std::string &s, explore::Schedule &sc) {
  const std::string what = "--budget expects a number of sequences (200) or a time (90s, 5m), got '" + s + "'";
  if (!s.empty() && (s.back() == 's' || s.back() == 'm')) {
    const uint64_t n = parse_number(s.substr(0, s.size() - 1), what);
    if (!n) throw harness::UserError(what);
    sc.max_seconds = static_cast<double>(n) * (s.back() == 'm' ? 60 : 1);
    sc.max_sequences = 0;
  } else {
    sc.max_sequences = parse_number(s, what);
    if (!sc.max_sequences) throw harness::UserError(what);
  }
}

void parse_shard(const std::string &s, explore::Schedule &sc) {
  const std::string what = "--shard expects K/N with 1 <= K <= N, e.g. 2/4, got '" + s + "'";
  const auto slash = s.find('/');
  if (slash == std::string::npos) throw harness::UserError(what);
  const uint64_t k = parse_number(s.substr(0, slash), what), n = parse_number(s.substr(slash + 1), what);
  if (k < 1 || n < 1 || k > n) throw harness::UserError(what);
  sc.shard = k - 1;
  sc.shards = n;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw harness::UserError("cannot read '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// --replay: one sequence, its verdict under each model, its trace on request.
int replay(const explore::SequenceChecker &checker, const explore::Sequence &s, bool with_trace) {
  harness::RunResult run = checker.run(s);
  explore::SequenceVerdict v = checker.judge(run);
  std::cout << "sequence (" << explore::describe_config(s.config) << "):\n";
  std::istringstream lines(explore::to_text(s));
  for (std::string l; std::getline(lines, l);) std::cout << "  " << l << "\n";
  std::cout << "kernel run: " << harness::to_string(run.status) << "\n";
  if (with_trace) harness::print_trace(std::cout, run.trace);
  for (const auto &u : v.unknowns) std::cout << "unknown: " << u << "\n";
  checker::NotesOnce notes;  // a note the findings share is said once
  for (const auto &f : v.findings) {
    std::cout << "\nfinding: " << f.signature << (f.model.empty() ? "" : " under " + f.model) << "\n" << f.witness;
    if (!f.witness.empty() && f.witness.back() != '\n') std::cout << "\n";
    notes.print(std::cout, f.notes);
  }
  if (v.clean()) std::cout << "no finding: every model passed\n";
  return v.clean() ? 0 : 1;
}

}  // namespace

int cmd_explore(const std::vector<std::string> &argv) {
  Args a = parse(argv,
                 kernel_options({"seed", "budget", "shard", "max-ops", "model", "known", "format", "output",
                                 "replay", "index", "domain", "timeout"},
                                {"details", "trace", "print", "steer"}),
                 "explore");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "Explore:\n"
                 "  --seed S          the seed space (default 1)\n"
                 "  --budget B        sequences to check (default 200), or a time: 90s, 5m\n"
                 "  --shard K/N       check sequences K, K+N, K+2N, ... (1-based) of the seed\n"
                 "                    space: N machines share one exploration; 'smmu-check\n"
                 "                    merge' joins their JSON reports\n"
                 "  --max-ops N       abstract steps per sequence (default 8)\n"
                 "  --domain D        paging, sva or all (default: all the tree supports)\n"
                 "  --model SPECS     comma-separated (default: coherent,nc)\n"
                 "  --known FILE      documented findings (cases/explore-known-*.txt)\n"
                 "  --format F        text (default) or json; --output FILE writes it there\n"
                 "  --details         also print the shrunk sequence of known findings\n"
                 "  --coverage        build the slice with coverage and print, on stderr, the\n"
                 "                    kernel lines of the key functions no sequence executed\n"
                 "  --steer           steer by coverage (builds with coverage): keep each\n"
                 "                    sequence that executed kernel lines or branch sides of\n"
                 "                    the key functions no earlier one had, and draw half of\n"
                 "                    the later ones as a kept sequence's prefix followed by\n"
                 "                    fresh steps; deterministic per seed and shard\n"
              << timeout_help("sequence", "--coverage or --steer")
              << "Replay:\n"
                 "  --replay FILE     run and judge one sequence in the printed form\n"
                 "  --trace           with --replay: print the whole trace\n"
                 "  --index I --print print the I-th sequence of --seed's space (unshrunk)\n"
                 "\nexamples:\n"
                 "  smmu-check explore --debian 6.12 --budget 60s --known cases/explore-known-6.12.txt\n"
                 "  smmu-check explore --debian 7.3 --shard 2/4 --format json --output shard2.json\n"
                 "  smmu-check explore --debian 6.12 --replay finding.ops --trace\n";
    return 0;
  }
  const std::string format = a.get("format", "text");
  if (format != "text" && format != "json")
    throw harness::UserError("--format expects text or json, got '" + format + "'");
  explore::Schedule schedule;
  if (a.has("seed")) schedule.seed = parse_number(a.get("seed"), "--seed expects a number, got '" + a.get("seed") + "'");
  if (a.has("budget")) parse_budget(a.get("budget"), schedule);
  if (a.has("shard")) parse_shard(a.get("shard"), schedule);
  explore::GeneratorLimits limits;
  if (a.has("max-ops")) {
    const std::string what = "--max-ops expects 1..64, got '" + a.get("max-ops") + "'";
    const uint64_t n = parse_number(a.get("max-ops"), what);
    if (n < 1 || n > 64) throw harness::UserError(what);
    limits.max_ops = static_cast<int>(n);
  }
  const std::string domain = a.get("domain", "all");
  if (domain != "paging" && domain != "sva" && domain != "all")
    throw harness::UserError("--domain expects paging, sva or all, got '" + domain + "'");
  std::vector<explore::KnownFinding> known;
  try {
    if (a.has("known")) known = explore::read_known_findings(a.get("known"));
  } catch (const std::invalid_argument &e) {
    throw harness::UserError(e.what());
  }
  std::optional<explore::Sequence> to_replay;
  if (a.has("replay")) {
    try {
      to_replay = explore::parse_sequence(read_file(a.get("replay")), a.get("replay"));
    } catch (const std::invalid_argument &e) {
      throw harness::UserError(e.what());
    }
  }
  std::unique_ptr<std::ofstream> file = open_output(a);  // found unwritable before the run, not after it
  const int timeout = parse_timeout(a);
  std::vector<models::Model> models = resolve_model_list(a.get("model", "coherent,nc"));

  auto runner = open_kernel(a);
  runner->set_timeout(timeout);
  CoverageAtEnd coverage(a, *runner);  // --coverage: the kernel lines the sequences executed, on stderr
  checker::PtSemantics sem = checker::pt_semantics(runner->slice());
  if (!sem.index || !sem.decode)
    throw harness::UserError(runner->tree().origin + ": the slice has no kshim_lpae_decode (io_pgtable_arm_glue.c)");
  // STE/CD updates are judged as the writer rows judge them, pointer publications by the structure graph.
  std::optional<explore::EntryChecks> entries;
  try {
    entries = explore::EntryChecks{kernel_semantics(*runner, false), structure_graph(*runner)};
  } catch (const harness::UserError &) {
    // A writer without get_used: sequences that update STEs/CDs are then unknown.
  }
  explore::SequenceChecker checker(*runner, models, sem, entries);
  if (!checker.runner().available())
    throw harness::UserError(runner->tree().origin + ": the slice has no explore driver (it needs the families "
                             "sweep and pt-smmu; 'smmu-check trees' lists what a tree supports)");
  limits.allow_split = checker.runner().can_split_blocks();
  const bool sva = checker.runner().can_sva();
  if (domain == "sva" && !sva)
    throw harness::UserError(runner->tree().origin + ": --domain sva: the tree's SVA unit has no mmu notifier "
                             "(family sva unsupported)");
  if (to_replay && to_replay->config.sva && !sva)
    throw harness::UserError(a.get("replay") + ": domain=sva, but the tree's SVA unit has no mmu notifier "
                             "(family sva unsupported)");
  limits.paging = domain != "sva";
  limits.sva = sva && domain != "paging";
  limits.ats = checker.runner().can_ats();
  limits.attach = checker.runner().can_attach() && domain != "sva";
  limits.cd_2lvl = checker.runner().can_cd_2lvl();
  if (to_replay) return replay(checker, *to_replay, a.has("trace"));

  const auto root = runner->tree().root;
  explore::Explorer explorer(checker, limits);
  explorer.known = known;
  explorer.line_text = [root](const std::string &f, int line) { return explore::kernel_line_text(root, f, line); };
  if (a.has("index")) {
    const uint64_t index = parse_number(a.get("index"), "--index expects a number, got '" + a.get("index") + "'");
    explore::Sequence s = explorer.sequence_at(schedule.seed, index);
    if (a.has("print")) {
      std::cout << explore::to_text(s);
      return 0;
    }
    return replay(checker, s, a.has("trace"));
  }
  std::unique_ptr<harness::SliceCoverage> steering_counters;  // --steer alone; --coverage has its own
  std::unique_ptr<explore::CoverageGain> gain;
  if (a.has("steer") || a.has("coverage")) {  // --coverage alone measures when coverage stopped growing
    harness::SliceCoverage *counters = coverage.counters();
    if (!counters) counters = (steering_counters = std::make_unique<harness::SliceCoverage>(*runner)).get();
    gain = std::make_unique<explore::CoverageGain>(*counters, key_functions());
    explorer.new_coverage = [&gain] { return (*gain)(); };
    explorer.steer = a.has("steer");
  }
  if (!a.has("quiet")) explorer.progress = [](const std::string &s) { std::cerr << "smmu-check: " << s << "\n"; };
  explore::ExploreReport report;
  report.tree = runner->tree().origin;
  for (const auto &m : models) report.models.push_back(m.name);
  report.limits = limits;
  report.result = explorer.explore(schedule);
  report.shards_merged = {schedule.shard};
  std::ostream &out = file ? *file : std::cout;
  if (format == "json") explore::write_json(out, report);
  else explore::write_text(out, report, a.has("details"));
  return report.result.new_findings() || report.result.totals.unknown_sequences ? 1 : 0;
}

}  // namespace smmu::cli
