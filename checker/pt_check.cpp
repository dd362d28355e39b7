// The walker model of docs/walker.md over one recorded io-pgtable run.
//
// Instants: "instant P" means the CPU has executed trace events [0, P). Every
// read of a walk has its own instant, non-decreasing along the walk. For each
// read we take the smallest instant at which the chosen value is readable:
// later reads then have the most freedom, and the operations the walk
// overlaps (hence the stable states it may match) are the fewest, so a
// violation found this way is a real execution and a pass covers them all.
//
// Coherent / nc: the SMMU sees a set V of store parts that is closed under
// (a) barrier order: a part after an ordering barrier (dma_wmb, dma_mb, wmb,
// mb, a CMO's DSB) drags every part before that barrier into V; (b) per-byte
// coherence; (c) completion: at instant P, every part before the last DSB
// (wmb, mb, CMO) or operation boundary before P is in V. V only grows.
//
// Cacheable (non-coherent walker): each writeback granule of a descriptor
// returns a value the CPU's line held since the last completed clean covering
// it (eviction=anytime), granules independently.
#include "pt_check.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <ostream>
#include <set>

#include "atc_scope.h"
#include "command.h"
#include "fresh_values.h"
#include "hex.h"
#include "model_support.h"
#include "tlbi_scope.h"
#include "trace_print.h"

namespace smmu::checker {

using harness::Event;
using harness::EventKind;

namespace {

// Stands for fresh memory's bytes in the run's own terms (whole values, torn
// checks) and for memory outside every range. Never decoded: a walk that reads
// fresh bytes takes each meaning they can have (fresh_values.h).
constexpr uint64_t kOldBytes = 0xA5A5A5A5A5A5A5A5ull;
constexpr int kNever = 1 << 30;
// CFGI_STE, CFGI_STE_RANGE (CFGI_ALL), CFGI_CD, CFGI_CD_ALL: the SMMU drops cached STEs/CDs.
bool is_cfgi(uint8_t op) { return op >= 0x03 && op <= 0x06; }
constexpr uint8_t kCmdSync = 0x46;
constexpr uint8_t kCmdAtcInv = 0x40;

uint64_t byte_mask(unsigned off, unsigned len) {
  return len >= 8 ? ~0ull : ((1ull << (8 * len)) - 1) << (8 * off);
}

// One single-copy-atomic piece of a store as the SMMU may see it.
struct Part {
  int pos = 0;          // trace event index
  uint64_t qaddr = 0;   // the 8-byte descriptor it lands in
  uint64_t mask = 0;    // bytes of the descriptor it writes
  uint64_t value = 0;   // positioned inside the descriptor
  int event = -1;       // the store (or alloc) event
  bool zeroing = false;
  bool torn = false;    // one of several parts of one store
};

struct Range {
  uint64_t base = 0, size = 0;
  bool fresh = false;            // allocated during the run: any bytes until its zeroing or stores
  std::vector<uint64_t> before;  // registered, not fresh: its content
  bool table = true;             // a page-table page (else the STE/CD holding the table pointer)
  int freed_at = kNever;         // the Free event; later reads see a reused page
  int event = -1;                // its Alloc or DescRegister event
  bool zeroed = false;           // fresh: the allocation zeroes it (a store at `event`)
};

// A command that drops cached entries once the CMD_SYNC after it completes.
struct Invalidation {
  int pos = 0;
  int done = kNever;  // the completing CMD_SYNC's event index
  TlbiScope scope;    // TLBIs; for a CFGI only pos/done matter
};

// A CMD_ATC_INV: drops the device's ATC entries it covers once the CMD_SYNC after it completes.
struct AtcInvalidation {
  int pos = 0;
  int done = kNever;
  AtcScope scope;
};

struct Memory {
  std::vector<Part> parts;                        // program order
  std::vector<int> part_pos;                      // parts[i].pos
  std::map<uint64_t, std::vector<int>> by_qword;  // descriptor -> part ids
  std::vector<Range> ranges;
  std::vector<int> order_pos, force_pos;          // ordering barriers; completions
  std::map<uint64_t, std::vector<int>> cleans;    // 64-byte line -> clean positions
  std::vector<int> ctx;                           // operation boundaries (WalkContext events)
  WalkGeom geom;
  std::vector<uint64_t> iovas;
  std::vector<Invalidation> tlbis, cfgis;  // program order
  std::vector<AtcInvalidation> atcs;

