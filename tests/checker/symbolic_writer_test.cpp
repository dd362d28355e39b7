// The symbolic writer (the tree's own arm_smmu_write_entry run from its LLVM IR
// on symbolic entries) against the compiled writer in the loaded slice: for
// random (current, target) pairs built by the tree's make functions, the steps
// whose condition holds are exactly the stores (with their kind: WRITE_ONCE or
// plain), syncs, barriers and warnings the native writer makes, in the same
// order. Also: a writer with a sync removed from its source gives symbolic
// steps without it, and the executor refuses what it does not model.
//
// SMMU_WRITER_PAIRS sets the pairs per entry kind and tree (default 1000;
// 100000 for the measurement in docs/prove.md); SMMU_WRITER_SEED the first seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "function_ir.h"
#include "kernel_fixture.h"
#include "symbolic_writer.h"

using namespace smmu;
using checker::ConcreteStep;
using checker::Qwords;
using checker::WriterStep;
namespace fs = std::filesystem;

namespace {

// The harness wraps arm_smmu_write_entry (to record the update); the tree's
// body is kept under this name, and is what runs natively too.
const char *kWriter = "__kshim_real_arm_smmu_write_entry";
const char *kSteOps = "arm_smmu_ste_writer_ops";
const char *kCdOps = "arm_smmu_cd_writer_ops";

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

uint64_t env_or(const char *name, uint64_t fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : fallback;
}

struct Symbolic {
  z3::context ctx;  // first: destroyed last
  std::unique_ptr<checker::IrModule> module;
  std::optional<checker::SymbolicWrite> ste, cd;
};

// The STE and CD writers of a loaded tree, executed symbolically once.
Symbolic &symbolic(const harness::KernelRunner &k) {
  static std::map<const harness::KernelRunner *, std::unique_ptr<Symbolic>> cache;
  auto &p = cache[&k];
  if (!p) {
    p = std::make_unique<Symbolic>();
    auto t0 = std::chrono::steady_clock::now();
    p->module = std::make_unique<checker::IrModule>(harness::function_ir(k.build(), "arm-smmu-v3", {}));
    double parse = ms_since(t0);
    t0 = std::chrono::steady_clock::now();
    p->ste = checker::symbolic_write(*p->module, p->ctx, {kWriter, kSteOps});
    double ste = ms_since(t0);
    t0 = std::chrono::steady_clock::now();
    p->cd = checker::symbolic_write(*p->module, p->ctx, {kWriter, kCdOps});
    auto kinds = [](const checker::SymbolicWrite &w) {
      std::map<WriterStep::Kind, int> n;
      for (const auto &s : w.steps) ++n[s.kind];
      using K = WriterStep::Kind;
      return std::to_string(w.steps.size()) + " conditional steps: " + std::to_string(n[K::Barrier]) +
             " barrier, " + std::to_string(n[K::Store]) + " stores, " + std::to_string(n[K::Sync]) + " syncs, " +
             std::to_string(n[K::Warn]) + " warnings";
    };
    std::cout << "[timing] " << k.tree().origin << ": IR " << parse << " ms; symbolic STE writer " << ste
              << " ms (" << kinds(*p->ste) << "), CD writer " << ms_since(t0) << " ms (" << kinds(*p->cd) << ")\n";
  }
  return *p;
}

// One update the native writer made: its note (the pair's parameters), the
// entries, and its steps as the recorder saw them.
struct NativeUpdate {
  std::string note;
  Qwords before, after;
  std::vector<ConcreteStep> steps;
};

// The writer's own steps: stores into the entry, sync op calls, barriers and
// warnings of the writer. What the sync op does inside (its commands, and the
// barriers of the command queue code) belongs to the sync.
std::vector<NativeUpdate> native_updates(const harness::Trace &t) {
  std::vector<NativeUpdate> out;
  std::string note;
  bool in = false, in_sync = false;
  int desc = -1;
  for (const harness::Event &e : t.events) {
    using K = harness::EventKind;
    if (e.kind == K::Note) note = e.text;
    if (e.kind == K::UpdateBegin) {
      out.push_back({note, e.before, e.after, {}});
      in = true;
      in_sync = false;
      desc = e.desc;
      continue;
    }
    if (!in) continue;
    auto &steps = out.back().steps;
    switch (e.kind) {
      case K::UpdateEnd: in = false; break;
      case K::UpdateSync:
        steps.push_back({WriterStep::Kind::Sync});
        in_sync = true;
        break;
      case K::Store:
        if (e.desc != desc) break;
        in_sync = false;
        steps.push_back({WriterStep::Kind::Store, static_cast<int>(e.offset / 8),
                         e.size == 8 ? e.value : ~0ull /* never a symbolic value: a mismatch */, -1,
                         e.store != harness::StoreKind::Plain});
        break;
      case K::Barrier:
        if (!in_sync) steps.push_back({WriterStep::Kind::Barrier, -1, 0, static_cast<int>(e.barrier)});
        break;
      case K::Warn:
        if (!in_sync) steps.push_back({WriterStep::Kind::Warn});
        break;
      default: break;
    }
  }
  return out;
}

// A step list without values: which path the writer took.
std::string shape(const std::vector<ConcreteStep> &steps) {
  std::string s;
  for (const auto &st : steps)
    s += st.kind == WriterStep::Kind::Store ? "q" + std::to_string(st.qword) + " "
         : st.kind == WriterStep::Kind::Sync ? std::string("| ")
         : st.kind == WriterStep::Kind::Warn ? std::string("W ") : std::string("b ");
  return s;
}

std::string steps_text(const std::vector<ConcreteStep> &steps) {
  std::string s;
  for (const auto &st : steps) s += "    " + checker::to_string(st) + "\n";
  return s;
}

std::string hex(const Qwords &q) {
  std::ostringstream os;
  os << std::hex;
  for (uint64_t v : q) os << " " << v;
  return os.str();
}

// Pairs whose steps are also evaluated by Z3 substitution, the reference.
constexpr size_t kCrossChecked = 100;

struct Comparison {
  size_t updates = 0, mismatches = 0;
  std::map<std::string, size_t> shapes;  // native path -> pairs
  double native_ms = 0, symbolic_ms = 0;
};

// Runs `scenario` natively in batches of random pairs and evaluates the symbolic
// writer on each pair's entries.
Comparison compare(const harness::KernelRunner &k, const checker::SymbolicWrite &w, z3::context &ctx,
                   const std::string &scenario, uint64_t pairs, uint64_t seed) {
  auto *seed_var = k.slice().function<unsigned long long>("kshim_random_pairs_seed");
  auto *count_var = k.slice().function<int>("kshim_random_pairs_count");
  EXPECT_TRUE(seed_var && count_var) << "the slice has no sweep_random.c";
  Comparison c;
  if (!seed_var || !count_var) return c;
  checker::WriterEvaluator eval(ctx, w);
  std::cout << "[evaluator] " << eval.dag_nodes() << " DAG nodes, " << eval.terms_by_z3() << " of the "
            << w.steps.size() << " steps' terms left to Z3\n";
  const uint64_t batch = 1000;  // bounds the trace held at once
  for (uint64_t done = 0; done < pairs; done += batch) {
    *seed_var = seed + done;
    *count_var = static_cast<int>(std::min(batch, pairs - done));
    auto t0 = std::chrono::steady_clock::now();
    harness::RunResult r = k.run(k.find(scenario));
    c.native_ms += ms_since(t0);
    EXPECT_EQ(r.status, harness::RunStatus::Pass) << scenario << " seed " << *seed_var;
    std::vector<NativeUpdate> updates = native_updates(r.trace);
    EXPECT_EQ(updates.size(), static_cast<size_t>(*count_var));
    t0 = std::chrono::steady_clock::now();
    for (const NativeUpdate &u : updates) {
      ++c.updates;
      ++c.shapes[shape(u.steps)];
      std::vector<ConcreteStep> sym = eval.steps(u.before, u.after);
      if (c.updates <= kCrossChecked)  // the fast evaluation against Z3's own
        EXPECT_EQ(steps_text(eval.steps_by_z3(u.before, u.after)), steps_text(sym)) << u.note;
      if (sym == u.steps) continue;
      if (++c.mismatches <= 5)
        ADD_FAILURE() << k.tree().origin << " " << u.note << "\n  current" << hex(u.before) << "\n  target "
                      << hex(u.after) << "\n  native:\n" << steps_text(u.steps) << "  symbolic:\n"
                      << steps_text(sym);
    }
    c.symbolic_ms += ms_since(t0);
  }
  return c;
}

void expect_matches_native(const harness::KernelRunner &k, bool ste) {
  Symbolic &s = symbolic(k);
  const uint64_t pairs = env_or("SMMU_WRITER_PAIRS", 1000), seed = env_or("SMMU_WRITER_SEED", 0x5eed);
  Comparison c = compare(k, ste ? *s.ste : *s.cd, s.ctx, ste ? "sweep_random_ste_pairs" : "sweep_random_cd_pairs",
                         pairs, seed);
  std::cout << "[result] " << k.tree().origin << " " << (ste ? "STE" : "CD") << ": " << c.updates
            << " pairs, " << c.mismatches << " mismatches; native " << c.native_ms << " ms, symbolic evaluation "
            << c.symbolic_ms << " ms; " << c.shapes.size() << " distinct paths:\n";
  for (const auto &[p, n] : c.shapes) std::cout << "    " << n << "\t" << p << "\n";
  EXPECT_EQ(c.updates, pairs);
  EXPECT_EQ(c.mismatches, 0u);
  // The pairs reach the writer's three branches: no change (no sync), a
  // hitless update (the critical qword alone in a step) and a breaking one
  // (qword 0 cleared first: three syncs).
  size_t no_sync = 0, three_syncs = 0;
  for (const auto &[p, n] : c.shapes) {
    size_t syncs = std::count(p.begin(), p.end(), '|');
    no_sync += syncs == 0 ? n : 0;
    three_syncs += syncs == 3 ? n : 0;
  }
  EXPECT_GT(no_sync, 0u);
  EXPECT_GT(three_syncs, 0u);
  EXPECT_GE(c.shapes.size(), ste ? 8u : 4u);
}

const harness::KernelRunner *tree73() {
  const fs::path root = smmu::testing::optional_tree("7.3");
  return root.empty() ? nullptr : &smmu::testing::kernel_at(root);
}

}  // namespace

