// Speed of `smmu-check pt` on the real 6.12 io-pgtable-arm code. Budgets (the
// walker issue): each scenario under each model <= 1 s; the whole pt table
// (every iopt_* and pt_* scenario x every preset, what `smmu-check pt
// --debian 6.12` checks) <= 30 s. The slice is loaded and every scenario
// recorded once before timing starts: only check_pt_trace is timed.
//
// Run: SMMU_CHECK_CACHE=build/kernel-cache build/bench/pt_bench
// PT_BENCH_MODELS=SPEC times other models (default: all), e.g. all+plain-tear32.
// After Google Benchmark's table it prints the slowest row and the whole
// table against the budgets.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernel_fixture.h"
#include "model_registry.h"
#include "pt_check.h"
#include "pt_slice.h"

using namespace smmu;

namespace {

constexpr double kRowBudget = 1.0;     // seconds, one scenario under one model
constexpr double kTableBudget = 30.0;  // seconds, the whole table

struct Row {
  std::string scenario, model;
  const harness::Trace *trace = nullptr;
  const models::Model *m = nullptr;
  double total = 0;  // seconds over `runs` timed checks
  uint64_t runs = 0;
  std::string verdict;
  double mean() const { return runs ? total / runs : 0; }
};

struct Fixture {
  checker::PtSemantics sem;
  std::vector<harness::RunResult> runs;
  std::vector<models::Model> models;
  std::vector<Row> rows;
  double whole = -1;  // seconds of one pass over every row, if timed
  Fixture() {
    const auto &k = smmu::testing::kernel("6.12");
    sem = checker::pt_semantics(k.slice());
    const char *spec = std::getenv("PT_BENCH_MODELS");
    models = models::resolve_models(spec && *spec ? spec : "all");
    // The selection `smmu-check pt` makes by default.
    for (const auto &c : k.scenarios())
      if (c.name.rfind("iopt_", 0) == 0 || c.name.rfind("pt_", 0) == 0) runs.push_back(k.run(c));
    for (const auto &r : runs)
      for (const auto &m : models) rows.push_back({r.name, m.name, &r.trace, &m, 0, 0, ""});
  }
};

Fixture &fixture() {
  static Fixture f;
  return f;
}

checker::PtVerdict timed_check(Row &row, const checker::PtSemantics &sem) {
  auto t0 = std::chrono::steady_clock::now();
  checker::PtVerdict v = checker::check_pt_trace(*row.trace, *row.m, sem);
  row.total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ++row.runs;
  row.verdict = std::string(checker::to_string(v.outcome)) +
                (v.outcome == checker::Outcome::Violation ? std::string(" ") + checker::to_string(v.kind) : "");
  return v;
}

void PtCheckRow(benchmark::State &state, size_t i) {
  Fixture &f = fixture();
  Row &row = f.rows[i];
  uint64_t walks = 0;
  for (auto _ : state) walks = timed_check(row, f.sem).walks;
  state.counters["walks"] = static_cast<double>(walks);
  state.SetLabel(row.verdict);
}

void PtWholeTable(benchmark::State &state) {
  Fixture &f = fixture();
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    for (Row &row : f.rows) benchmark::DoNotOptimize(checker::check_pt_trace(*row.trace, *row.m, f.sem));
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    f.whole = f.whole < 0 ? s : std::max(f.whole, s);  // the worst pass
  }
  state.counters["rows"] = static_cast<double>(f.rows.size());
}

}  // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Fixture &f = fixture();
  if (f.rows.empty()) {
    std::fprintf(stderr, "pt_bench: the 6.12 slice has no iopt_*/pt_* scenarios\n");
    return 1;
  }
  for (size_t i = 0; i < f.rows.size(); ++i)
    benchmark::RegisterBenchmark(("PtCheck/" + f.rows[i].scenario + "/" + f.rows[i].model).c_str(),
                                 PtCheckRow, i)
        ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("PtWholeTable", PtWholeTable)->Unit(benchmark::kMillisecond)->Iterations(3);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  const Row *slowest = nullptr;
  double sum = 0;
  for (const Row &r : f.rows) {
    if (!r.runs) continue;
    sum += r.mean();
    if (!slowest || r.mean() > slowest->mean()) slowest = &r;
  }
  std::printf("\npt budgets (%zu scenarios x %zu models = %zu rows)\n", f.runs.size(), f.models.size(),
              f.rows.size());
  if (slowest)
    std::printf("  slowest row   %-32s %-28s %9.1f ms  %5.3f of the %.0f s budget  (%s)\n",
                slowest->scenario.c_str(), slowest->model.c_str(), slowest->mean() * 1e3,
                slowest->mean() / kRowBudget, kRowBudget, slowest->verdict.c_str());
  if (f.whole >= 0)
    std::printf("  whole table   %9.1f ms  %5.3f of the %.0f s budget (worst of 3 passes)\n", f.whole * 1e3,
                f.whole / kTableBudget, kTableBudget);
  else if (slowest)
    std::printf("  whole table   %9.1f ms  %5.3f of the %.0f s budget (sum of the timed rows' means)\n",
                sum * 1e3, sum / kTableBudget, kTableBudget);
  return 0;
}