  const Range *range(uint64_t a) const {
    for (const auto &r : ranges)
      if (a >= r.base && a < r.base + r.size) return &r;
    return nullptr;
  }
  const Range *table_range(uint64_t a) const {
    const Range *r = range(a);
    return r && r->table ? r : nullptr;
  }
  uint64_t initial(uint64_t a) const {
    const Range *r = range(a);
    if (!r || r->fresh) return kOldBytes;
    size_t i = (a - r->base) / 8;
    return i < r->before.size() ? r->before[i] : kOldBytes;
  }
  // Parts with pos < p.
  size_t parts_before(int p) const {
    return std::lower_bound(part_pos.begin(), part_pos.end(), p) - part_pos.begin();
  }
  // Parts a part at `pos` is ordered after (those before the last ordering barrier).
  size_t ordered_prefix(int pos) const {
    auto it = std::lower_bound(order_pos.begin(), order_pos.end(), pos);
    return it == order_pos.begin() ? 0 : parts_before(*(it - 1));
  }
  // Parts complete (visible) at instant P.
  size_t forced_prefix(int P) const {
    auto it = std::lower_bound(force_pos.begin(), force_pos.end(), P);
    return it == force_pos.begin() ? 0 : parts_before(*(it - 1));
  }
  // The bytes of a descriptor no store (zeroing included) has written by instant P.
  uint64_t fresh_bytes(uint64_t a, int P) const {
    const Range *r = range(a);
    if (!r || !r->fresh) return 0;
    uint64_t m = ~0ull;
    auto it = by_qword.find(a);
    if (it != by_qword.end())
      for (int id : it->second)
        if (parts[id].pos < P) m &= ~parts[id].mask;
    return m;
  }
  // The CPU's value of a descriptor at instant P (program order).
  uint64_t cpu_value(uint64_t a, int P) const {
    uint64_t v = initial(a);
    auto it = by_qword.find(a);
    if (it != by_qword.end())
      for (int id : it->second)
        if (parts[id].pos < P) v = (v & ~parts[id].mask) | parts[id].value;
    return v;
  }
  // Every value the CPU held in a descriptor, whole stores applied (for "torn").
  std::set<uint64_t> whole_values(uint64_t a) const {
    std::set<uint64_t> out{initial(a)};
    uint64_t v = initial(a);
    auto it = by_qword.find(a);
    if (it == by_qword.end()) return out;
    for (size_t k = 0; k < it->second.size(); ++k) {
      const Part &p = parts[it->second[k]];
      v = (v & ~p.mask) | p.value;
      bool last_of_store = k + 1 == it->second.size() || parts[it->second[k + 1]].event != p.event;
      if (last_of_store) out.insert(v);
    }
    return out;
  }
  bool clean_between(uint64_t a, int from, int to) const {  // a clean at c, from <= c < to
    auto it = cleans.find(a & ~63ull);
    if (it == cleans.end()) return false;
    for (int c : it->second)
      if (c >= from && c < to) return true;
    return false;
  }
};

bool orders(harness::BarrierKind k) {
  using B = harness::BarrierKind;
  return k == B::DmaWmb || k == B::DmaMb || k == B::Wmb || k == B::Mb;
}
bool completes(harness::BarrierKind k) {
  using B = harness::BarrierKind;
  return k == B::Wmb || k == B::Mb;
}

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

// The walker's view so far.
struct View {
  int P = 0;                 // instant of the last read
  size_t prefix = 0;         // coherent: parts [0, prefix) are visible
  std::vector<int> extra;    // coherent: further visible parts (ids >= prefix), sorted
  bool has(int id) const {
    return static_cast<size_t>(id) < prefix || std::binary_search(extra.begin(), extra.end(), id);
  }
};

struct Candidate {
  uint64_t value = 0;
  View view;
  std::vector<PtSource> sources;
  bool stale = false;
  uint64_t fresh_mask = 0;  // bytes of value from fresh memory
  int fresh_source = -1;    // their entry in sources
  uint64_t recorded = 0;    // value with fresh bytes as kOldBytes: what "torn" compares
};

class Walker {
 public:
  Walker(const Memory &mem, const models::Model &m, const PtSemantics &sem)
      : mem_(mem), model_(m), sem_(sem), cacheable_(m.coherency == models::Coherency::Cacheable) {}

  // The walk of a stable state (the CPU's tables at instant P). Bytes nothing
  // has written yet (fresh) are taken as zeros, a fault: a stable state that
  // reaches them is wrong already (docs/model.md §4.4), and every walk that reads
  // them as a leaf or a table then differs from it.
  WalkOutcome stable(uint64_t iova, int P) const {
    uint64_t table = mem_.geom.root;
    if (mem_.geom.root_desc) table = mem_.cpu_value(mem_.geom.root_desc, P) & mem_.geom.root_mask;
    for (int l = mem_.geom.start_level; l < 4; ++l) {
      uint64_t a = table + 8 * sem_.index(mem_.geom, iova, l);
      if (!mem_.table_range(a)) return {WalkOutcome::Kind::Wild, a, 0, l};
      uint64_t addr = 0, attrs = 0;
      int r = sem_.decode(mem_.geom, iova, l, mem_.cpu_value(a, P) & ~mem_.fresh_bytes(a, P), &addr, &attrs);
      if (r < 0) return {WalkOutcome::Kind::Fault, 0, 0, l};
      if (r > 0) return {WalkOutcome::Kind::Translate, addr, attrs, l};
      table = addr;
    }
    return {WalkOutcome::Kind::Fault, 0, 0, 3};
  }

  // Every value a read of descriptor `a` can return after `v`, at an instant
  // <= maxP. At a level (>= 0, for iova) a value with fresh bytes becomes one
  // value per meaning they can give it there.
  std::vector<Candidate> read(uint64_t a, const View &v, int maxP, int start_instant, uint64_t iova = 0,
                              int level = -1) {
    std::vector<Candidate> in = cacheable_ ? read_cacheable(a, v, maxP, start_instant) : read_coherent(a, v, maxP);
    std::vector<Candidate> out;
    for (Candidate &c : in) {
      c.recorded = c.value;
      if (!c.fresh_mask || level < 0) {
        out.push_back(std::move(c));
        continue;
      }
      for (const FreshValue &f : fresh_values(sem_, mem_.geom, iova, level, c.value, c.fresh_mask)) {
        Candidate x = c;
        x.value = f.value;
        x.sources[x.fresh_source].what += ": any bytes, chosen as " + describe_fresh(f.meaning, level);
        out.push_back(std::move(x));
      }
    }
    return out;
  }

  std::string unsupported;
  uint64_t walks = 0;

