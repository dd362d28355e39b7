// The C++ side of kshim_hooks.h. It performs each memory effect exactly as the
// kernel asked and records it; judging is the checker's business.
#include "recorder.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

#include "kernel_arena.h"
#include "kshim_hooks.h"

namespace smmu::harness {
namespace {

Trace *g_trace = nullptr;
LiveFaults g_faults;  // of the current scope
int g_syncs = 0;      // writer syncs the current scope has seen
bool g_seeded = false;
std::vector<int> g_update_registered;  // per open update: desc it registered, or -1

// Allocations not yet registered, by address: one is reported as fresh
// memory (an Alloc event) when it becomes descriptor memory, whatever was
// allocated in between; only memory the SMMU can fetch is an event.
struct FreshAlloc {
  uint64_t size = 0;
  bool zeroed = false;
  SourceLoc where;
};
std::map<uint64_t, FreshAlloc> g_fresh;
struct Allocation {
  uint64_t size = 0;
  bool in_arena = false;  // else from the C heap (the arena was full)
};
std::map<uint64_t, Allocation> g_allocations;  // by address

uint64_t addr_of(const volatile void *p) { return reinterpret_cast<uint64_t>(p); }

SourceLoc loc(const char *file, int line) { return SourceLoc{file ? file : "?", line}; }

uint64_t read_unit(const volatile void *p, unsigned size) {
  switch (size) {
    case 1: return *static_cast<const volatile uint8_t *>(p);
    case 2: return *static_cast<const volatile uint16_t *>(p);
    case 4: return *static_cast<const volatile uint32_t *>(p);
    case 8: return *static_cast<const volatile uint64_t *>(p);
  }
  std::fprintf(stderr, "smmu-check: kernel code accessed %u bytes at once; only 1, 2, 4, 8 are supported\n", size);
  std::abort();
}

void write_unit(volatile void *p, uint64_t v, unsigned size) {
  switch (size) {
    case 1: *static_cast<volatile uint8_t *>(p) = static_cast<uint8_t>(v); return;
    case 2: *static_cast<volatile uint16_t *>(p) = static_cast<uint16_t>(v); return;
    case 4: *static_cast<volatile uint32_t *>(p) = static_cast<uint32_t>(v); return;
    case 8: *static_cast<volatile uint64_t *>(p) = v; return;
  }
  read_unit(p, size);  // reports and aborts
}

EventObserver g_observer = nullptr;

Event &push(EventKind kind, const char *file, int line) {
  Event &e = g_trace->events.emplace_back();
  e.kind = kind;
  e.loc = loc(file, line);
  if (g_observer) g_observer(*g_trace, e);
  return e;
}

// Records a store if it lands in a registered descriptor range.
void record_store(const volatile void *p, uint64_t old_value, uint64_t value, unsigned size,
                  StoreKind kind, const char *file, int line) {
  if (!g_trace) return;
  auto desc = g_trace->find_desc(addr_of(p), size);
  if (!desc) return;
  Event &e = push(EventKind::Store, file, line);
  e.desc = *desc;
  e.addr = addr_of(p);
  e.offset = e.addr - g_trace->descs[*desc].base;
  e.size = size;
  e.value = value;
  e.old_value = old_value;
  e.store = kind;
}

std::vector<uint64_t> qwords_at(const volatile void *p, unsigned n) {
  std::vector<uint64_t> out(n);
  for (unsigned i = 0; i < n; ++i) out[i] = static_cast<const volatile uint64_t *>(p)[i];
  return out;
}

// What kshim_alloc leaves in memory nobody wrote: somebody's old bytes. 0xA5
// has bit 0 set, so an unzeroed page looks full of valid-ish descriptors to
// kernel code; the checker never relies on how these bytes decode.
constexpr unsigned char kOldByte = 0xA5;

// The fresh allocation a range registered at p is, if nothing wrote it since:
// its bytes are still the allocator's (zeros, or the old bytes).
std::optional<FreshAlloc> take_fresh(const volatile void *p, uint64_t size) {
  auto it = g_fresh.find(addr_of(p));
  if (it == g_fresh.end() || size > it->second.size) return std::nullopt;
  FreshAlloc a = it->second;
  g_fresh.erase(it);  // reported once: a later registration of it is not fresh
  const unsigned char fill = a.zeroed ? 0 : kOldByte;
  const volatile unsigned char *b = static_cast<const volatile unsigned char *>(p);
  for (uint64_t i = 0; i < size; ++i)
    if (b[i] != fill) return std::nullopt;
  return a;
}

}  // namespace

RecordingScope::RecordingScope(Trace &trace, const LiveFaults &faults) : previous_(g_trace), previous_faults_(g_faults) {
  g_trace = &trace;
  g_faults = faults;
  g_syncs = 0;
  g_seeded = false;
}
bool RecordingScope::seeded() const { return g_faults.drop_sync == 0 || g_seeded; }
RecordingScope::~RecordingScope() {
  g_trace = previous_;
  g_faults = previous_faults_;
  g_update_registered.clear();
  g_fresh.clear();  // an allocation is only reported within the run that made it
}

void set_event_observer(EventObserver observer) { g_observer = observer; }

void release_kernel_allocations() {
  for (auto &[addr, where] : g_allocations)
    if (!where.in_arena) std::free(reinterpret_cast<void *>(addr));
  g_allocations.clear();
  g_fresh.clear();
  arena_reset();
}

}  // namespace smmu::harness

