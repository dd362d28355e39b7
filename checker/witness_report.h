// A violation as a person can replay it: the CPU events of the update with
// their kernel file:line, the epoch the fetch fell in, which store each part
// of the observed entry came from, and its meaning against both stable states.
#pragma once

#include <ostream>

#include "field_map.h"
#include "trace.h"
#include "verdict.h"

namespace smmu::checker {

// With `fields`, each part read names the fields it touches (field_map.h).
void print_witness(std::ostream &out, const harness::Trace &trace, const Verdict &v,
                   const FieldMap *fields = nullptr);

// The parts of a witness as printed: those the epoch changes, adjacent runs
// of one source (same store, same staleness) merged into one.
std::vector<ObservedPart> merged_parts(const Witness &w);

// The bits of qword `part.qword` a part covers.
inline uint64_t part_mask(const ObservedPart &p) {
  return p.width >= 64 ? ~0ull : ((1ull << p.width) - 1) << p.shift;
}

}  // namespace smmu::checker