 private:
  std::vector<Candidate> read_coherent(uint64_t a, const View &v, int maxP) {
    std::vector<Candidate> out;
    static const std::vector<int> none;
    auto it = mem_.by_qword.find(a);
    const std::vector<int> &L = it == mem_.by_qword.end() ? none : it->second;
    if (L.size() > 22) {
      unsupported = "descriptor " + hex(a) + " has " + std::to_string(L.size()) + " store parts (bound 22)";
      return out;
    }
    std::vector<int> W;
    // Subsets of L closed under per-byte coherence that contain what v has.
    std::function<void(size_t, uint64_t)> rec = [&](size_t k, uint64_t excluded) {
      if (k == L.size()) {
        finish_coherent(a, v, maxP, L, W, out);
        return;
      }
      const Part &p = mem_.parts[L[k]];
      if (!(p.mask & excluded)) {
        W.push_back(L[k]);
        rec(k + 1, excluded);
        W.pop_back();
      }
      if (!v.has(L[k])) rec(k + 1, excluded | p.mask);
    };
    rec(0, 0);
    return out;
  }

  void finish_coherent(uint64_t a, const View &v, int maxP, const std::vector<int> &L,
                       const std::vector<int> &W, std::vector<Candidate> &out) {
    View n = v;
    for (int id : W) n.P = std::max(n.P, mem_.parts[id].pos + 1);
    if (n.P > maxP) return;
    n.prefix = std::max(n.prefix, mem_.forced_prefix(n.P));
    for (int id : W) n.prefix = std::max(n.prefix, mem_.ordered_prefix(mem_.parts[id].pos));
    // Parts ordered before already-visible extras are covered by the prefix computed for them.
    std::vector<int> extra;
    for (int id : v.extra)
      if (static_cast<size_t>(id) >= n.prefix) extra.push_back(id);
    for (int id : W)
      if (static_cast<size_t>(id) >= n.prefix) extra.push_back(id);
    std::sort(extra.begin(), extra.end());
    extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
    n.extra = std::move(extra);
    for (int id : L)
      if (n.has(id) && std::find(W.begin(), W.end(), id) == W.end()) return;  // a newer part is forced
    Candidate c;
    c.view = std::move(n);
    c.value = mem_.initial(a);
    uint64_t from_initial = ~0ull;
    std::map<int, uint64_t> last;  // event -> bytes it supplies
    std::map<int, const Part *> part_of;
    for (int id : W) {
      const Part &p = mem_.parts[id];
      c.value = (c.value & ~p.mask) | p.value;
      from_initial &= ~p.mask;
      for (auto &[ev, bytes] : last) bytes &= ~p.mask;
      last[p.event] |= p.mask;
      part_of[p.event] = &p;
    }
    for (const auto &[ev, bytes] : last)
      if (bytes)
        c.sources.push_back({ev, part_of[ev]->zeroing ? "zeroing at alloc"
                                 : bytes != ~0ull     ? "part of a plain store (torn)"
                                                      : "store"});
    if (from_initial) add_initial_source(c, a, from_initial, "");
    out.push_back(std::move(c));
  }

  // The source of the bytes in `mask` that no store gave: the content before
  // the run, or fresh memory (named by its allocation).
  void add_initial_source(Candidate &c, uint64_t a, uint64_t mask, const std::string &where) const {
    const Range *r = mem_.range(a);
    if (!r || !r->fresh) {
      c.sources.push_back({-1, "content before the run" + where});
      return;
    }
    c.fresh_mask |= mask;
    c.fresh_source = static_cast<int>(c.sources.size());
    c.sources.push_back({r->event, std::string("fresh memory") + where +
                                       (r->zeroed ? ", its zeroing not yet there" : ", never written")});
  }

  // One CPU state of a descriptor: its value from position `pos` until `until`.
  struct CpuState {
    uint64_t value;
    int pos, until, event;
    bool torn;
    bool zeroing = false;
  };

  std::vector<CpuState> cpu_states(uint64_t a) const {
    std::vector<CpuState> s{{mem_.initial(a), -1, 0, -1, false}};
    auto it = mem_.by_qword.find(a);
    if (it != mem_.by_qword.end()) {
      const std::vector<int> &L = it->second;
      for (size_t k = 0; k < L.size();) {
        size_t e = k;
        while (e < L.size() && mem_.parts[L[e]].event == mem_.parts[L[k]].event) ++e;
        uint64_t base = s.back().value;
        int pos = mem_.parts[L[k]].pos;
        s.back().until = pos;
        // A store split into parts passes through every subset of them (any order).
        size_t n = e - k;
        for (uint64_t sub = 1; sub < (1ull << n); ++sub) {
          uint64_t val = base;
          for (size_t j = 0; j < n; ++j)
            if (sub >> j & 1) val = (val & ~mem_.parts[L[k + j]].mask) | mem_.parts[L[k + j]].value;
          bool whole = sub == (1ull << n) - 1;
          s.push_back({val, pos, whole ? -1 : pos, mem_.parts[L[k]].event, !whole,
                       mem_.parts[L[k]].zeroing});
        }
        // Keep the whole store's state last.
        k = e;
      }
    }
    s.back().until = -1;
    for (auto &c : s)
      if (c.until < 0) c.until = c.torn ? c.pos : 1 << 30;
    return s;
  }