using namespace smmu::harness;

extern "C" {

void kshim_store(volatile void *p, kshim_u64 value, unsigned size, int kind, const char *file,
                 int line) {
  uint64_t old_value = read_unit(p, size);
  write_unit(p, value, size);
  record_store(p, old_value, value, size, kind == KSHIM_STORE_PLAIN ? StoreKind::Plain
                                          : kind == KSHIM_STORE_RMW ? StoreKind::Rmw
                                                                    : StoreKind::Once,
               file, line);
}

kshim_u64 kshim_load(const volatile void *p, unsigned size, const char *, int) {
  return read_unit(p, size);
}

kshim_u64 kshim_cmpxchg(volatile void *p, kshim_u64 expected, kshim_u64 new_value, unsigned size,
                        const char *file, int line) {
  uint64_t old_value = read_unit(p, size);
  if (old_value == expected) {
    write_unit(p, new_value, size);
    record_store(p, old_value, new_value, size, StoreKind::Rmw, file, line);
  }
  return old_value;
}

kshim_u64 kshim_rmw(volatile void *p, kshim_u64 clear, kshim_u64 set, unsigned size,
                    const char *file, int line) {
  uint64_t old_value = read_unit(p, size);
  uint64_t new_value = (old_value & ~clear) | set;
  write_unit(p, new_value, size);
  if (new_value != old_value) record_store(p, old_value, new_value, size, StoreKind::Rmw, file, line);
  return old_value;
}

void kshim_barrier(int kind, const char *file, int line) {
  if (!g_trace) return;
  push(EventKind::Barrier, file, line).barrier = static_cast<BarrierKind>(kind);
}

void kshim_cmo(const volatile void *p, kshim_size size, int kind, const char *file, int line) {
  if (!g_trace) return;
  Event &e = push(EventKind::Cmo, file, line);
  e.addr = addr_of(p);
  e.size = size;
  e.cmo = static_cast<CmoKind>(kind);
  if (auto desc = g_trace->find_desc(e.addr, 1)) {
    e.desc = *desc;
    e.offset = e.addr - g_trace->descs[*desc].base;
  }
}

void *kshim_alloc(kshim_size size, kshim_size align, int zero, const char *file, int line) {
  if (align < 16) align = 16;
  size_t rounded = (size + align - 1) / align * align;
  bool in_arena = true;
  void *p = arena_alloc(rounded ? rounded : align, align);
  if (!p) {
    in_arena = false;
    p = std::aligned_alloc(align, rounded ? rounded : align);
  }
  if (!p) return nullptr;
  std::memset(p, zero ? 0 : kOldByte, rounded);
  g_allocations[addr_of(p)] = {rounded, in_arena};
  g_fresh[addr_of(p)] = {size, zero != 0, loc(file, line)};
  return p;
}

void kshim_free(const void *p, const char *file, int line) {
  if (!p) return;
  auto it = g_allocations.find(addr_of(p));
  if (it == g_allocations.end()) return;  // not ours (static or stack memory)
  g_fresh.erase(it->first);
  if (g_trace) {
    bool fetchable = false;
    for (auto &d : g_trace->descs)
      if (d.live && d.base >= it->first && d.base < it->first + it->second.size) {
        d.live = false;
        fetchable = true;
      }
    if (fetchable) {
      Event &e = push(EventKind::Free, file, line);
      e.addr = it->first;
      e.size = it->second.size;
    }
  }
  // Arena memory is not reused within a run: a freed table keeps its bytes,
  // as a page nobody has reallocated yet would.
  if (!it->second.in_arena) std::free(const_cast<void *>(p));
  g_allocations.erase(it);
}

kshim_size kshim_alloc_size(const volatile void *p) {
  auto it = g_allocations.find(addr_of(p));
  return it == g_allocations.end() ? 0 : it->second.size;
}

void kshim_cmdq_issue(const kshim_u64 *cmds, int n, int sync, const kshim_u64 *sync_cmd,
                      const char *file, int line) {
  if (!g_trace) return;
  for (int i = 0; i < n; ++i) {
    Event &e = push(EventKind::Command, file, line);
    e.cmd = {cmds[2 * i], cmds[2 * i + 1]};
  }
  if (sync) {
    Event &e = push(EventKind::Command, file, line);
    e.cmd = {sync_cmd[0], sync_cmd[1]};
  }
}

void kshim_desc_register(const volatile void *p, kshim_size size, int kind, const char *name) {
  if (!g_trace) return;
  DescRange d;
  d.name = name ? name : "desc#";
  if (!d.name.empty() && d.name.back() == '#') {  // "table#" -> table0, table1, ...
    d.name.pop_back();
    int n = 0;
    for (const auto &o : g_trace->descs) n += o.name.rfind(d.name, 0) == 0;
    d.name += std::to_string(n);
  }
  d.kind = static_cast<DescKind>(kind);
  d.base = addr_of(p);
  d.size = size;
  g_trace->descs.push_back(d);
  std::optional<FreshAlloc> fresh = take_fresh(p, size);
  Event &e = fresh ? push(EventKind::Alloc, "", 0) : push(EventKind::DescRegister, "", 0);
  if (fresh) {
    e.loc = fresh->where;
    e.zeroed = fresh->zeroed;
  }
  e.desc = static_cast<int>(g_trace->descs.size()) - 1;
  e.addr = d.base;
  e.size = size;
  e.before = qwords_at(p, static_cast<unsigned>(size / 8));
}

void kshim_desc_unregister(const volatile void *p) {
  if (!g_trace) return;
  for (auto &d : g_trace->descs)
    if (d.live && d.base == addr_of(p)) d.live = false;
}

void kshim_update_begin(int desc_kind, const volatile void *entry, const kshim_u64 *target,
                        unsigned nqwords, const char *file, int line) {
  if (!g_trace) return;
  auto desc = g_trace->find_desc(addr_of(entry), nqwords * 8ull);
  // An entry not inside registered memory (a KUnit stack copy) is fetchable for the update.
  g_update_registered.push_back(-1);
  if (!desc) {
    const char *kind = desc_kind == KSHIM_DESC_CD ? "cd#" : "ste#";
    kshim_desc_register(entry, nqwords * 8ull, desc_kind, kind);
    desc = static_cast<int>(g_trace->descs.size()) - 1;
    g_update_registered.back() = *desc;
  }
  Event &e = push(EventKind::UpdateBegin, file, line);
  e.desc = desc ? *desc : -1;
  e.addr = addr_of(entry);
  e.size = nqwords * 8ull;
  e.before = qwords_at(entry, nqwords);
  e.after.assign(target, target + nqwords);
  e.text = to_string(static_cast<DescKind>(desc_kind));
}

int kshim_update_sync(const char *file, int line) {
  if (!g_trace) return 1;
  if (++g_syncs == g_faults.drop_sync) {
    g_seeded = true;
    return 0;  // the seeded bug: no sync, and nothing to record
  }
  push(EventKind::UpdateSync, file, line);
  return 1;
}

void kshim_update_end(const char *file, int line) {
  if (!g_trace) return;
  push(EventKind::UpdateEnd, file, line);
  if (!g_update_registered.empty()) {
    if (g_update_registered.back() >= 0) g_trace->descs[g_update_registered.back()].live = false;
    g_update_registered.pop_back();
  }
}

void kshim_warn(const char *what, const char *file, int line) {
  if (g_trace) push(EventKind::Warn, file, line).text = what ? what : "WARN";
}

void kshim_bug_report(const char *what, const char *file, int line) {
  if (g_trace) push(EventKind::Bug, file, line).text = what ? what : "BUG";
  else std::fprintf(stderr, "%s:%d: kernel BUG: %s\n", file, line, what ? what : "");
}

void kshim_print(int, const char *text) {
  if (g_trace) g_trace->log.emplace_back(text ? text : "");
}

void kshim_note(const char *text, const char *file, int line) {
  if (g_trace) push(EventKind::Note, file, line).text = text ? text : "";
}

void kshim_walk_context(const struct kshim_walk_geom *g, const kshim_u64 *iovas, int n,
                        const char *file, int line) {
  if (!g_trace || !g) return;
  Event &e = push(EventKind::WalkContext, file, line);
  e.walk = {g->root, g->start_level, g->pgd_bits, g->bits_per_level, g->ias, g->oas, g->stage,
            g->fmt, g->coherent_walk != 0, g->asid, g->vmid, g->root_desc, g->root_mask, g->tlbi_recorded != 0, {}, false, 0};
  for (int i = 0; i < g->ats_nsids && i < 4; ++i) e.walk.ats_sids.push_back(g->ats_sids[i]);
  e.walk.ats_ssv = g->ats_ssv != 0;
  e.walk.ats_ssid = g->ats_ssid;
  e.addr = g->root;
  if (iovas && n > 0) e.iovas.assign(iovas, iovas + n);
}

void kshim_kunit_failure(const char *message, const char *file, int line) {
  if (g_trace)
    g_trace->kunit_failures.push_back(std::string(file ? file : "?") + ":" +
                                      std::to_string(line) + ": " + (message ? message : ""));
}

}  // extern "C"
