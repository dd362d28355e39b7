#include "fault_injection.h"

#include "command.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "kernel_tree.h"

namespace smmu::harness {
namespace {

// Index of the k-th event of a kind (k from 1), or -1.
int nth(const Trace &t, EventKind kind, int k) {
  for (size_t i = 0; i < t.events.size(); ++i)
    if (t.events[i].kind == kind && --k == 0) return static_cast<int>(i);
  return -1;
}

bool is_sync_command(const Event &e) { return e.kind == EventKind::Command; }

// What each 8-byte store overwrote, after stores changed order.
void recompute_old_values(Trace &t) {
  std::map<uint64_t, uint64_t> memory;
  for (Event &e : t.events) {
    if (e.kind == EventKind::UpdateBegin || e.kind == EventKind::DescRegister || e.kind == EventKind::Alloc)
      for (size_t i = 0; i < e.before.size(); ++i) memory[e.addr + 8 * i] = e.before[i];
    if (e.kind == EventKind::Store && e.size == 8) {
      if (auto it = memory.find(e.addr); it != memory.end()) e.old_value = it->second;
      memory[e.addr] = e.value;
    }
  }
}

bool drop_sync(Trace &t, int k) {
  int i = nth(t, EventKind::UpdateSync, k);
  if (i < 0) return false;
  // The sync op's own commands go with it.
  auto first = t.events.begin() + i, last = first + 1;
  while (last != t.events.end() && is_sync_command(*last)) ++last;
  t.events.erase(first, last);
  return true;
}

// Steps are the runs of stores between update boundaries and syncs.
bool swap_steps(Trace &t, int k) {
  int a = k == 1 ? nth(t, EventKind::UpdateBegin, 1) : nth(t, EventKind::UpdateSync, k - 1);
  int b = nth(t, EventKind::UpdateSync, k);
  int c = nth(t, EventKind::UpdateSync, k + 1);
  if (a < 0 || b < 0 || c < 0) return false;
  auto stores = [&](int from, int to) {
    std::vector<Event> s;
    for (int i = from + 1; i < to; ++i)
      if (t.events[i].kind == EventKind::Store) s.push_back(t.events[i]);
    return s;
  };
  std::vector<Event> first = stores(a, b), second = stores(b, c);
  if (first.empty() || second.empty()) return false;
  // Stores go where the step's first store was; other events keep their order.
  auto refill = [&](int from, int to, const std::vector<Event> &with) {
    std::vector<Event> merged;
    bool placed = false;
    for (int i = from + 1; i < to; ++i) {
      if (t.events[i].kind == EventKind::Store) {
        if (!placed) merged.insert(merged.end(), with.begin(), with.end());
        placed = true;
      } else {
        merged.push_back(t.events[i]);
      }
    }
    return merged;
  };
  std::vector<Event> step1 = refill(a, b, second), step2 = refill(b, c, first);
  std::vector<Event> events(t.events.begin(), t.events.begin() + a + 1);
  events.insert(events.end(), step1.begin(), step1.end());
  events.push_back(t.events[b]);
  events.insert(events.end(), step2.begin(), step2.end());
  events.insert(events.end(), t.events.begin() + c, t.events.end());
  t.events = std::move(events);
  recompute_old_values(t);
  return true;
}

bool tear_store(Trace &t, int k) {
  for (auto &e : t.events)
    if (e.kind == EventKind::Store && e.store == StoreKind::Once && --k == 0) {
      e.store = StoreKind::Plain;
      return true;
    }
  return false;
}

}  // namespace

const char *to_string(Fault f) {
  switch (f) {
    case Fault::DropSync: return "drop-sync";
    case Fault::MergeSteps: return "merge-steps";
    case Fault::SwapSteps: return "swap-steps";
    case Fault::TearStore: return "tear-store";
    case Fault::DropDmaWmb: return "drop-dma-wmb";
    case Fault::DropCmo: return "drop-cmo";
    case Fault::DropTlbi: return "drop-tlbi";
    case Fault::LeafTlbi: return "leaf-tlbi";
  }
  return "?";
}

std::pair<Fault, int> parse_fault(const std::string &spec, std::initializer_list<Fault> allowed) {
  size_t colon = spec.find(':');
  std::string name = spec.substr(0, colon);
  int k = colon == std::string::npos ? 1 : std::atoi(spec.c_str() + colon + 1);
  std::string expected;
  size_t i = 0;
  for (Fault f : allowed) {
    if (name == to_string(f) && k >= 1) return {f, k};
    expected += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(to_string(f)) + ":K";
    ++i;
  }
  throw UserError("--inject expects " + expected + " with K >= 1, got '" + spec + "'");
}

bool inject(Trace &t, Fault f, int k) {
  switch (f) {
    case Fault::DropSync: return drop_sync(t, k);
    case Fault::MergeSteps: {
      // Merging steps k and k+1 removes the sync between them, but only if both have stores.
      int a = nth(t, EventKind::UpdateSync, k), b = nth(t, EventKind::UpdateSync, k + 1);
      if (a < 0 || b < 0) return false;
      return drop_sync(t, k);
    }
    case Fault::SwapSteps: return swap_steps(t, k);
    case Fault::TearStore: return tear_store(t, k);
    case Fault::DropDmaWmb:
    case Fault::DropCmo: {
      for (size_t i = 0; i < t.events.size(); ++i) {
        const Event &e = t.events[i];
        bool match = f == Fault::DropCmo ? e.kind == EventKind::Cmo
                                         : e.kind == EventKind::Barrier && e.barrier == BarrierKind::DmaWmb;
        if (match && --k == 0) {
          t.events.erase(t.events.begin() + static_cast<long>(i));
          return true;
        }
      }
      return false;
    }
    case Fault::DropTlbi:
    case Fault::LeafTlbi: {
      // TLBI opcodes are 0x10-0x3f (IHI 0070 §4.4); the by-address forms carry Leaf in bit 0 of qword 1.
      for (size_t i = 0; i < t.events.size(); ++i) {
        Event &e = t.events[i];
        uint8_t op = static_cast<uint8_t>(e.cmd[0] & 0xff);
        if (e.kind != EventKind::Command || op < 0x10 || op > 0x3f) continue;
        bool by_address = op == static_cast<uint8_t>(CmdOp::TlbiNhVa) || op == static_cast<uint8_t>(CmdOp::TlbiNhVaa) ||
                          op == static_cast<uint8_t>(CmdOp::TlbiEl2Va) || op == static_cast<uint8_t>(CmdOp::TlbiS2Ipa);
        if (f == Fault::LeafTlbi && (!by_address || (e.cmd[1] & 1))) continue;
        if (--k) continue;
        if (f == Fault::DropTlbi) t.events.erase(t.events.begin() + static_cast<long>(i));
        else e.cmd[1] |= 1;
        return true;
      }
      return false;
    }
  }
  return false;
}

bool seeds_live(Fault f) { return f == Fault::DropSync || f == Fault::MergeSteps; }

bool run_with_fault(const KernelRunner &runner, const RunnableCase &c, Fault f, int k, RunResult &out) {
  if (!seeds_live(f)) {
    out = runner.run(c);
    return inject(out.trace, f, k);
  }
  LiveFaults live;
  live.drop_sync = k;
  out = runner.run(c, live);
  // Merging steps k and k+1 needs a sync k+1: one is left after sync k went.
  bool seeded = out.seeded && (f == Fault::DropSync || nth(out.trace, EventKind::UpdateSync, k) >= 0);
  if (!seeded) out = runner.run(c);
  return seeded;
}

}  // namespace smmu::harness
