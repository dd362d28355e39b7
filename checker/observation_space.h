// What one SMMU fetch of an entry may return during one epoch, under a model
// (docs/model.md §2): the entry splits into granules that are read independently,
// each granule taking one of a list of candidate values.
#pragma once

#include <string>
#include <vector>

#include "entry_update.h"
#include "model.h"

namespace smmu::checker {

struct Candidate {
  uint64_t value = 0;       // the granule's bits, right-aligned
  int trace_index = -1;     // the store that produced it; -1: the entry before the update
  bool stale = false;       // older than the CPU's entry at the start of the epoch
};

struct Granule {
  unsigned qword = 0;       // which qword of the entry
  unsigned shift = 0;       // bit position inside the qword
  unsigned width = 64;      // bits
  std::vector<Candidate> candidates;  // distinct values, oldest first
};

struct EpochSpace {
  std::vector<Granule> granules;       // cover all 8 qwords, low to high address
  // Per qword split into granules: every whole value it held in the range the
  // epoch can see; a qword assembled from granules that is not one of these is
  // torn. Empty for a qword read whole: its candidates are whole values.
  std::vector<std::vector<uint64_t>> whole_values;
  bool over_approximate = false;       // see observation_space.cpp
  std::string unsupported;             // non-empty: the model asks for what we cannot decide

  double combinations() const;         // product of candidate counts (as a double: may be huge)
};

// The space of epoch `epoch` of `update` under `model`.
// With clean_at_sync, every sync also completes a clean of the whole entry.
EpochSpace observation_space(const EntryUpdate &update, size_t epoch, const models::Model &model,
                             bool clean_at_sync = false);

// The entry a choice of candidate indices (one per granule) stands for.
Entry assemble(const EpochSpace &space, const std::vector<size_t> &choice);

}  // namespace smmu::checker
