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

#include "model_support.h"
#include "pt_caches.h"
#include "pt_walker.h"

namespace smmu::checker {

using namespace pt_detail;

PtVerdict check_pt_trace(const harness::Trace &trace, const models::Model &model,
                         const PtSemantics &sem, Heartbeat *beat) {
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
  w.beat = beat;
  w.place = [&trace](uint64_t a, int instant) { return table_place(trace, a, instant); };
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
  size_t iova_no = 0;  // for the heartbeat
  for (uint64_t iova : mem.iovas) {
    ++iova_no;
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
        if (beat)
          beat->beat([&] {
            return std::to_string(w.walks) + " walks so far; IOVA " + hex(iova) + " (" +
                   std::to_string(iova_no) + " of " + std::to_string(mem.iovas.size()) +
                   "), walks starting in operation " + std::to_string(o + 1) + " of " + std::to_string(nops + 1);
          });
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
          rd.cached = r < 0 || (r == 0 && l == 3) ? PtCached::None : r > 0 ? PtCached::Leaf : PtCached::Table;
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
        rd.cached = PtCached::Config;
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


}  // namespace smmu::checker
