// A violation as a person can replay it: the CPU events of the update with
// their kernel file:line, the epoch the fetch fell in, which store each part
// of the observed entry came from, and its meaning against both stable states.
#pragma once

#include <ostream>

#include "trace.h"
#include "verdict.h"

namespace smmu::checker {

void print_witness(std::ostream &out, const harness::Trace &trace, const Verdict &v);

}  // namespace smmu::checker