  std::vector<Candidate> read_cacheable(uint64_t a, const View &v, int maxP, int start_instant) {
    std::vector<Candidate> out;
    std::vector<CpuState> states = cpu_states(a);
    int g = model_.writeback_atomicity_bits == 0 ? 64 : model_.writeback_atomicity_bits;
    int ngran = 64 / g;
    uint64_t gmask = g == 64 ? ~0ull : (1ull << g) - 1;
    // Per granule and distinct bits: the states holding them. A state j is at
    // PoC at instant P iff P > pos_j and no clean in [until_j, P) pushed a newer one.
    auto valid = [&](size_t j, int P) {
      return P >= states[j].pos + 1 && !mem_.clean_between(a, states[j].until, P);
    };
    std::vector<std::vector<std::vector<size_t>>> per(ngran);
    for (int k = 0; k < ngran; ++k) {
      // Fresh bytes stay apart from any store's equal bits: they take any value.
      std::map<std::pair<uint64_t, bool>, std::vector<size_t>> seen;
      for (size_t j = 0; j < states.size(); ++j) {
        int P = std::max(v.P, states[j].pos + 1);
        if (P > maxP || !valid(j, P)) continue;
        seen[{(states[j].value >> (k * g)) & gmask, states[j].event < 0}].push_back(j);
      }
      for (auto &[bits, js] : seen) per[k].push_back(js);
    }
    std::vector<size_t> pick(ngran), choice(ngran);
    std::function<void(int)> rec = [&](int k) {
      if (k == ngran) {
        // The smallest instant at which every granule holds its chosen bits.
        std::vector<int> instants{v.P};
        for (int q = 0; q < ngran; ++q)
          for (size_t j : per[q][pick[q]]) instants.push_back(std::max(v.P, states[j].pos + 1));
        std::sort(instants.begin(), instants.end());
        int P = -1;
        for (int at : instants) {
          if (at > maxP) break;
          bool all = true;
          for (int q = 0; q < ngran && all; ++q) {
            all = false;
            for (size_t j : per[q][pick[q]])
              if (valid(j, at)) {
                choice[q] = j;
                all = true;
                break;
              }
          }
          if (all) {
            P = at;
            break;
          }
        }
        if (P < 0) return;
        Candidate c;
        c.view.P = P;
        std::set<std::pair<int, int>> srcs;
        uint64_t from_initial = 0;
        for (int q = 0; q < ngran; ++q) {
          const CpuState &s = states[choice[q]];
          c.value |= ((s.value >> (q * g)) & gmask) << (q * g);
          if (s.event < 0) from_initial |= gmask << (q * g);
          srcs.insert({s.event, s.zeroing ? 2 : s.torn ? 1 : 0});
          // Overwritten on the CPU before the walk began, and still at PoC: stale.
          if (s.until < start_instant) c.stale = true;
        }
        static const char *what[] = {"store", "part of a plain store (torn)", "zeroing at alloc"};
        for (auto [ev, k] : srcs)
          if (ev < 0) add_initial_source(c, a, from_initial, " at PoC");
          else c.sources.push_back({ev, std::string(what[k]) + ", at PoC by a write-back or clean"});
        out.push_back(std::move(c));
        return;
      }
      for (size_t i = 0; i < per[k].size(); ++i) {
        pick[k] = i;
        rec(k + 1);
      }
    };
    rec(0);
    return out;
  }

  const Memory &mem_;
  const models::Model &model_;
  const PtSemantics &sem_;
  bool cacheable_;
};

}  // namespace

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

namespace {

// When the entries a read puts in a TLB, walk cache or configuration cache
// stop being usable: the first covering invalidation issued at or after the
// read, once its CMD_SYNC completes.
class Caches {
 public:
  Caches(const Memory &mem, const PtSemantics &sem) : mem_(mem), sem_(sem) {}

  bool modelled() const { return mem_.geom.tlbi_recorded; }

