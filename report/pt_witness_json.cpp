#include "pt_witness_json.h"

#include "trace_print.h"

namespace smmu::report {

// A trace event by its 0-based index (-1: none, or memory before the run).
void write_event_ref(json::OStream &j, const harness::Trace &t, int index) {
  const bool event = index >= 0 && static_cast<size_t>(index) < t.events.size();
  const bool located = event && t.events[index].loc.line > 0;
  j.attribute("trace_index", index);
  j.attribute("event", index + 1);  // as smmu-check trace numbers events; 0: none
  j.attribute("text", event ? harness::describe(t, t.events[index]) : std::string());
  j.attribute("file", located ? t.events[index].loc.file : std::string());
  j.attribute("line", located ? t.events[index].loc.line : 0);
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

void write_outcome(json::OStream &j, const harness::Trace &t, const checker::WalkOutcome &o) {
  j.objectBegin();
  j.attribute("kind", kind_name(o.kind));
  j.attribute("output", hex64(o.out));  // translate: output address; wild: the address read outside every table
  j.attribute("attrs", hex64(o.attrs));
  j.attribute("level", o.level);
  j.attributeObject("freed_at", [&] {  // wild: the event that freed the table page read
    write_event_ref(j, t, o.freed_at);
  });
  j.attribute("text", checker::describe(o));
  j.objectEnd();
}

}  // namespace

void write_pt_witness(json::OStream &j, const harness::Trace &t, const checker::PtWitness &w,
                      const checker::FieldMap *fields) {
  j.objectBegin();
  j.attribute("iova", hex64(w.iova));
  // Operations are numbered from 1, as the text witness numbers them.
  j.attributeObject("operations", [&] {
    j.attribute("first", static_cast<uint64_t>(w.first_op + 1));
    j.attribute("last", static_cast<uint64_t>(w.last_op + 1));
  });
  j.attribute("publication", w.publication);
  j.attribute("cached_through", static_cast<uint64_t>(w.cached_through));  // as the text witness prints it
  // Set when the device's ATC, not the SMMU's TLB, kept the translation to cached_through.
  if (w.atc) {
    j.attributeObject("atc", [&] {
      j.attribute("sid", hex64(w.atc->sid));
      // Filled from the SMMU's TLB after trace events 1..fill; -1: at any time.
      j.attribute("fill", w.atc->tlb_expired_by < 0 ? -1 : w.atc->fill);
      j.attributeObject("tlb_expired_by", [&] {
        write_event_ref(j, t, w.atc->tlb_expired_by);
      });
      j.attribute("expires", w.atc->expires);  // -1: no ATC_INV removes it
      j.attributeObject("expired_by", [&] {
        write_event_ref(j, t, w.atc->expired_by);
      });
      j.attributeArray("not_invalidated_by", [&] {
        for (const auto &[index, why] : w.atc->not_invalidated_by) {
          j.objectBegin();
          write_event_ref(j, t, index);
          j.attribute("why", why);
          j.objectEnd();
        }
      });
    });
  }
  j.attributeArray("reads", [&] {
    for (const checker::PtRead &r : w.reads) {
      j.objectBegin();
      j.attribute("level", r.level);  // -1: the STE/CD qword holding the table pointer
      j.attribute("table", hex64(r.table));
      j.attribute("address", hex64(r.address));
      j.attribute("index", r.index);
      j.attribute("place", checker::table_place(t, r.address, r.instant));  // "table3[3]": the run's own names
      j.attribute("value", hex64(r.value));
      // The tree's PTE fields in the value (each with its bits and value there).
      j.attributeArray("fields", [&] {
        if (fields && r.level >= 0)
          for (const checker::FieldSpec &f : fields->pte)
            if (r.value & f.mask)
              j.object([&] {
                j.attribute("name", f.name);
                j.attribute("macro", f.macro);
                j.attribute("bits", checker::bit_range(f.mask));
                j.attribute("value", hex64(checker::field_value(f, r.value)));
              });
      });
      j.attribute("instant", r.instant);  // after trace events 1..instant (smmu-check trace numbering)
      j.attribute("torn", r.torn);
      j.attribute("stale", r.stale);
      // The cache the read fills (the timeline's cache lanes): none, config-cache, walk-cache or tlb.
      j.attribute("cached", checker::to_string(r.cached));
      j.attribute("expires", r.expires);  // cached entry usable before this instant; -1: never invalidated
      j.attributeObject("expired_by", [&] {  // the invalidating command
        write_event_ref(j, t, r.expired_by);
      });
      // Invalidations after the read that name its address but need not remove its entry.
      j.attributeArray("not_invalidated_by", [&] {
        for (const auto &[index, why] : r.not_invalidated_by) {
          j.objectBegin();
          write_event_ref(j, t, index);
          j.attribute("why", why);
          j.objectEnd();
        }
      });
      j.attributeArray("sources", [&] {
        for (const checker::PtSource &s : r.sources) {
          j.objectBegin();
          write_event_ref(j, t, s.trace_index);  // -1: memory before the run
          j.attribute("what", s.what);
          j.objectEnd();
        }
      });
      j.objectEnd();
    }
  });
  j.attributeBegin("outcome");
  write_outcome(j, t, w.outcome);
  j.attributeEnd();
  j.attributeArray("allowed", [&] {
    for (const auto &a : w.allowed) write_outcome(j, t, a);
  });
  j.objectEnd();
}

}  // namespace smmu::report
