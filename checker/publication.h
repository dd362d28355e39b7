// Publication of a new table through a pointer descriptor (a level-1 stream
// table or CD table descriptor installing a level-2 table): once the SMMU can
// read the new pointer it can follow it, so every store that initialised the
// table, and its zeroing, must be visible first (MODEL.md §4.3).
#pragma once

#include <string>
#include <vector>

#include "model.h"
#include "trace.h"
#include "verdict.h"

namespace smmu::checker {

// Where a pointer descriptor keeps the table address: handed over by the
// harness from the tree's own masks (STRTAB_L1_DESC_L2PTR_MASK, ...).
struct PointerLayout {
  harness::DescKind kind = harness::DescKind::L1Std;
  uint64_t address_mask = 0;
};

struct Publication {
  int pointer_event = -1;        // the store that publishes the pointer (trace index)
  std::string pointer, table;    // descriptor names
  Outcome outcome = Outcome::Pass;
  ViolationKind kind = ViolationKind::None;
  std::string reason;
  int unordered_event = -1;      // violation: a table store (or the allocation) not yet visible
  uint64_t seen_value = 0, intended_value = 0;  // what the SMMU may read there, and what was written
  bool seen_fresh = false;       // it may read fresh memory (any value; seen/intended_value unused)
  size_t table_stores = 0;       // stores into the table before the pointer
};

// Every publication of a pointer to a registered table in the trace.
std::vector<Publication> check_publications(const harness::Trace &trace, const models::Model &model,
                                            const std::vector<PointerLayout> &layouts);

}  // namespace smmu::checker
