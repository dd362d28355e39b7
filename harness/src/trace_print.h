// Human-readable listing of a Trace: one event a line, with its kernel file:line.
#pragma once

#include <ostream>
#include <string>

#include "trace.h"

namespace smmu::harness {

std::string describe(const Trace &trace, const Event &e);
void print_trace(std::ostream &out, const Trace &trace);

}  // namespace smmu::harness