  // {instant from which the entry is gone, the invalidating command}, or {kNever, -1}.
  std::pair<int, int> expiry(const TlbEntry &e, int P) const {
    for (const Invalidation &t : mem_.tlbis)
      if (t.pos >= P && t.done != kNever && t.scope.status == TlbiStatus::Legal &&
          invalidates(t.scope, e))
        return {t.done + 1, t.pos};
    return {kNever, -1};
  }
  // Invalidations issued after P whose addresses and tags take in e but which
  // do not remove it, with the reason: what a reader needs to see why it stayed.
  std::vector<std::pair<int, std::string>> near_misses(const TlbEntry &e, int P) const {
    std::vector<std::pair<int, std::string>> out;
    for (const Invalidation &t : mem_.tlbis) {
      if (t.pos < P) continue;
      const TlbiScope &s = t.scope;
      std::string why;
      if (s.status != TlbiStatus::Legal) why = std::string(to_string(s.status)) + ": " + s.reason;
      else if (invalidates(s, e)) why = t.done == kNever ? "no CMD_SYNC completes it" : "";
      else {
        bool stage = e.stage == 2 ? s.stage2 : s.stage1;
        bool tags = stage && (!s.vmid || *s.vmid == e.vmid) && (e.stage == 2 || !s.asid || *s.asid == e.asid);
        bool overlaps = !s.by_address || (s.first < e.base + e.size && s.last >= e.base);
        if (!tags || !overlaps) continue;
        if (s.leaf_only && !e.leaf) why = "leaf-only: a cached table descriptor may stay";
        else if (s.ttl && e.leaf && s.ttl != e.level)
          why = "TTL=" + std::to_string(s.ttl) + " names level " + std::to_string(s.ttl) +
                " leaves; this entry is at level " + std::to_string(e.level);
        else if (s.granule && s.granule != e.granule) why = "its granule differs from the table's";
        else why = "not guaranteed by the architecture";
      }
      if (!why.empty()) out.push_back({t.pos, describe(s) + ": " + why});
    }
    return out;
  }
  bool ats() const { return modelled() && !mem_.geom.ats_sids.empty(); }
  // The ATC entry of SID sid for the leaf read at `level`: the SMMU answers a
  // Translation Request with at most that leaf's span.
  AtcEntry atc_entry(uint64_t iova, int level, uint32_t sid) const {
    const WalkGeom &g = mem_.geom;
    AtcEntry e;
    e.sid = sid;
    e.ssv = g.ats_ssv;
    e.ssid = g.ats_ssid;
    e.size = sem_.block_size(g, level);
    e.base = iova & ~(e.size - 1);
    // Linux sets the STU to the SMMU's smallest page size; in these runs, the granule.
    e.stu = 8ull << g.bits_per_level;
    return e;
  }
  // {instant from which e is gone, the ATC_INV}: the first covering one issued
  // at or after `fill`, once its CMD_SYNC completes; {kNever, -1} if none.
  std::pair<int, int> atc_expiry(const AtcEntry &e, int fill) const {
    for (const AtcInvalidation &a : mem_.atcs)
      if (a.pos >= fill && a.done != kNever && invalidates(a.scope, e)) return {a.done + 1, a.pos};
    return {kNever, -1};
  }
  // ATC_INVs issued at or after `from` (the walk's end) that did not remove e
  // filled at `fill`, with why. One that covers e but was issued before the
  // fill is the ordering error: the device refilled from the SMMU's TLB.
  std::vector<std::pair<int, std::string>> atc_misses(const AtcEntry &e, int from, int fill,
                                                      int tlb_by, int tlb_done) const {
    std::vector<std::pair<int, std::string>> out;
    bool names_sid = false;
    for (const AtcInvalidation &a : mem_.atcs)
      names_sid |= a.pos >= from && a.scope.status == AtcStatus::Legal && a.scope.sid == e.sid;
    for (const AtcInvalidation &a : mem_.atcs) {
      if (a.pos < from) continue;
      std::string why = why_not(a.scope, e);
      if (why.empty() && a.pos < fill)
        why = tlb_by >= 0 ? "issued before the " + std::string(tlbi_name(tlb_by)) + " at event " +
                                std::to_string(tlb_by + 1) + " completed (CMD_SYNC at event " +
                                std::to_string(tlb_done + 1) +
                                "): the device refilled its ATC from the SMMU's TLB after it"
                          : "issued while the SMMU's TLB still held the translation";
      else if (why.empty() && a.done == kNever) why = "no CMD_SYNC completes it";
      else if (!why.empty() && a.scope.status == AtcStatus::Legal && a.scope.sid != e.sid && names_sid) continue;
      if (!why.empty()) out.push_back({a.pos, describe(a.scope) + ": " + why});
    }
    return out;
  }
  const char *tlbi_name(int pos) const {
    for (const Invalidation &t : mem_.tlbis)
      if (t.pos == pos) return t.scope.name;
    return "invalidation";
  }
  int done_of(int pos) const {
    for (const Invalidation &t : mem_.tlbis)
      if (t.pos == pos) return t.done;
    return -1;
  }
  std::pair<int, int> config_expiry(int P) const {
    for (const Invalidation &c : mem_.cfgis)
      if (c.pos >= P && c.done != kNever) return {c.done + 1, c.pos};
    return {kNever, -1};
  }
  // The entry a descriptor read at `level` for `iova` caches (r: the decode result).
  TlbEntry entry(uint64_t iova, int level, int r, uint64_t pte) const {
    const WalkGeom &g = mem_.geom;
    TlbEntry e;
    e.stage = g.stage;
    e.asid = static_cast<uint16_t>(g.asid);
    e.vmid = static_cast<uint16_t>(g.vmid);
    e.size = sem_.block_size ? sem_.block_size(g, level) : 0;
    e.base = e.size ? iova & ~(e.size - 1) : iova;
    e.level = level;
    e.leaf = r > 0;
    // Stage-1 nG is bit 11 of a leaf (DDI 0487 D8.3); io-pgtable-arm sets it for S1.
    e.global = g.stage == 1 && r > 0 && !(pte >> 11 & 1);
    e.granule = 8ull << g.bits_per_level;
    return e;
  }

