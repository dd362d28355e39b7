// The page-table walker of docs/walker.md (pt_check.cpp): one walk of an
// IOVA, read by read, each read at its own instant and taking every value the
// model lets it see, with the sources of each. Internal to the checker.
#pragma once

#include <algorithm>
#include <cstdio>
#include <functional>

#include "fresh_values.h"
#include "heartbeat.h"
#include "pt_memory.h"

namespace smmu::checker::pt_detail {

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
  Heartbeat *beat = nullptr;  // a long read is heard too, not only finished walks
  // How the reports name the descriptor at an address at an instant
  // ("table2[0]", table_place); the walker has no trace. Hex without it.
  std::function<std::string(uint64_t, int)> place;

  // Combinations of granule values one cacheable read may enumerate: beyond
  // it the read is not explored and the verdict is unknown (say so, not hang).
  static constexpr double kMaxReadCombinations = 1 << 16;

 private:
  std::string named(uint64_t a, int instant) const { return place ? place(a, instant) : hex(a); }

  std::vector<Candidate> read_coherent(uint64_t a, const View &v, int maxP) {
    std::vector<Candidate> out;
    static const std::vector<int> none;
    auto it = mem_.by_qword.find(a);
    const std::vector<int> &L = it == mem_.by_qword.end() ? none : it->second;
    if (L.size() > 22) {
      unsupported = "descriptor " + named(a, v.P) + " has " + std::to_string(L.size()) + " store parts (bound 22)";
      return out;
    }
    std::vector<int> W;
    // Subsets of L closed under per-byte coherence that contain what v has.
    std::function<void(size_t, uint64_t)> rec = [&](size_t k, uint64_t excluded) {
      if (k == L.size()) {
        if (beat) beat->beat([&] { return std::to_string(walks) + " walks so far; reading descriptor " + named(a, v.P); });
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
    double combinations = 1;
    for (int k = 0; k < ngran; ++k) combinations *= static_cast<double>(per[k].size());
    if (combinations > kMaxReadCombinations) {
      char n[32];
      std::snprintf(n, sizeof n, "%.3g", combinations);
      unsupported = "descriptor " + named(a, v.P) + " may be read at PoC as " + n + " combinations of its " +
                    std::to_string(ngran) + " granules' values (bound " +
                    std::to_string(static_cast<long>(kMaxReadCombinations)) + ")";
      return out;
    }
    std::vector<size_t> pick(ngran), choice(ngran);
    std::function<void(int)> rec = [&](int k) {
      if (k == ngran) {
        if (beat) beat->beat([&] { return std::to_string(walks) + " walks so far; reading descriptor " + named(a, v.P); });
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


}  // namespace smmu::checker::pt_detail