TEST(SymbolicWriter, RunsTheTreesWriterWithItsOwnOps) {
  Symbolic &s = symbolic(smmu::testing::kernel("6.12"));
  EXPECT_EQ(s.ste->sync_function, "arm_smmu_ste_writer_sync_entry");
  EXPECT_EQ(s.cd->sync_function, "arm_smmu_cd_writer_sync_entry");
  EXPECT_EQ(s.ste->executed_ops, std::vector<std::string>{"arm_smmu_get_ste_used"});
  EXPECT_EQ(s.cd->executed_ops, std::vector<std::string>{"arm_smmu_get_cd_used"});
  // The dma_wmb() comes first, on every path.
  ASSERT_FALSE(s.ste->steps.empty());
  EXPECT_EQ(s.ste->steps[0].kind, WriterStep::Kind::Barrier);
  EXPECT_TRUE(s.ste->steps[0].cond.is_true());
  size_t syncs = 0, stores = 0;
  for (const auto &st : s.ste->steps) {
    syncs += st.kind == WriterStep::Kind::Sync;
    stores += st.kind == WriterStep::Kind::Store;
  }
  // entry_set: hitless 3 calls, breaking 3, no change 1, each one sync; stores:
  // 8 + 8 (the critical qword, at a variable index) + 8, 1 + 7 + 1, 8.
  EXPECT_EQ(syncs, 7u);
  EXPECT_EQ(stores, 41u);
}

