// Seeded bugs for the checker's soundness tests: each turns the recorded run
// of a correct update into the run of a broken one, at the trace level, which
// is all the SMMU (and so the checker) can tell apart. The faults that remove
// a writer sync can also be seeded into the running code (run_with_fault), so
// that the kernel's own checks (KUnit's sync count) see the broken writer too.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "kernel_runner.h"
#include "trace.h"

namespace smmu::harness {

enum class Fault {
  DropSync,     // the k-th writer sync (and its commands) never happens
  MergeSteps,   // steps k and k+1 are written with no sync between them
  SwapSteps,    // the stores of step k+1 are made before those of step k
  TearStore,    // the k-th WRITE_ONCE into the entry becomes a plain store
  DropDmaWmb,   // the k-th dma_wmb() never happens (e.g. before a table-pointer cmpxchg)
  DropCmo,      // the k-th clean to PoC never happens (e.g. the dma_map_single of a new table)
  DropTlbi,     // the k-th TLB invalidation command is never issued
  LeafTlbi,     // the k-th TLBI by address is issued leaf-only (walk caches may keep tables)
};

const char *to_string(Fault f);

// "drop-sync:2" -> (DropSync, 2), accepting only the faults in `allowed`;
// throws UserError naming them otherwise.
std::pair<Fault, int> parse_fault(const std::string &spec, std::initializer_list<Fault> allowed);

// k counts from 1. Returns false (and leaves the trace alone) when the trace
// has no such sync, step or store.
bool inject(Trace &trace, Fault fault, int k);

// drop-sync and merge-steps: the writer's k-th sync call is left out while the
// code runs; the other faults only exist as edits of a recorded trace.
bool seeds_live(Fault fault);

// Runs `c` with the fault: seeded into the running code where it can be
// (seeds_live), else injected into the recorded trace. The trace is the same
// either way; only a live fault can make the kernel's own expectations fail.
// Returns false, with `out` the run as recorded, when it has no such sync,
// step or store.
bool run_with_fault(const KernelRunner &runner, const RunnableCase &c, Fault fault, int k, RunResult &out);

}  // namespace smmu::harness
