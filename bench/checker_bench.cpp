// Checker speed on the real 6.12 writer (the slice build is excluded: it is
// cached before timing starts). Run: SMMU_CHECK_CACHE=build/kernel-cache
// build/bench/checker_bench. Targets (issue #3): all 22 KUnit transitions x 5
// presets with the explicit engine <= 1 s; one 8-qword step under coherent
// <= 1 ms, linear in the number of qwords; 22 transitions under
// cacheable-byte with Z3 <= 30 s. Issue #13: the decomposition engine beside
// the explicit one on the N-qword step, and the 64-byte V=0 CD step under
// cacheable-byte (which enumeration cannot decide).
#include <benchmark/benchmark.h>

#include "check_update.h"
#include "decompose_engine.h"
#include "explicit_engine.h"
#include "kernel_semantics.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "z3_engine.h"

using namespace smmu;

namespace {

struct Fixture {
  checker::EntrySemantics sem;
  std::vector<harness::Trace> traces;
  std::vector<models::Model> presets = models::resolve_models("all");
  Fixture() {
    const auto &k = smmu::testing::kernel("6.12");
    sem = checks::kernel_semantics(k, true);
    for (const auto &c : k.kunit_cases()) traces.push_back(k.run(c).trace);
  }
};

Fixture &fixture() {
  static Fixture f;
  return f;
}

void AllKunitTimesPresetsExplicit(benchmark::State &state) {
  Fixture &f = fixture();
  uint64_t explored = 0, unique = 0;
  for (auto _ : state) {
    explored = unique = 0;
    for (const auto &m : f.presets)
      for (const auto &t : f.traces) {
        checker::ExplicitEngine e(f.sem);
        checker::Verdict v = checker::check_trace(t, m, e, f.sem, {true});
        explored += v.explored;
        unique += v.unique;
      }
  }
  state.counters["checks"] = static_cast<double>(f.presets.size() * f.traces.size());
  state.counters["explored"] = static_cast<double>(explored);
  state.counters["explored_per_unique"] = unique ? static_cast<double>(explored) / unique : 0;
}
BENCHMARK(AllKunitTimesPresetsExplicit)->Unit(benchmark::kMillisecond);

void AllKunitTimesPresetsDecompose(benchmark::State &state) {
  Fixture &f = fixture();
  checker::DecomposeEngine e(f.sem);
  // Which bits get_used reads is derived (Z3, once per tree and kind) before timing.
  checker::check_trace(f.traces.front(), f.presets.front(), e, f.sem, {true});
  int violations = 0, unknown = 0;
  for (auto _ : state) {
    violations = unknown = 0;
    for (const auto &m : f.presets)
      for (const auto &t : f.traces) {
        checker::Verdict v = checker::check_trace(t, m, e, f.sem, {true});
        violations += v.outcome == checker::Outcome::Violation;
        unknown += v.outcome == checker::Outcome::Unknown;
      }
  }
  state.counters["violations"] = violations;
  state.counters["unknown"] = unknown;
}
BENCHMARK(AllKunitTimesPresetsDecompose)->Unit(benchmark::kMillisecond);

// One update step writing N qwords of an STE in one epoch (from the bypass
// entry to the S1-cdtable one), observed under coherent. Second argument:
// 0 explicit, 1 decompose.
void OneStepOfNQwordsCoherent(benchmark::State &state) {
  Fixture &f = fixture();
  const int n = static_cast<int>(state.range(0));
  std::vector<uint64_t> before(8, 0), after(8, 0);
  before[0] = 0x9;  // V | CFG=bypass
  for (int q = 0; q < 8; ++q) after[q] = 0x1000 * (q + 1) | (q == 0 ? 0x9 : 0);
  harness::Trace t = smmu::testing::one_step_update(harness::DescKind::Ste, before, after, n);
  models::Model coherent = models::resolve_model("coherent");
  checker::DecomposeEngine dec(f.sem);
  checker::Verdict v;
  for (auto _ : state) {
    if (state.range(1)) {
      v = checker::check_trace(t, coherent, dec, f.sem);
    } else {
      checker::ExplicitEngine e(f.sem);
      v = checker::check_trace(t, coherent, e, f.sem);
    }
  }
  state.SetLabel(std::string(state.range(1) ? "decompose " : "explicit ") + to_string(v.outcome));
  state.counters["explored"] = static_cast<double>(v.explored);
}
BENCHMARK(OneStepOfNQwordsCoherent)
    ->ArgsProduct({benchmark::CreateDenseRange(1, 8, 1), {0, 1}})
    ->ArgNames({"N", "decompose"})
    ->Unit(benchmark::kMicrosecond);

// A CD with V=0 whose 64 bytes all change in one step, under cacheable-byte:
// nothing is used, so it must pass; 2^64 observations. 0 explicit (declines),
// 1 decompose, 2 z3.
void CdInvalidAllBytesCacheableByte(benchmark::State &state) {
  Fixture &f = fixture();
  std::vector<uint64_t> before(8, 0), after(8);
  for (int q = 0; q < 8; ++q) after[q] = 0x0123456789abcdefull * (q + 3);
  after[0] &= ~(1ull << 31);  // CTXDESC_CD_0_V stays clear
  harness::Trace t = smmu::testing::one_step_update(harness::DescKind::Cd, before, after, 8);
  models::Model byte = models::resolve_model("cacheable-byte");
  checker::DecomposeEngine dec(f.sem);
  checker::Z3Engine z3(f.sem);
  checker::Verdict v;
  for (auto _ : state) {
    if (state.range(0) == 1) {
      v = checker::check_trace(t, byte, dec, f.sem);
    } else if (state.range(0) == 2) {
      v = checker::check_trace(t, byte, z3, f.sem);
    } else {
      checker::ExplicitEngine e(f.sem);
      v = checker::check_trace(t, byte, e, f.sem);
    }
  }
  static const char *names[] = {"explicit ", "decompose ", "z3 "};
  state.SetLabel(std::string(names[state.range(0)]) + to_string(v.outcome));
}
BENCHMARK(CdInvalidAllBytesCacheableByte)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

// The STE/CD sweep pairs (production writer) under the 5 presets.
// Argument: 0 explicit, 1 decompose.
void AllSweepTimesPresets(benchmark::State &state) {
  Fixture &f = fixture();
  static std::vector<harness::Trace> sweeps = {smmu::testing::run_case("6.12", "sweep_ste_pairs").trace,
                                               smmu::testing::run_case("6.12", "sweep_cd_pairs").trace};
  checker::DecomposeEngine dec(f.sem);
  checker::check_trace(sweeps.front(), f.presets.front(), dec, f.sem);  // derive the dependence first
  size_t updates = 0;
  int violations = 0;
  for (auto _ : state) {
    updates = 0;
    violations = 0;
    for (const auto &m : f.presets)
      for (const auto &t : sweeps) {
        checker::ExplicitEngine ex(f.sem);
        checker::Engine &e = state.range(0) ? static_cast<checker::Engine &>(dec) : ex;
        for (const auto &v : checker::check_each_update(t, m, e, f.sem)) {
          ++updates;
          violations += v.outcome == checker::Outcome::Violation;
        }
      }
  }
  state.SetLabel(state.range(0) ? "decompose" : "explicit");
  state.counters["updates"] = static_cast<double>(updates);
  state.counters["violations"] = violations;
}
BENCHMARK(AllSweepTimesPresets)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);

void AllKunitCacheableByteZ3(benchmark::State &state) {
  Fixture &f = fixture();
  models::Model byte = models::resolve_model("cacheable-byte");
  int violations = 0;
  for (auto _ : state) {
    checker::Z3Engine z3(f.sem);
    violations = 0;
    for (const auto &t : f.traces)
      violations += checker::check_trace(t, byte, z3, f.sem, {true}).outcome == checker::Outcome::Violation;
  }
  state.counters["violations"] = violations;
}
BENCHMARK(AllKunitCacheableByteZ3)->Unit(benchmark::kMillisecond)->Iterations(1);

void AllKunitCacheableByteDecompose(benchmark::State &state) {
  Fixture &f = fixture();
  models::Model byte = models::resolve_model("cacheable-byte");
  checker::DecomposeEngine e(f.sem);
  int violations = 0;
  for (auto _ : state) {
    violations = 0;
    for (const auto &t : f.traces)
      violations += checker::check_trace(t, byte, e, f.sem, {true}).outcome == checker::Outcome::Violation;
  }
  state.counters["violations"] = violations;
}
BENCHMARK(AllKunitCacheableByteDecompose)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