 private:
  const Memory &mem_;
  const PtSemantics &sem_;
};

}  // namespace

PtVerdict check_pt_trace(const harness::Trace &trace, const models::Model &model,
                         const PtSemantics &sem) {
  auto t0 = std::chrono::steady_clock::now();
  PtVerdict verdict;
  verdict.reason = unsupported_parameters(model);
  if (!verdict.reason.empty()) {
    verdict.outcome = Outcome::Unknown;
    return verdict;
  }
  Memory mem = build_memory(trace, model);
  if (mem.ctx.empty() || !sem.index || !sem.decode) {
    verdict.outcome = Outcome::Unknown;
    verdict.reason = mem.ctx.empty() ? "the run has no walk context (kshim_walk_context)"
                                     : "no io-pgtable-arm decoding from the slice";
    return verdict;
  }
  const int nops = static_cast<int>(mem.ctx.size()) - 1;  // stable states 0..nops
  const int endP = mem.ctx.back() + 1;
  verdict.iovas = mem.iovas.size();
  verdict.ops = static_cast<size_t>(nops);
  if (mem.geom.coherent_walk && model.coherency == models::Coherency::Cacheable)
    verdict.notes.push_back(
        "coherent_walk=true: the tables get no CMOs because io-pgtable-arm was told the walker is "
        "coherent; a non-coherent walker is not what the driver would configure");
  Caches caches(mem, sem);
  verdict.tlb = caches.modelled();
  if (verdict.tlb && !sem.block_size) {
    verdict.outcome = Outcome::Unknown;
    verdict.reason = "the run records its TLBIs but the slice has no kshim_lpae_block_size";
    return verdict;
  }
  if (!verdict.tlb)
    verdict.notes.push_back(
        "the run's invalidations are not recorded as commands (walk context tlbi_recorded=0): each "
        "operation boundary stands for the caller's TLBI + CMD_SYNC of everything (no TLB or walk "
        "cache modelled)");
  verdict.atc = caches.ats();
  for (const AtcInvalidation &a : mem.atcs)
    if (a.scope.status != AtcStatus::Legal)
      verdict.notes.push_back("event " + std::to_string(a.pos + 1) + ": " + describe(a.scope) + " is " +
                              to_string(a.scope.status) + " (" + a.scope.reason + "): it invalidates nothing");
  for (const Invalidation &t : mem.tlbis)
    if (t.scope.status != TlbiStatus::Legal)
      verdict.notes.push_back("event " + std::to_string(t.pos + 1) + ": " + describe(t.scope) + " is " +
                              to_string(t.scope.status) + " (" + t.scope.reason + "): it invalidates nothing");
  Walker w(mem, model, sem);
  // Stable state k: the CPU's tables at instant ctx[k] + 1.
  auto op_of = [&](int P) {
    int k = 0;
    while (k < nops && P > mem.ctx[k + 1]) ++k;
    return P >= endP ? nops : k;
  };
  bool found = false;
  std::vector<PtRead> reads;  // the walk in progress
  std::set<std::pair<int, uint64_t>> warned;
  // A walk that follows a pointer to `out.out`, outside every table: warn at
  // the event that wrote the pointer (a store, else the range's registration;
  // the walk context for the root itself).
  auto wild_pointer = [&](uint64_t iova, const WalkOutcome &out) {
    const uint64_t table = out.out - 8 * sem.index(mem.geom, iova, out.level);
    int event = mem.ctx.front();
    std::string what = "the walk's root table (TTBR)";
    if (!reads.empty()) {
      const PtRead &r = reads.back();
      what = r.level < 0 ? "the STE/CD table pointer " + hex(r.value)
                         : "the level " + std::to_string(r.level) + " descriptor " + hex(r.value);
      event = -1;
      for (const PtSource &src : r.sources)
        if (src.trace_index >= 0 && trace.events[src.trace_index].kind == EventKind::Store) event = src.trace_index;
      if (event < 0)
        if (const Range *rg = mem.range(r.address)) event = rg->event;
    }
    if (!warned.insert({event, table}).second) return;
    verdict.warnings.push_back({event, what + " (IOVA " + hex(iova) +
                                           "): expected a pointer to a table of the run, found one to " + hex(table) +
                                           ", outside every table; the walks through it are not checked"});
  };
  for (uint64_t iova : mem.iovas) {
    std::vector<WalkOutcome> stable;
    for (int k = 0; k <= nops; ++k) stable.push_back(w.stable(iova, mem.ctx[k] + 1));
    // Walks starting during operation o (o == nops: after the last one, publication).
    for (int o = 0; o <= nops && !found; ++o) {
      const bool publication = o == nops;
      const int startP = mem.ctx[o] + 1;
      View v0;
      v0.P = startP;
      v0.prefix = 0;
      reads.clear();
      auto finish = [&](WalkOutcome out, int lastP) {
        ++w.walks;
        int first = o, last = publication ? nops : std::min(op_of(lastP), nops);
        // ATS: the SMMU may answer the device's Translation Request from the
        // TLB entry of this walk's leaf at any instant until it is removed (a
        // TLB lookup needs no walk-cache entry); the device's ATC then keeps
        // the translation until a covering ATC_INV issued after that fill
        // completes. The latest fill keeps it longest, so it is the one taken.
        // A leaf read through a walk-cache entry whose invalidation was
        // already issued goes with that entry: the invalidation's completion
        // leaves no entry derived from it (the walk in flight restarts).
        std::optional<PtAtc> atc;
        if (caches.ats() && out.kind == WalkOutcome::Kind::Translate && !reads.empty() && reads.back().level >= 0) {
          PtAtc a;
          const PtRead &leaf = reads.back();
          int life = leaf.expires == -1 ? kNever : leaf.expires;
          a.tlb_expired_by = leaf.expired_by;
          for (const PtRead &r : reads)
            if (r.level >= 0 && r.expires != -1 && r.expired_by >= 0 && r.expired_by < leaf.instant &&
                r.expires < life) {
              life = r.expires;
              a.tlb_expired_by = r.expired_by;
            }
          a.fill = life == kNever ? kNever : life - 1;
          if (life == kNever) a.tlb_expired_by = -1;
          for (uint32_t sid : mem.geom.ats_sids) {
            auto [exp, by] = caches.atc_expiry(caches.atc_entry(iova, reads.back().level, sid), a.fill);
            if (!atc || exp > (atc->expires < 0 ? kNever : atc->expires)) {
              a.sid = sid;
              a.expires = exp == kNever ? -1 : exp;
              a.expired_by = by;
              atc = a;
            }
          }
        }
        // Cached entries carry the walk across a boundary when every entry read
        // before it was still valid there: the device may use them right after it.
        // TLB and walk-cache entries are tagged by ASID/VMID, not by the table
        // pointer, so a re-fetched STE/CD does not retire them (level -1 skipped).
        // So does the device's ATC entry, once the walk has completed.
        bool by_atc = false;
        if (verdict.tlb)
          for (int k = o + 1; k <= nops; ++k) {
            bool alive = !reads.empty() && reads.front().instant <= mem.ctx[k];
            for (const PtRead &r : reads)
              if (r.level >= 0 && r.instant <= mem.ctx[k] && r.expires != -1 && r.expires <= mem.ctx[k] + 1)
                alive = false;
            const bool in_atc = atc && lastP <= mem.ctx[k] && (atc->expires < 0 || atc->expires > mem.ctx[k] + 1);
            if (!alive && !in_atc) break;
            first = k;
            by_atc = !alive;
          }
        // The cached result is used right after every boundary it survives past
        // its last read: each must give that boundary's stable state.
        for (int k = std::max(o + 1, last + 1); k < first; ++k)
          if (!(out == stable[k])) {
            first = k;
            // The TLB and the ATC lose entries only once: alive at k' > k means alive at k.
            bool alive = true;
            for (const PtRead &r : reads)
              if (r.level >= 0 && r.instant <= mem.ctx[k] && r.expires != -1 && r.expires <= mem.ctx[k] + 1)
                alive = false;
            by_atc = !alive;
            break;
          }
        auto allowed_from = [&](int from) {
          std::vector<WalkOutcome> a;
          if (publication) a.push_back(stable[nops]);
          else if (from > last) a.push_back(stable[from]);  // the whole result was cached
          else
            for (int k = from; k <= std::min(last + 1, nops); ++k) a.push_back(stable[k]);
          return a;
        };
        auto matches = [&](const std::vector<WalkOutcome> &a) { return std::find(a.begin(), a.end(), out) != a.end(); };
        std::vector<WalkOutcome> allowed = allowed_from(first);
        // Outside every table as the stable states are too: nothing to compare
        // what the walker finds there with. Not a pass.
        if (out.kind == WalkOutcome::Kind::Wild && out.freed_at < 0 && matches(allowed)) {
          wild_pointer(iova, out);
          return;
        }
        if (matches(allowed)) return;
        // The plainest cause: a walk already wrong while it ran is torn or
        // misordered; one only wrong after a boundary its caches survived is stale.
        if (first > o && !matches(allowed_from(o))) {
          first = o;
          allowed = allowed_from(o);
          by_atc = false;
        }
        found = true;
        bool torn = false, stale = first > o;
        for (const PtRead &r : reads) {
          torn |= r.torn;
          stale |= r.stale;
        }
        verdict.outcome = Outcome::Violation;
        verdict.kind = torn ? ViolationKind::Torn
                       : (stale || publication) ? ViolationKind::Stale
                                                : ViolationKind::Misordered;
        PtWitness &wt = verdict.witness;
        wt.iova = iova;
        if (by_atc) {
          PtAtc &a = *atc;
          a.not_invalidated_by = caches.atc_misses(caches.atc_entry(iova, reads.back().level, a.sid), lastP,
                                                   a.fill, a.tlb_expired_by,
                                                   a.tlb_expired_by >= 0 ? caches.done_of(a.tlb_expired_by) : -1);
          wt.atc = a;
        }
        // The TLB entries of a walk the ATC kept were removed: nothing to explain there.
        if (verdict.tlb && !by_atc)
          for (PtRead &r : reads) {
            uint64_t addr = 0, attrs = 0;
            int d = r.level < 0 ? -1 : sem.decode(mem.geom, iova, r.level, r.value, &addr, &attrs);
            if (r.level >= 0 && d >= 0 && !(d == 0 && r.level == 3))
              r.not_invalidated_by = caches.near_misses(caches.entry(iova, r.level, d, r.value), r.instant);
          }
        wt.first_op = static_cast<size_t>(o);
        wt.last_op = static_cast<size_t>(std::max(last, first));
        wt.cached_through = static_cast<size_t>(first);
        wt.publication = publication;
        wt.reads = reads;
        wt.outcome = out;
        wt.allowed = allowed;
        verdict.reason = "a walk of IOVA " + hex(iova) + " gives " + describe(out) + "; " +
                         (publication ? "after the last operation the target is "
                          : by_atc ? "its translation was still in the device's ATC (SID " +
                                         hex(atc->sid) + ") after operation " + std::to_string(first) +
                                         ", where the tables give "
                          : first > o ? "its cached entries were still valid after operation " +
                                            std::to_string(first) + ", where the tables give "
                                      : "the stable states it overlaps give ");
        for (size_t i = 0; i < allowed.size(); ++i)
          verdict.reason += (i ? " or " : "") + describe(allowed[i]);
      };
      // Every value a read of `a` can return (smallest instant first), and for
      // a cacheable entry the same value read just after each invalidation that
      // would otherwise drop it: a refill the invalidation does not cover.
      auto reads_of = [&](uint64_t a, const View &from, int maxP, int level, auto &&entry_of) {
        std::vector<std::pair<Candidate, std::pair<int, int>>> out;
        std::vector<Candidate> work = w.read(a, from, maxP, startP, iova, level);
        for (size_t i = 0; i < work.size(); ++i) {
          Candidate c = work[i];
          std::pair<int, int> exp{-1, -1};
          if (verdict.tlb) {
            std::optional<std::pair<int, int>> e = entry_of(c.value, c.view.P);
            if (e) exp = *e;
            if (e && e->first != kNever && e->second + 1 <= maxP && out.size() + work.size() < 64) {
              View later = from;
              later.P = std::max(from.P, e->second + 1);
              for (Candidate &r : w.read(a, later, maxP, startP, iova, level))
                if (r.value == c.value && r.view.P > c.view.P) work.push_back(std::move(r));
            }
          }
          out.push_back({std::move(c), exp});
        }
        return out;
      };
      // limit: reads must happen before this instant (an in-flight walk whose
      // cached entries were invalidated has restarted).
      std::function<void(int, uint64_t, const View &, int)> walk = [&](int l, uint64_t table,
                                                                       const View &v, int limit) {
        if (found || !w.unsupported.empty()) return;
        uint64_t idx = sem.index(mem.geom, iova, l);
        uint64_t a = table + 8 * idx;
        const Range *range = mem.table_range(a);
        if (!range) return finish({WalkOutcome::Kind::Wild, a, 0, l}, v.P);
        const bool first_read = reads.empty();
        int maxP = publication ? endP : (first_read ? mem.ctx[o + 1] : endP);
        maxP = std::min(maxP, limit - 1);
        View from = v;
        if (publication) from.P = endP;
        if (from.P > maxP) return;
        // A page freed before the read may already hold somebody else's data.
        if (range->freed_at != kNever && std::max(from.P, range->freed_at + 1) <= maxP) {
          WalkOutcome wild{WalkOutcome::Kind::Wild, a, 0, l};
          wild.freed_at = range->freed_at;
          reads.push_back({l, table, a, idx, 0, std::max(from.P, range->freed_at + 1),
                           {{range->freed_at, "a freed table page"}}, false, true});
          finish(wild, reads.back().instant);
          reads.pop_back();
          if (found) return;
        }
        std::set<uint64_t> whole = mem.whole_values(a);
        auto entry_of = [&](uint64_t value, int P) -> std::optional<std::pair<int, int>> {
          uint64_t addr = 0, attrs = 0;
          int r = sem.decode(mem.geom, iova, l, value, &addr, &attrs);
          if (r < 0 || (r == 0 && l == 3)) return std::nullopt;  // invalid: never cached
          return caches.expiry(caches.entry(iova, l, r, value), P);
        };
        for (auto &[c, exp] : reads_of(a, from, maxP, l, entry_of)) {
          uint64_t addr = 0, attrs = 0;
          int r = sem.decode(mem.geom, iova, l, c.value, &addr, &attrs);
          bool t = !whole.count(c.recorded);
          PtRead rd{l, table, a, idx, c.value, c.view.P, c.sources, t, c.stale};
          rd.expires = r < 0 || (r == 0 && l == 3) ? c.view.P : exp.first == kNever ? -1 : exp.first;
          rd.expired_by = exp.second;
          reads.push_back(rd);
          if (r < 0) finish({WalkOutcome::Kind::Fault, 0, 0, l}, c.view.P);
          else if (r > 0) finish({WalkOutcome::Kind::Translate, addr, attrs, l}, c.view.P);
          else if (l == 3) finish({WalkOutcome::Kind::Fault, 0, 0, l}, c.view.P);
          else walk(l + 1, addr, c.view, exp.first < 0 ? limit : std::min(limit, exp.first));
          reads.pop_back();
          if (found) return;
        }
      };
      if (!mem.geom.root_desc) {
        walk(mem.geom.start_level, mem.geom.root, v0, kNever);
        continue;
      }
      // The walk starts at the STE/CD qword holding the table pointer (a
      // configuration read, cached until a CFGI + CMD_SYNC).
      const uint64_t a = mem.geom.root_desc;
      View from = v0;
      if (publication) from.P = endP;
      int maxP = publication ? endP : mem.ctx[o + 1];
      auto cfg_of = [&](uint64_t, int P) -> std::optional<std::pair<int, int>> {
        return caches.config_expiry(P);
      };
      std::set<uint64_t> whole = mem.whole_values(a);
      for (auto &[c, exp] : reads_of(a, from, maxP, -1, cfg_of)) {
        PtRead rd{-1, a & ~63ull, a, (a & 63) / 8, c.value, c.view.P, c.sources, !whole.count(c.recorded), c.stale};
        rd.expires = exp.first == kNever ? -1 : exp.first;
        rd.expired_by = exp.second;
        reads.push_back(rd);
        walk(mem.geom.start_level, c.value & mem.geom.root_mask, c.view,
             exp.first < 0 ? kNever : exp.first);
        reads.pop_back();
        if (found) break;
      }
    }
    if (found || !w.unsupported.empty()) break;
  }
  verdict.walks = w.walks;
  if (!found && !w.unsupported.empty()) {
    verdict.outcome = Outcome::Unknown;
    verdict.reason = w.unsupported;
  } else if (!found && !verdict.warnings.empty()) {
    verdict.outcome = Outcome::Unknown;
    verdict.reason = "a walk follows a table pointer outside every table of the run: what it reads there is "
                     "unknown (" + std::to_string(verdict.warnings.size()) + " warning" +
                     (verdict.warnings.size() == 1 ? "" : "s") + ")";
  }
  if (!found && verdict.outcome == Outcome::Pass)
    verdict.reason = std::to_string(w.walks) + " walks of " + std::to_string(mem.iovas.size()) +
                     " IOVAs over " + std::to_string(nops) + " operations" +
                     (verdict.tlb ? ", with TLB and walk caches (" + std::to_string(mem.tlbis.size()) + " TLBIs)"
                                  : "") +
                     (verdict.atc ? " and the device's ATC (" + std::to_string(mem.atcs.size()) + " ATC_INVs)" : "");
  verdict.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return verdict;
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

void print_pt_witness(std::ostream &out, const harness::Trace &t, const PtVerdict &v) {
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
      out << "    config   read " << hex(r.address) << " (STE/CD qword " << r.index << ", the table pointer)";
    else
      out << "    level " << r.level << "  read " << hex(r.address) << " (table " << hex(r.table) << "["
          << r.index << "])";
    out << " after event " << r.instant << "  = " << hex(r.value) << (r.torn ? "  TORN" : "")
        << (r.stale ? "  STALE" : "") << "\n";
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
