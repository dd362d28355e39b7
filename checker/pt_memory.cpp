#include "pt_memory.h"

namespace smmu::checker::pt_detail {

Memory build_memory(const harness::Trace &t, const models::Model &m) {
  Memory mem;
  int last_ctx = -1;
  std::vector<uint64_t> root_descs;
  for (size_t i = 0; i < t.events.size(); ++i)
    if (t.events[i].kind == EventKind::WalkContext) {
      last_ctx = static_cast<int>(i);
      if (t.events[i].walk.root_desc) root_descs.push_back(t.events[i].walk.root_desc);
    }
  const unsigned part_bytes = static_cast<unsigned>(models::plain_store_part_bits(m) / 8);
  // The SMMU implements range invalidation and every granule (what the scenarios configure).
  const SmmuCaps caps;
  for (int i = 0; i <= last_ctx; ++i) {
    const Event &e = t.events[i];
    // Page tables, and the STE/CD holding a walk's table pointer.
    auto pgtable = [&](int desc) {
      if (desc < 0) return false;
      const harness::DescRange &d = t.descs[desc];
      if (d.kind == harness::DescKind::PgTable) return true;
      for (uint64_t r : root_descs)
        if (r >= d.base && r < d.base + d.size) return true;
      return false;
    };
    switch (e.kind) {
      case EventKind::Alloc:
      case EventKind::DescRegister:
        if (!pgtable(e.desc)) break;
        mem.ranges.push_back({e.addr, e.size, e.kind == EventKind::Alloc, e.before,
                              t.descs[e.desc].kind == harness::DescKind::PgTable, kNever, i,
                              e.kind == EventKind::Alloc && e.zeroed});
        if (e.kind == EventKind::Alloc && e.zeroed)
          for (uint64_t a = e.addr; a < e.addr + e.size; a += 8) {
            mem.by_qword[a].push_back(static_cast<int>(mem.parts.size()));
            mem.parts.push_back({i, a, ~0ull, 0, i, true, false});
          }
        break;
      case EventKind::Store: {
        if (!pgtable(e.desc)) break;
        uint64_t q = e.addr & ~7ull;
        unsigned off = static_cast<unsigned>(e.addr & 7);
        unsigned len = static_cast<unsigned>(e.size);
        unsigned step = e.store == harness::StoreKind::Plain ? std::min(part_bytes, len) : len;
        for (unsigned o = 0; o < len; o += step) {
          uint64_t mask = byte_mask(off + o, step);
          uint64_t value = (e.value << (8 * off)) & mask;
          mem.by_qword[q].push_back(static_cast<int>(mem.parts.size()));
          mem.parts.push_back({i, q, mask, value, i, false, step < len});
        }
        break;
      }
      case EventKind::Barrier:
        if (orders(e.barrier)) mem.order_pos.push_back(i);
        if (completes(e.barrier)) mem.force_pos.push_back(i);
        break;
      case EventKind::Cmo:
        // DC CVAC/CIVAC per line then DSB SY: orders and completes earlier stores.
        mem.order_pos.push_back(i);
        mem.force_pos.push_back(i);
        if (e.cmo != harness::CmoKind::Inval)
          for (uint64_t l = e.addr & ~63ull; l < e.addr + e.size; l += 64) mem.cleans[l].push_back(i);
        break;
      case EventKind::Free:
        for (Range &r : mem.ranges)
          if (r.base >= e.addr && r.base < e.addr + e.size && r.freed_at == kNever) r.freed_at = i;
        break;
      case EventKind::Command: {
        // doorbell=dmb: stores before a command are visible when the SMMU consumes it.
        mem.force_pos.push_back(i);
        uint8_t op = static_cast<uint8_t>(e.cmd[0] & 0xff);
        if (op == kCmdSync) {
          for (auto *list : {&mem.tlbis, &mem.cfgis})
            for (auto it = list->rbegin(); it != list->rend() && it->done == kNever; ++it) it->done = i;
          for (auto it = mem.atcs.rbegin(); it != mem.atcs.rend() && it->done == kNever; ++it) it->done = i;
        } else if (op == kCmdAtcInv) {
          mem.atcs.push_back({i, kNever, atc_scope(e.cmd)});
        } else if (is_cfgi(op)) {
          mem.cfgis.push_back({i, kNever, {}});
        } else {
          TlbiScope scope = tlbi_scope(e.cmd, caps);
          if (scope.status != TlbiStatus::NotTlbi) mem.tlbis.push_back({i, kNever, scope});
        }
        break;
      }
      case EventKind::WalkContext:
        // An operation boundary. Without TLBIs in the run it stands for the caller's
        // TLBI + CMD_SYNC; either way (doorbell=dmb) earlier stores are visible here.
        mem.force_pos.push_back(i);
        mem.ctx.push_back(i);
        if (mem.ctx.size() == 1) mem.geom = e.walk;
        for (uint64_t v : e.iovas)
          if (std::find(mem.iovas.begin(), mem.iovas.end(), v) == mem.iovas.end()) mem.iovas.push_back(v);
        break;
      default:
        break;
    }
  }
  for (const Part &p : mem.parts) mem.part_pos.push_back(p.pos);
  return mem;
}


}  // namespace smmu::checker::pt_detail
