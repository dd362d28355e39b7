// Which parts of an observed STE/CD make a violation: a witness lists every
// granule the SMMU read (64 of them when each byte is read on its own), most
// of which hold what either stable state holds. The essential parts are a
// smallest set (no part can be dropped) that still gives an entry meaning
// neither stable state whichever of them the other parts are read from.
#pragma once

#include "entry_semantics.h"
#include "verdict.h"

namespace smmu::checker {

// Sets parts[i].essential in w (its observed, start, end and meanings filled).
void mark_essential_parts(Witness &w, harness::DescKind kind, const EntrySemantics &sem);

}  // namespace smmu::checker
