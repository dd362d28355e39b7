// How a page-table verdict reads: a walk's outcome, the warnings and the
// witness, with the events and kernel file:line behind each read.
#include <ostream>

#include "pt_memory.h"

namespace smmu::checker {

using namespace pt_detail;

std::string describe(const WalkOutcome &o) {
  switch (o.kind) {
    case WalkOutcome::Kind::Fault: return "fault at level " + std::to_string(o.level);
    case WalkOutcome::Kind::Wild:
      if (o.freed_at >= 0)
        return "reads " + hex(o.out) + " at level " + std::to_string(o.level) +
               ", in a table page freed at event " + std::to_string(o.freed_at + 1);
      return "reads " + hex(o.out) + " at level " + std::to_string(o.level) + ", outside every table";
    case WalkOutcome::Kind::Translate:
      return "output " + hex(o.out) + " attrs " + hex(o.attrs) + " (level " + std::to_string(o.level) + ")";
  }
  return "?";
}

const char *to_string(PtCached c) {
  switch (c) {
    case PtCached::None: return "none";
    case PtCached::Config: return "config-cache";
    case PtCached::Table: return "walk-cache";
    case PtCached::Leaf: return "tlb";
  }
  return "?";
}

void print_pt_warnings(std::ostream &out, const harness::Trace &t, const std::vector<PtWarning> &warnings) {
  for (const PtWarning &w : warnings) {
    const bool event = w.event >= 0 && static_cast<size_t>(w.event) < t.events.size();
    const harness::SourceLoc *loc = event ? &t.events[w.event].loc : nullptr;
    if (loc && loc->line > 0)
      out << loc->file << ":" << loc->line << ": warning: " << w.text << "\n";
    else
      out << "warning: " << w.text << (event ? " (event " + std::to_string(w.event + 1) + ")" : "") << "\n";
  }
}

std::string table_place(const harness::Trace &t, uint64_t address, int instant) {
  auto holds = [&](int d) {
    if (d < 0 || static_cast<size_t>(d) >= t.descs.size()) return false;
    const harness::DescRange &r = t.descs[d];
    return r.base <= address && address < r.base + r.size;
  };
  // The range allocated or registered last before the instant: a freed page may come back as another table.
  int desc = -1;
  for (size_t i = 0; i < t.events.size() && (static_cast<int>(i) < instant || desc < 0); ++i) {
    const Event &e = t.events[i];
    if ((e.kind == EventKind::Alloc || e.kind == EventKind::DescRegister) && e.desc >= 0 && holds(e.desc) &&
        (static_cast<int>(i) < instant || desc < 0))
      desc = e.desc;
  }
  if (desc < 0) return hex(address);
  const harness::DescRange &r = t.descs[desc];
  const uint64_t offset = address - r.base;
  if (offset % 8) return r.name + "+" + hex(offset);
  return r.kind == harness::DescKind::PgTable ? r.name + "[" + std::to_string(offset / 8) + "]"
                                              : r.name + ".q" + std::to_string(offset / 8);
}

std::string pte_fields_text(const harness::Trace &t, const PtRead &r, const FieldMap &fields) {
  if (r.level < 0) return "";
  const Event *last = nullptr;
  for (const PtSource &s : r.sources)
    if (s.trace_index >= 0 && static_cast<size_t>(s.trace_index) < t.events.size()) {
      const Event &e = t.events[s.trace_index];
      if (e.kind == EventKind::Store && e.size == 8 && e.offset % 8 == 0 && (!last || &e > last)) last = &e;
    }
  if (last) {
    std::string c = changed_fields(fields.pte, last->old_value, r.value);
    return c.empty() ? "" : "changed: " + c;
  }
  std::string v = field_values(fields.pte, r.value);
  return v.empty() ? "" : "fields: " + v;
}

void print_pt_witness(std::ostream &out, const harness::Trace &t, const PtVerdict &v, const FieldMap *fields) {
  const PtWitness &w = v.witness;
  out << "  walk of IOVA " << hex(w.iova) << ", "
      << (w.publication                        ? "after the last operation"
          : w.cached_through > w.first_op ? "started during operation " + std::to_string(w.first_op + 1) +
                                                ", its cached result used after operation " +
                                                std::to_string(w.cached_through)
                                          : "during operations " + std::to_string(w.first_op + 1) + ".." +
                                                std::to_string(w.last_op + 1))
      << "\n";
  auto loc = [&](int ev) {
    if (ev < 0 || static_cast<size_t>(ev) >= t.events.size()) return std::string();
    const Event &e = t.events[ev];
    return e.loc.line > 0 ? "  " + e.loc.file + ":" + std::to_string(e.loc.line) : std::string();
  };
  if (w.atc) {
    const PtAtc &a = *w.atc;
    out << "  its translation was still in the device's ATC at the boundary after operation " << w.cached_through
        << " (filled from the SMMU's TLB entry of the leaf)\n";
    out << "    ATC entry (SID " << hex(a.sid) << ") filled ";
    if (a.fill >= kNever) out << "at any time: no invalidation removes the leaf's TLB entry";
    else out << "after event " << a.fill;
    // The ordering error, when there is one: a covering ATC_INV issued before the fill.
    const char *tlbi = a.tlb_expired_by >= 0 ? harness::command_name(t.events[a.tlb_expired_by].cmd[0] & 0xff) : nullptr;
    if (a.tlb_expired_by >= 0 && !tlbi) tlbi = "invalidation";
    bool refilled = false;
    for (const auto &[pos, why] : a.not_invalidated_by)
      if (pos < a.fill && tlbi && why.find("refilled") != std::string::npos) {
        out << ": the ATC_INV at event " << pos + 1 << " was issued before the " << tlbi << " at event "
            << a.tlb_expired_by + 1 << " completed";
        refilled = true;
        break;
      }
    if (!refilled && tlbi)
      out << ", until the " << tlbi << " at event " << a.tlb_expired_by + 1 << " completed";
    out << "\n";
    if (a.expires >= 0 && a.expired_by >= 0)
      out << "        in the ATC until event " << a.expires << ": " << harness::describe(t, t.events[a.expired_by])
          << loc(a.expired_by) << " and the CMD_SYNC after it\n";
    else if (a.not_invalidated_by.empty())
      out << "        no ATC_INV for SID " << hex(a.sid) << " after the walk: nothing removes the entry\n";
    for (const auto &[pos, why] : a.not_invalidated_by)
      out << "        not removed by event " << pos + 1 << ", " << why << loc(pos) << "\n";
  } else if (w.cached_through > w.first_op) {
    out << "  the entries it cached were still valid at the boundary after operation " << w.cached_through
        << ": no TLBI covering them had completed\n";
  }
  for (const PtRead &r : w.reads) {
    if (r.level < 0)
      out << "    config   read " << table_place(t, r.address, r.instant) << " (STE/CD qword " << r.index
          << ", the table pointer)";
    else
      out << "    level " << r.level << "  read " << table_place(t, r.address, r.instant);
    out << " after event " << r.instant << "  = " << hex(r.value) << (r.torn ? "  TORN" : "")
        << (r.stale ? "  STALE" : "") << "\n";
    if (const std::string named = fields ? pte_fields_text(t, r, *fields) : ""; !named.empty())
      out << "        " << named << "\n";
    if (v.tlb && r.expires >= 0 && r.expired_by >= 0)
      out << "        cached until event " << r.expires << ": " << harness::describe(t, t.events[r.expired_by])
          << loc(r.expired_by) << " and the CMD_SYNC after it\n";
    else if (v.tlb && r.expires < 0)
      out << "        cached: no completed invalidation in the run removes this entry\n";
    for (const auto &[pos, why] : r.not_invalidated_by)
      out << "        not removed by event " << pos + 1 << ", " << why << loc(pos) << "\n";
    for (const PtSource &s : r.sources) {
      if (s.trace_index < 0) {
        out << "        from " << s.what << "\n";
        continue;
      }
      out << "        from event " << s.trace_index + 1 << " (" << s.what << "): "
          << harness::describe(t, t.events[s.trace_index]) << loc(s.trace_index) << "\n";
    }
  }
  out << "    outcome: " << describe(w.outcome) << "\n";
  for (const WalkOutcome &a : w.allowed) out << "    allowed: " << describe(a) << "\n";
}


}  // namespace smmu::checker