// Whatever the entries, the writer ends with the target: a proof over all
// 2^1024 (current, target) pairs, by the solver.
static void expect_ends_at_target(Symbolic &s) {
  for (const auto *w : {&*s.ste, &*s.cd}) {
    z3::solver solver(s.ctx);
    z3::params p(s.ctx);
    p.set("timeout", 60000u);
    solver.set(p);
    z3::expr differ = s.ctx.bool_val(false);
    for (size_t i = 0; i < w->target.size(); ++i) differ = differ || w->final_entry[i] != w->target[i];
    solver.add(differ);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(solver.check(), z3::unsat) << w->sync_function;
    std::cout << "[timing] final entry = target for " << w->sync_function << ": " << ms_since(t0) << " ms\n";
  }
}

TEST(SymbolicWriter, EveryPathEndsAtTheTarget) {
  expect_ends_at_target(symbolic(smmu::testing::kernel("6.12")));
  if (tree73()) expect_ends_at_target(symbolic(*tree73()));
}

TEST(SymbolicWriter, SteMatchesNative612) { expect_matches_native(smmu::testing::kernel("6.12"), true); }
TEST(SymbolicWriter, CdMatchesNative612) { expect_matches_native(smmu::testing::kernel("6.12"), false); }

// 7.3's writer adds get_update_safe to the STE ops (and a null one to the CD
// ops), and its no-change branch no longer warns.
TEST(SymbolicWriter, SteMatchesNative73) {
  TREE_OR_SKIP(root, "7.3");
  Symbolic &s = symbolic(*tree73());
  EXPECT_EQ(s.ste->executed_ops, (std::vector<std::string>{"arm_smmu_get_ste_used", "arm_smmu_get_ste_update_safe"}));
  expect_matches_native(*tree73(), true);
}

