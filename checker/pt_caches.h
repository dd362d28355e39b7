// The TLB, walk caches and configuration caches of the walker check
// (pt_check.cpp), and the device's ATC. Internal to the checker.
#pragma once

#include "atc_scope.h"
#include "pt_memory.h"
#include "tlbi_scope.h"

namespace smmu::checker::pt_detail {


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


}  // namespace smmu::checker::pt_detail
