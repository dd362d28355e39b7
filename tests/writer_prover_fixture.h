// The writer's prover (checker/writer_proof_run.h) of a loaded tree, with
// the tree's get_used, made once per tree and kept: its symbolic writers take
// seconds to build.
#pragma once

#include <map>
#include <memory>

#include "kernel_semantics.h"
#include "writer_proof_run.h"

namespace smmu::testing {

inline checker::WriterProver &writer_prover(const harness::KernelRunner &k) {
  struct Tree {
    checker::EntrySemantics semantics;
    std::unique_ptr<checker::WriterProver> prover;
  };
  static std::map<const harness::KernelRunner *, std::unique_ptr<Tree>> cache;
  auto &t = cache[&k];
  if (!t) {
    t = std::make_unique<Tree>();
    t->semantics = checks::kernel_semantics(k, false);
    t->prover = std::make_unique<checker::WriterProver>(k, t->semantics);
  }
  return *t->prover;
}

}  // namespace smmu::testing