TEST(SymbolicWriter, CdMatchesNative73) {
  TREE_OR_SKIP(root, "7.3");
  expect_matches_native(*tree73(), false);
}

static size_t sync_steps(const checker::SymbolicWrite &w) {
  return std::count_if(w.steps.begin(), w.steps.end(),
                       [](const WriterStep &s) { return s.kind == WriterStep::Kind::Sync; });
}

// Seeded bugs in a copy of the 6.12 source. entry_set never syncs: the symbolic
// steps of the mutant have no sync at all, and still match what the mutant does
// natively.
TEST(SymbolicWriterMutant612, DroppedSyncInEntrySet) {
  const fs::path dst = smmu::testing::driver_mutant_tree("writer-drop-sync", "static bool entry_set(",
                                                         "writer->ops->sync(writer);", ";");
  const harness::KernelRunner &mutant = smmu::testing::kernel_at(dst);
  Symbolic &m = symbolic(mutant), &pristine = symbolic(smmu::testing::kernel("6.12"));
  EXPECT_EQ(sync_steps(*m.ste), 0u);
  EXPECT_EQ(sync_steps(*m.cd), 0u);
  EXPECT_EQ(sync_steps(*pristine.ste), 7u);
  EXPECT_EQ(sync_steps(*pristine.cd), 7u);
  Comparison c = compare(mutant, *m.ste, m.ctx, "sweep_random_ste_pairs", 200, 7);
  EXPECT_EQ(c.mismatches, 0u);
  for (const auto &[path, n] : c.shapes) EXPECT_EQ(path.find('|'), std::string::npos) << path;
  fs::remove_all(dst);
}

// The hitless update writes the critical qword before the unused bits: the
// mutant's symbolic steps follow the mutant (native) and differ from the
// pristine writer's on the hitless pairs.
TEST(SymbolicWriterMutant612, CriticalQwordWrittenFirst) {
  const std::string first = "entry_set(writer, entry, unused_update, 0, NUM_ENTRY_QWORDS);";
  const std::string critical = "entry_set(writer, entry, target, critical_qword_index, 1);";
  const fs::path dst =
      smmu::testing::driver_mutant_tree("writer-critical-first", "unused_update[critical_qword_index] =",
                                        first + "\n\t\t" + critical, critical + "\n\t\t" + first);
  const harness::KernelRunner &mutant = smmu::testing::kernel_at(dst);
  Symbolic &m = symbolic(mutant), &pristine = symbolic(smmu::testing::kernel("6.12"));
  Comparison c = compare(mutant, *m.ste, m.ctx, "sweep_random_ste_pairs", 300, 11);
  EXPECT_EQ(c.mismatches, 0u);
  // The same pairs through the pristine writer's symbolic steps.
  auto *seed = mutant.slice().function<unsigned long long>("kshim_random_pairs_seed");
  auto *count = mutant.slice().function<int>("kshim_random_pairs_count");
  ASSERT_TRUE(seed && count);
  *seed = 11;
  *count = 300;
  checker::WriterEvaluator mine(m.ctx, *m.ste), theirs(pristine.ctx, *pristine.ste);
  size_t differ = 0;
  for (const NativeUpdate &u : native_updates(mutant.run(mutant.find("sweep_random_ste_pairs")).trace))
    differ += mine.steps(u.before, u.after) != theirs.steps(u.before, u.after);
  EXPECT_GT(differ, 10u) << "the hitless pairs are written in another order";
  std::cout << "[result] critical qword first: " << differ << " of 300 pairs take other steps\n";
  fs::remove_all(dst);
}

