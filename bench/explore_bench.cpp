// Speed of `smmu-check explore`: sequences checked per second on the real
// 6.12 code, split into generation (rapidcheck + the table mirror), the
// kernel run (the slice, under the recorder) and judging (the walker under
// coherent and nc). Shrinking is not timed: it costs one check per candidate.
//
// Run: SMMU_CHECK_CACHE=build/kernel-cache build/bench/explore_bench
#include <benchmark/benchmark.h>

#include "explorer.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "pt_slice.h"

using namespace smmu;

namespace {

struct Fixture {
  std::unique_ptr<explore::SequenceChecker> checker;
  std::unique_ptr<explore::Explorer> explorer;
  Fixture() {
    const auto &k = smmu::testing::kernel("6.12");
    checker = std::make_unique<explore::SequenceChecker>(
        k, std::vector<models::Model>{models::resolve_model("coherent"), models::resolve_model("nc")},
        checker::pt_semantics(k.slice()));
    explorer = std::make_unique<explore::Explorer>(*checker, explore::GeneratorLimits{});
  }
};

Fixture &fixture() {
  static Fixture f;
  return f;
}

void BM_Generate(benchmark::State &state) {
  Fixture &f = fixture();
  uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.explorer->sequence_at(1, i++));
  state.SetItemsProcessed(state.iterations());
}

void BM_Run(benchmark::State &state) {
  Fixture &f = fixture();
  uint64_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const explore::Sequence s = f.explorer->sequence_at(1, i++ % 64);
    state.ResumeTiming();
    benchmark::DoNotOptimize(f.checker->run(s));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RunAndJudge(benchmark::State &state) {
  Fixture &f = fixture();
  uint64_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const explore::Sequence s = f.explorer->sequence_at(1, i++ % 64);
    state.ResumeTiming();
    benchmark::DoNotOptimize(f.checker->check(s));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_Generate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Run)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RunAndJudge)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
