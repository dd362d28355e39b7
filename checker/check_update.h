// Judges every STE/CD update of a trace under a model with one engine:
// stable states (docs/model.md §4.1), every observation of every epoch, and
// publication after the last sync (§4.3).
#pragma once

#include "engine.h"
#include "model.h"
#include "trace.h"

namespace smmu::checker {

struct CheckOptions {
  // For cacheable models: judge the update as if each sync op cleaned the
  // entry to PoC before its CFGI (what a driver keeping descriptors in
  // cacheable memory would add). Without it, a writer with no CMOs is stale.
  bool clean_at_sync = false;
};

Verdict check_trace(const harness::Trace &trace, const models::Model &model, Engine &engine,
                    const EntrySemantics &semantics, const CheckOptions &options = {});

// One verdict per update of the trace, in order (a sweep writes hundreds).
std::vector<Verdict> check_each_update(const harness::Trace &trace, const models::Model &model,
                                       Engine &engine, const EntrySemantics &semantics,
                                       const CheckOptions &options = {});

}  // namespace smmu::checker
