// What the timeline builders share (timeline_entry.cpp, timeline_walk.cpp):
// a trace event as the CPU lane draws it, a store applied to an 8-byte unit,
// the verdict line, and the elided ranges between the events drawn.
#pragma once

#include "timeline.h"

namespace smmu::report::timeline_detail {

// 's' store, 'b' barrier, 'c' CMO, 'q' command, 'a' alloc, 'f' free, '|' boundary; 0: not drawn.
char glyph_of(const harness::Event &e);
Timeline::CpuEvent cpu_event(const harness::Trace &t, int i);
// The unit's value after store e (which may cover part of it).
uint64_t apply(uint64_t old, const harness::Event &e, uint64_t unit);
std::string verdict_line(checker::Outcome o, checker::ViolationKind k, const std::string &reason);
// Fills tl.elided: each run of drawable events in [first, last] that tl.cpu leaves out.
void mark_elisions(Timeline &tl, const harness::Trace &t, int first, int last);

}  // namespace smmu::report::timeline_detail
