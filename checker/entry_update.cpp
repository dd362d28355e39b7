#include "entry_update.h"

#include "command.h"

namespace smmu::checker {

using harness::Event;
using harness::EventKind;

namespace {

void apply(Entry &e, unsigned offset, unsigned size, uint64_t value) {
  unsigned q = offset / 8, shift = (offset % 8) * 8;
  uint64_t mask = size == 8 ? ~0ull : ((1ull << (size * 8)) - 1) << shift;
  e[q] = (e[q] & ~mask) | ((value << shift) & mask);
}

bool is_cfgi(uint8_t op) { return op == 0x03 || op == 0x04 || op == 0x05 || op == 0x06; }

// After a writer sync op: does the trace show it invalidating the entry and
// completing (CFGI then CMD_SYNC), show nothing (an abstract sync), or
// something that is not a completed invalidation?
enum class SyncShape { Abstract, Complete, Incomplete };

SyncShape sync_shape(const harness::Trace &t, size_t after) {
  bool cfgi = false, any = false;
  for (size_t i = after + 1; i < t.events.size(); ++i) {
    const Event &e = t.events[i];
    if (e.kind == EventKind::Store || e.kind == EventKind::UpdateSync || e.kind == EventKind::UpdateEnd)
      break;
    if (e.kind != EventKind::Command) continue;
    any = true;
    uint8_t op = static_cast<uint8_t>(e.cmd[0] & 0xff);
    if (is_cfgi(op)) cfgi = true;
    if (op == 0x46 && cfgi) return SyncShape::Complete;
  }
  return any ? SyncShape::Incomplete : SyncShape::Abstract;
}

}  // namespace

std::vector<EntryUpdate> extract_entry_updates(const harness::Trace &t) {
  std::vector<EntryUpdate> out;
  EntryUpdate *u = nullptr;
  Entry cpu{};
  std::string note;  // names the next update (sweep drivers write "FROM -> TO")
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &e = t.events[i];
    switch (e.kind) {
      case EventKind::UpdateBegin: {
        out.emplace_back();
        u = &out.back();
        u->label = note;
        note.clear();
        u->descriptor = e.desc >= 0 ? t.descs[e.desc].name : "?";
        u->kind = e.desc >= 0 ? t.descs[e.desc].kind : harness::DescKind::Ste;
        if (e.before.size() != kEntryQwords || e.after.size() != kEntryQwords) {
          u->problem = "entry is not 8 qwords";
          u = nullptr;
          break;
        }
        std::copy(e.before.begin(), e.before.end(), u->initial.begin());
        std::copy(e.after.begin(), e.after.end(), u->target.begin());
        cpu = u->initial;
        u->epochs.push_back(Epoch{cpu, cpu, {}, -1});
        break;
      }
      case EventKind::Store:
        if (!u || e.desc < 0 || t.descs[e.desc].name != u->descriptor) break;
        u->epochs.back().events.push_back(
            {EntryEvent::Kind::Store, static_cast<int>(i), static_cast<unsigned>(e.offset),
             static_cast<unsigned>(e.size), e.value, e.store});
        apply(cpu, static_cast<unsigned>(e.offset), static_cast<unsigned>(e.size), e.value);
        u->epochs.back().end = cpu;
        break;
      case EventKind::Barrier:
        if (u) u->epochs.back().events.push_back({EntryEvent::Kind::Barrier, static_cast<int>(i)});
        break;
      case EventKind::Cmo:
        // Only a clean publishes dirty lines to PoC; an invalidate does not.
        if (u && e.cmo != harness::CmoKind::Inval && e.desc >= 0 &&
            t.descs[e.desc].name == u->descriptor)
          u->epochs.back().events.push_back({EntryEvent::Kind::Clean, static_cast<int>(i),
                                             static_cast<unsigned>(e.offset),
                                             static_cast<unsigned>(e.size)});
        break;
      case EventKind::UpdateSync: {
        if (!u) break;
        SyncShape shape = sync_shape(t, i);
        if (shape == SyncShape::Incomplete) {
          // The sync op ran but issued no completed CFGI + CMD_SYNC: the epoch goes on.
          break;
        }
        u->abstract_syncs |= shape == SyncShape::Abstract;
        u->epochs.back().sync_trace_index = static_cast<int>(i);
        u->epochs.push_back(Epoch{cpu, cpu, {}, -1});
        ++u->syncs;
        break;
      }
      case EventKind::UpdateEnd:
        u = nullptr;
        break;
      case EventKind::Note:
        note = e.text;
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace smmu::checker
