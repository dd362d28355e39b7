#include "pt_witness_json.h"

#include "trace_print.h"

namespace smmu::report {

// A trace event by its 0-based index (-1: none, or memory before the run).
void write_event_ref(JsonWriter &j, const harness::Trace &t, int index) {
  const bool event = index >= 0 && static_cast<size_t>(index) < t.events.size();
  const bool located = event && t.events[index].loc.line > 0;
  j.key("trace_index").value(index);
  j.key("event").value(index + 1);  // as smmu-check trace numbers events; 0: none
  j.key("text").value(event ? harness::describe(t, t.events[index]) : std::string());
  j.key("file").value(located ? t.events[index].loc.file : std::string());
  j.key("line").value(located ? t.events[index].loc.line : 0);
}

namespace {

const char *kind_name(checker::WalkOutcome::Kind k) {
  switch (k) {
    case checker::WalkOutcome::Kind::Fault: return "fault";
    case checker::WalkOutcome::Kind::Translate: return "translate";
    case checker::WalkOutcome::Kind::Wild: return "wild";
  }
  return "?";
}

void write_outcome(JsonWriter &j, const harness::Trace &t, const checker::WalkOutcome &o) {
  j.begin_object();
  j.key("kind").value(kind_name(o.kind));
  j.key("output").hex(o.out);  // translate: output address; wild: the address read outside every table
  j.key("attrs").hex(o.attrs);
  j.key("level").value(o.level);
  j.key("freed_at").begin_object();  // wild: the event that freed the table page read
  write_event_ref(j, t, o.freed_at);
  j.end_object();
  j.key("text").value(checker::describe(o));
  j.end_object();
}

}  // namespace

void write_pt_witness(JsonWriter &j, const harness::Trace &t, const checker::PtWitness &w,
                      const checker::FieldMap *fields) {
  j.begin_object();
  j.key("iova").hex(w.iova);
  // Operations are numbered from 1, as the text witness numbers them.
  j.key("operations").begin_object();
  j.key("first").value(static_cast<uint64_t>(w.first_op + 1));
  j.key("last").value(static_cast<uint64_t>(w.last_op + 1));
  j.end_object();
  j.key("publication").value(w.publication);
  j.key("cached_through").value(static_cast<uint64_t>(w.cached_through));  // as the text witness prints it
  // Set when the device's ATC, not the SMMU's TLB, kept the translation to cached_through.
  if (w.atc) {
    j.key("atc").begin_object();
    j.key("sid").hex(w.atc->sid);
    // Filled from the SMMU's TLB after trace events 1..fill; -1: at any time.
    j.key("fill").value(w.atc->tlb_expired_by < 0 ? -1 : w.atc->fill);
    j.key("tlb_expired_by").begin_object();
    write_event_ref(j, t, w.atc->tlb_expired_by);
    j.end_object();
    j.key("expires").value(w.atc->expires);  // -1: no ATC_INV removes it
    j.key("expired_by").begin_object();
    write_event_ref(j, t, w.atc->expired_by);
    j.end_object();
    j.key("not_invalidated_by").begin_array();
    for (const auto &[index, why] : w.atc->not_invalidated_by) {
      j.begin_object();
      write_event_ref(j, t, index);
      j.key("why").value(why);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.key("reads").begin_array();
  for (const checker::PtRead &r : w.reads) {
    j.begin_object();
    j.key("level").value(r.level);  // -1: the STE/CD qword holding the table pointer
    j.key("table").hex(r.table);
    j.key("address").hex(r.address);
    j.key("index").value(r.index);
    j.key("place").value(checker::table_place(t, r.address, r.instant));  // "table3[3]": the run's own names
    j.key("value").hex(r.value);
    // The tree's PTE fields in the value (each with its bits and value there).
    j.key("fields").begin_array();
    if (fields && r.level >= 0)
      for (const checker::FieldSpec &f : fields->pte)
        if (r.value & f.mask) {
          j.begin_object();
          j.key("name").value(f.name);
          j.key("macro").value(f.macro);
          j.key("bits").value(checker::bit_range(f.mask));
          j.key("value").hex(checker::field_value(f, r.value));
          j.end_object();
        }
    j.end_array();
    j.key("instant").value(r.instant);  // after trace events 1..instant (smmu-check trace numbering)
    j.key("torn").value(r.torn);
    j.key("stale").value(r.stale);
    j.key("expires").value(r.expires);  // cached entry usable before this instant; -1: never invalidated
    j.key("expired_by").begin_object();  // the invalidating command
    write_event_ref(j, t, r.expired_by);
    j.end_object();
    // Invalidations after the read that name its address but need not remove its entry.
    j.key("not_invalidated_by").begin_array();
    for (const auto &[index, why] : r.not_invalidated_by) {
      j.begin_object();
      write_event_ref(j, t, index);
      j.key("why").value(why);
      j.end_object();
    }
    j.end_array();
    j.key("sources").begin_array();
    for (const checker::PtSource &s : r.sources) {
      j.begin_object();
      write_event_ref(j, t, s.trace_index);  // -1: memory before the run
      j.key("what").value(s.what);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.key("outcome");
  write_outcome(j, t, w.outcome);
  j.key("allowed").begin_array();
  for (const auto &a : w.allowed) write_outcome(j, t, a);
  j.end_array();
  j.end_object();
}

}  // namespace smmu::report
