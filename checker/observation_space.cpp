// Granules and their candidate values, from the CPU's history of the entry.
//
// Coherent and Normal-NC memory: the fetch sees, per single-copy-atomic unit,
// a value some store made visible; the sync that ends the previous epoch made
// every earlier store visible (doorbell=dmb, Linux's assumption). So a unit's
// candidates are its value at the epoch start and every value stored to it in
// the epoch. fetch_order=any makes the units independent.
//
// Cacheable memory, non-coherent SMMU: the fetch sees PoC. A dirty line may be
// written back at any instant (eviction=anytime) and reaches PoC for sure
// only when a clean of it completed, so a syncs does not raise the floor: a
// granule's candidates are every value it held since the last clean covering
// it (the update is assumed to start from an entry clean at PoC). A reader
// racing a write-back sees each writeback_atomicity granule on its own.
//
// Plain stores under tear32/tear8 are split into parts that become visible
// separately. A qword that also receives WRITE_ONCE stores in the same range
// is split all the same, which over-approximates: such a space is marked, and
// the engines turn a violation found in it into `unknown`.
#include "observation_space.h"

#include <algorithm>

#include "model_support.h"

namespace smmu::checker {
namespace {

using models::Coherency;

struct State {
  Entry entry{};
  int trace_index = -1;  // the store that made it
  int epoch = 0;         // the epoch it belongs to
  std::array<int, kEntryQwords> writer;  // per qword: the last store to it; -1: before the update
  int qword = -1;        // the qword the store that made it wrote
  bool plain = false;    // that store was a plain C store
};

uint64_t bits(uint64_t v, unsigned shift, unsigned width) {
  return width == 64 ? v : (v >> shift) & ((1ull << width) - 1);
}

}  // namespace

double EpochSpace::combinations() const {
  double n = 1;
  for (const auto &g : granules) n *= static_cast<double>(g.candidates.size());
  return n;
}

Entry assemble(const EpochSpace &space, const std::vector<size_t> &choice) {
  Entry e{};
  for (size_t i = 0; i < space.granules.size(); ++i) {
    const Granule &g = space.granules[i];
    e[g.qword] |= g.candidates[choice[i]].value << g.shift;
  }
  return e;
}

EpochSpace observation_space(const EntryUpdate &u, size_t k, const models::Model &m,
                             bool clean_at_sync) {
  EpochSpace space;
  space.unsupported = unsupported_parameters(m);
  if (!space.unsupported.empty()) return space;
  const bool cacheable = m.coherency == Coherency::Cacheable;
  // eviction=cmo-only: PoC changes only at cleans, never by a spontaneous write-back.
  const bool cmo_only = cacheable && m.eviction == models::Eviction::CmoOnly;

  // The CPU's states of the entry from the update's start to the end of epoch k.
  State first{u.initial, -1, 0, {}};
  first.writer.fill(-1);
  std::vector<State> states;
  size_t stores = 0;
  for (size_t e = 0; e <= k && e < u.epochs.size(); ++e) stores += u.epochs[e].events.size();
  states.reserve(stores + 1);
  states.push_back(first);
  // Per qword: index into `states` of the last state known to be at the floor.
  std::array<size_t, kEntryQwords> floor{};
  std::array<bool, kEntryQwords> plain{}, once{};
  std::array<std::vector<size_t>, kEntryQwords> clean_points;  // cmo_only: states a clean wrote back
  for (size_t e = 0; e <= k && e < u.epochs.size(); ++e) {
    const Epoch &ep = u.epochs[e];
    // The sync that began this epoch published everything (or, cacheable, its clean did).
    if ((!cacheable || clean_at_sync) && e > 0) {
      floor.fill(states.size() - 1);
      if (cmo_only)
        for (auto &c : clean_points) c.push_back(states.size() - 1);
    }
    for (const EntryEvent &ev : ep.events) {
      if (ev.kind == EntryEvent::Kind::Store) {
        State s = states.back();
        unsigned q = ev.offset / 8, shift = (ev.offset % 8) * 8;
        uint64_t mask = ev.size == 8 ? ~0ull : ((1ull << (ev.size * 8)) - 1) << shift;
        s.entry[q] = (s.entry[q] & ~mask) | ((ev.value << shift) & mask);
        s.trace_index = ev.trace_index;
        s.writer[q] = ev.trace_index;
        s.epoch = static_cast<int>(e);
        s.qword = static_cast<int>(q);
        s.plain = ev.store == harness::StoreKind::Plain;
        states.push_back(s);
      } else if (ev.kind == EntryEvent::Kind::Clean && cacheable) {
        // DC CVAC + DSB: the lines' current contents are at PoC.
        // A clean inside epoch k does not help reads made before it.
        for (unsigned q = ev.offset / 8; q < kEntryQwords && q * 8 < ev.offset + ev.size; ++q) {
          if (e < k) floor[q] = states.size() - 1;
          if (cmo_only) clean_points[q].push_back(states.size() - 1);
        }
      }
    }
  }
  // Which qwords see plain or atomic stores in the visible range.
  for (size_t i = 1; i < states.size(); ++i) {
    unsigned q = static_cast<unsigned>(states[i].qword);
    if (i > floor[q]) (states[i].plain ? plain : once)[q] = true;
  }
  // The CPU's entry at the start of epoch k: the last state made before it.
  size_t epoch_start = 0;
  for (size_t i = 0; i < states.size(); ++i)
    if (states[i].epoch < static_cast<int>(k)) epoch_start = i;

  int plain_bits = models::plain_store_part_bits(m);
  int wb_bits = m.writeback_atomicity_bits == 0 ? 64 : m.writeback_atomicity_bits;
  space.whole_values.resize(kEntryQwords);
  space.granules.reserve(kEntryQwords * 64 / std::min(cacheable ? wb_bits : 64, plain_bits));
  for (unsigned q = 0; q < kEntryQwords; ++q) {
    const unsigned base = cacheable ? static_cast<unsigned>(wb_bits) : 64u;
    unsigned width = base;
    if (plain[q]) width = std::min<unsigned>(width, static_cast<unsigned>(plain_bits));
    // Only a split finer than the write-back's over-approximates: cacheable
    // granules already tear WRITE_ONCE stores as finely.
    if (plain[q] && once[q] && width < base) space.over_approximate = true;
    // A qword read whole can only be seen as one of its values: no list needed.
    for (size_t i = floor[q]; i < states.size() && width < 64; ++i) {
      uint64_t v = states[i].entry[q];
      if (std::find(space.whole_values[q].begin(), space.whole_values[q].end(), v) ==
          space.whole_values[q].end())
        space.whole_values[q].push_back(v);
    }
    for (unsigned shift = 0; shift < 64; shift += width) {
      Granule g{q, shift, width, {}};
      g.candidates.reserve(states.size() - floor[q]);
      for (size_t i = floor[q]; i < states.size(); ++i) {
        if (cmo_only && i != floor[q] &&
            std::find(clean_points[q].begin(), clean_points[q].end(), i) == clean_points[q].end())
          continue;
        uint64_t v = bits(states[i].entry[q], shift, width);
        // A value is stale only if the CPU no longer held it at the epoch start.
        bool stale = i < epoch_start;
        auto it = std::find_if(g.candidates.begin(), g.candidates.end(),
                               [v](const Candidate &c) { return c.value == v; });
        if (it == g.candidates.end())
          g.candidates.push_back({v, states[i].writer[q], stale});
        else if (it->stale && !stale)
          *it = {v, states[i].writer[q], false};
      }
      space.granules.push_back(std::move(g));
    }
  }
  return space;
}

}  // namespace smmu::checker
