// Speed of `smmu-check explore`: sequences checked per second on the real
// 6.12 code, split into generation (rapidcheck + the table mirror), the
// kernel run (the slice, under the recorder) and judging (the walker under
// coherent and nc). Shrinking is not timed: it costs one check per candidate.
// Attach sequences (a master that attaches domains) are timed apart: their
// judging adds the STE/CD updates and the structure graph.
//
// Run: SMMU_CHECK_CACHE=build/kernel-cache build/bench/explore_bench
#include <benchmark/benchmark.h>

#include "check_run.h"
#include "explorer.h"
#include "kernel_semantics.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "pt_slice.h"

using namespace smmu;

namespace {

struct Fixture {
  std::unique_ptr<explore::SequenceChecker> checker;
  std::unique_ptr<explore::Explorer> explorer;
  std::vector<explore::Sequence> attaching;  // the first 64 sequences of seed 1 with a master
  Fixture() {
    const auto &k = smmu::testing::kernel("6.12");
    checker = std::make_unique<explore::SequenceChecker>(
        k, std::vector<models::Model>{models::resolve_model("coherent"), models::resolve_model("nc")},
        checker::pt_semantics(k.slice()),
        explore::EntryChecks{checks::kernel_semantics(k, false), checks::structure_graph(k)});
    explorer = std::make_unique<explore::Explorer>(*checker, explore::GeneratorLimits{});
    explore::GeneratorLimits attach;
    attach.attach = attach.cd_2lvl = true;
    const explore::Explorer with_attach(*checker, attach);
    for (uint64_t i = 0; attaching.size() < 64; ++i)
      if (explore::Sequence s = with_attach.sequence_at(1, i); s.config.attach) attaching.push_back(s);
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

// Times call(checker, s) on the first 64 sequences of seed 1 in turn; drawing them is not timed.
template <typename Call>
void time_on_sequences(benchmark::State &state, Call call) {
  Fixture &f = fixture();
  uint64_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const explore::Sequence s = f.explorer->sequence_at(1, i++ % 64);
    state.ResumeTiming();
    benchmark::DoNotOptimize(call(*f.checker, s));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Run(benchmark::State &state) {
  time_on_sequences(state, [](explore::SequenceChecker &c, const explore::Sequence &s) { return c.run(s); });
}

void BM_RunAndJudge(benchmark::State &state) {
  time_on_sequences(state, [](explore::SequenceChecker &c, const explore::Sequence &s) { return c.check(s); });
}

void BM_RunAndJudgeAttach(benchmark::State &state) {
  Fixture &f = fixture();
  uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.checker->check(f.attaching[i++ % f.attaching.size()]));
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_Generate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Run)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RunAndJudge)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RunAndJudgeAttach)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
