// A page-table witness as JSON, one schema for every command that reports
// one (pt, seq, kernel): the IOVA, the operations it spans (numbered from 1),
// every read with the events that wrote it (trace index, smmu-check trace
// number, file:line), the cache entries and the invalidations that did or did
// not remove them, and the outcome against the allowed ones.
#pragma once

#include "json_io.h"
#include "pt_check.h"

namespace smmu::report {

// The fields that name a trace event by its 0-based index (-1: none, or
// memory before the run): trace_index, event (as smmu-check trace numbers
// it), text, file, line.
void write_event_ref(json::OStream &j, const harness::Trace &t, int index);
// With `fields`, each read lists the PTE fields by the tree's names (checker::pte_fields_text).
void write_pt_witness(json::OStream &j, const harness::Trace &t, const checker::PtWitness &w,
                      const checker::FieldMap *fields = nullptr);

}  // namespace smmu::report
