// Speed of `smmu-check prove` (issue #11's target: each (entry kind, model)
// proof in at most 60 s on 2 cores). One timed proof per (tree, entry, model)
// over the make functions' image; the symbolic writer and the debug names are
// built before timing starts. Counters: CPU seconds (every solver thread),
// queries, the largest query's term nodes, the writer's steps, and the ratio
// of the wall time to the budget.
//
// Run: SMMU_CHECK_CACHE=build/kernel-cache build/bench/prove_bench
// PROVE_BENCH_MODELS=LIST (default coherent,nc,coherent+plain-tear32);
// PROVE_BENCH_TREES=LIST of Debian series (default 6.12,7.3; a missing tree is skipped).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kernel_fixture.h"
#include "model_registry.h"
#include "writer_prover_fixture.h"

using namespace smmu;

namespace {

constexpr double kBudget = 60.0;  // seconds, one (entry, model) proof

std::vector<std::string> split(const char *env, const char *fallback) {
  std::vector<std::string> out;
  std::stringstream in(env && *env ? env : fallback);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

void prove(benchmark::State &state, const harness::KernelRunner *k, harness::DescKind kind, models::Model model) {
  checker::WriterProver &prover = smmu::testing::writer_prover(*k);
  checker::ProofOptions options;
  options.jobs = 2;
  // Untimed: the symbolic writer and the debug names, built on the first proof.
  state.PauseTiming();
  prover.prove(kind, models::resolve_model("coherent"), options);
  state.ResumeTiming();
  checker::EntryProof p;
  for (auto _ : state) p = prover.prove(kind, model, options);
  const auto &r = p.proof;
  state.counters["cpu_s"] = r.cpu_seconds;
  state.counters["queries"] = static_cast<double>(r.queries);
  state.counters["max_nodes"] = static_cast<double>(r.max_query_nodes);
  state.counters["steps"] = static_cast<double>(r.steps);
  state.counters["of_budget"] = r.seconds / kBudget;
  state.SetLabel(std::string(to_string(r.outcome)) + (r.seconds > kBudget ? " OVER BUDGET" : ""));
}

void register_all() {
  for (const std::string &series : split(std::getenv("PROVE_BENCH_TREES"), "6.12,7.3")) {
    const harness::KernelRunner *k = nullptr;
    if (series == "6.12") {
      k = &smmu::testing::kernel("6.12");
    } else if (auto root = smmu::testing::optional_tree(series); !root.empty()) {
      k = &smmu::testing::kernel_at(root);
    } else {
      std::fprintf(stderr, "prove_bench: %s: skipped\n", smmu::testing::no_tree_message(series).c_str());
      continue;
    }
    for (harness::DescKind kind : {harness::DescKind::Ste, harness::DescKind::Cd})
      for (const std::string &m : split(std::getenv("PROVE_BENCH_MODELS"), "coherent,nc,coherent+plain-tear32"))
        benchmark::RegisterBenchmark(("prove/" + series + "/" + checker::entry_name(kind) + "/" + m).c_str(), prove,
                                     k, kind, models::resolve_model(m))
            ->Iterations(1)
            ->Unit(benchmark::kSecond)
            ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