// Hand-written IR: what the logged run refuses, and the order it logs in.
TEST(SymbolicWriterIr, LogsStoresAndRecordedCallsInProgramOrder) {
  const char *text = R"(
declare void @hook(i32)
define void @f(i64* %e, i64* %t) {
entry:
  %a = load i64, i64* %t
  %c = icmp eq i64 %a, 0
  br i1 %c, label %zero, label %other
zero:
  store i64 1, i64* %e
  call void @hook(i32 1)
  br label %join
other:
  %p = getelementptr i64, i64* %e, i64 1
  store i64 %a, i64* %p
  br label %join
join:
  call void @hook(i32 2)
  ret void
}
)";
  checker::IrModule m(text);
  z3::context ctx;
  z3::expr t0 = ctx.bv_const("t0", 64);
  checker::IrArg e, t;
  e.words = {ctx.bv_val(static_cast<uint64_t>(0), 64), ctx.bv_val(static_cast<uint64_t>(0), 64)};
  t.words = {t0, ctx.bv_val(static_cast<uint64_t>(0), 64)};
  checker::IrRunOptions o;
  o.logged_arrays = {0};
  o.recorded_calls = {"hook"};
  auto run = m.run_logged(ctx, "f", {e, t}, o);
  // The branches come in either order (they exclude each other); within a path, program order.
  ASSERT_EQ(run.events.size(), 4u);
  auto at = [&](auto pred) {
    for (size_t i = 0; i < run.events.size(); ++i)
      if (pred(run.events[i])) return static_cast<int>(i);
    return -1;
  };
  int store0 = at([](const checker::IrEvent &e) { return e.kind == checker::IrEvent::Kind::Store && e.offset == 0; });
  int store8 = at([](const checker::IrEvent &e) { return e.kind == checker::IrEvent::Kind::Store && e.offset == 8; });
  int hook1 = at([](const checker::IrEvent &e) {
    return e.function == "hook" && e.int_args[0]->simplify().get_numeral_uint64() == 1;
  });
  ASSERT_TRUE(store0 >= 0 && store8 >= 0 && hook1 >= 0);
  EXPECT_LT(store0, hook1);
  EXPECT_EQ(run.events[3].function, "hook");
  EXPECT_TRUE(run.events[3].cond.simplify().is_true());
  EXPECT_TRUE(z3::eq(run.events[store8].value->simplify(), t0));
  z3::solver s(ctx);
  s.add(run.events[store0].cond && run.events[store8].cond);
  EXPECT_EQ(s.check(), z3::unsat);
  s.reset();
  s.add(run.events[store0].cond != (t0 == ctx.bv_val(static_cast<uint64_t>(0), 64)));
  EXPECT_EQ(s.check(), z3::unsat);
  // Without the hook recorded, the external call is refused, named.
  o.recorded_calls.clear();
  try {
    m.run_logged(ctx, "f", {e, t}, o);
    FAIL() << "no UnsupportedIR";
  } catch (const checker::UnsupportedIR &x) {
    EXPECT_NE(std::string(x.what()).find("@hook"), std::string::npos) << x.what();
  }
}

TEST(SymbolicWriterIr, UnresolvedIndirectCallAndUnboundedIndexAreUnsupported) {
  const char *indirect = R"(
define void @f(void (i64*)** %ops, i64* %e) {
  %fn = load void (i64*)*, void (i64*)** %ops
  call void %fn(i64* %e)
  ret void
}
)";
  const char *index = R"(
define void @f(i64* %e, i64* %t) {
  %i = load i64, i64* %t
  %p = getelementptr i64, i64* %e, i64 %i
  store i64 1, i64* %p
  ret void
}
)";
  z3::context ctx;
  checker::IrArg a, b;
  a.words = {ctx.bv_const("a", 64)};
  b.words = {ctx.bv_const("b", 64)};
  for (const auto &[ir, what] : {std::pair{indirect, "load of a pointer field"},
                                 std::pair{index, "variable index not proven"}}) {
    checker::IrModule m(ir);
    try {
      m.run_logged(ctx, "f", {a, b}, {});
      ADD_FAILURE() << "no UnsupportedIR for " << ir;
    } catch (const checker::UnsupportedIR &x) {
      EXPECT_NE(std::string(x.what()).find(what), std::string::npos) << x.what();
    }
  }
  // A pointer field is read-only: a store over it is refused, not ignored.
  checker::IrModule m(R"(
define void @g(i64* %e) {
  ret void
}
define void @f(i64* %w, i64* %e) {
  %p = getelementptr i64, i64* %w, i64 0
  store i64 0, i64* %p
  ret void
}
)");
  a.pointer_fields[0] = "g";
  try {
    m.run_logged(ctx, "f", {a, b}, {});
    ADD_FAILURE() << "no UnsupportedIR for a store over a pointer field";
  } catch (const checker::UnsupportedIR &x) {
    EXPECT_NE(std::string(x.what()).find("store over a pointer field"), std::string::npos) << x.what();
  }
}
