// The architecture's meaning of one SMMUv3 TLB invalidation command (IHI 0070
// §4.4): decoded from the raw command queue entry, it says whether the command
// is legal on a given SMMU and which cached translations (TLB entries and
// walk-cache entries) it is guaranteed to invalidate once a later CMD_SYNC
// completes (docs/model.md §2 "Caching").
//
// Conservative throughout: where the architecture only permits an
// invalidation (a non-matching hint, an UNPREDICTABLE range, a RES0 field the
// SMMU may reject), none is assumed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace smmu::checker {

// What the SMMU implements (ID registers) and the one piece of configuration a
// TLBI depends on (SMMU_CR2.E2H). Assume commands are issued on the
// Non-secure Command queue, the one Linux uses.
struct SmmuCaps {
  bool range_invalidation = true;  // SMMU_IDR3.RIL: range forms and the TTL hint
  bool stage1 = true;              // SMMU_IDR0.S1P
  bool stage2 = true;              // SMMU_IDR0.S2P
  bool hyp = false;                // SMMU_IDR0.Hyp: CMD_TLBI_EL2_*
  bool e2h = false;                // SMMU_CR2.E2H: EL2 entries are ASID-tagged (EL2-E2H)
  bool asid16 = true;              // SMMU_IDR0.ASID16
  bool vmid16 = true;              // SMMU_IDR0.VMID16
  bool ds = false;                 // SMMU_IDR5.DS: 6-bit SCALE, 16K level-1 blocks
  bool gran4k = true;              // SMMU_IDR5.GRAN4K
  bool gran16k = true;             // SMMU_IDR5.GRAN16K
  bool gran64k = true;             // SMMU_IDR5.GRAN64K
};

enum class TlbiStatus : uint8_t {
  NotTlbi,          // not a TLB invalidation (CFGI_*, PREFETCH_*, CMD_SYNC, ATC_INV, ...)
  Legal,            // executed with the scope in TlbiScope
  Illegal,          // CERROR_ILL: not executed, command consumption stops at it (§4.1.3, §7.1)
  ReservedNonZero,  // a RES0 field is non-zero: CERROR_ILL or the field ignored (§4.1.5)
  Unpredictable,    // consumed, but what it invalidates is UNPREDICTABLE or not required
};
// Every status but Legal invalidates nothing.
const char *to_string(TlbiStatus s);

// The fields as encoded (§4.4.1.1; Linux CMDQ_TLBI_*), before any legality check.
struct TlbiFields {
  uint16_t asid = 0, vmid = 0;
  uint8_t num = 0, scale = 0, ttl = 0, tg = 0;
  bool leaf = false, ttl128 = false;
  uint64_t addr = 0;  // VA [63:12] or IPA [55:12]
};

struct TlbiScope {
  std::array<uint64_t, 2> raw{};
  uint8_t opcode = 0;
  const char *name = "";  // "TLBI_NH_VA"; for other commands the harness's name
  TlbiStatus status = TlbiStatus::NotTlbi;
  // Why the status is not Legal, citing IHI 0070; for Legal, a reinterpretation
  // the SMMU applies (empty when none).
  std::string reason;
  TlbiFields fields;

  // The entries matched; meaningful only when status == Legal.
  bool stage1 = false;  // stage-1 EL1 (NH) entries, including nested stage 1+2 ones
  bool stage2 = false;  // stage-2 entries
  bool el2 = false;     // stage-1 EL2 / EL2-E2H entries
  std::optional<uint16_t> asid;  // only stage-1 entries tagged with this ASID; none: any
  bool global_too = false;       // with asid: global leaf entries of any ASID as well
  std::optional<uint16_t> vmid;  // none: any VMID
  // Input addresses (VA, or IPA for stage 2). Non-range form: first == last,
  // the entry containing that address. Range form: every entry overlapping.
  bool by_address = false;  // false: all addresses
  bool range = false;       // TG != 0
  uint64_t first = 0, last = UINT64_MAX;  // inclusive
  bool leaf_only = false;   // Leaf == 1: walk-cache (table) entries may stay
  uint8_t ttl = 0;          // effective TTL: leaf entries at this level only; 0: any level
  uint64_t granule = 0;     // bytes; entries of other granules may stay; 0: any granule
};

// A cached translation, as a checker tracks it.
struct TlbEntry {
  int stage = 1;          // 1: stage-1 (VA) entry, 2: stage-2 (IPA) entry
  bool el2 = false;       // stage 1 of the EL2 / EL2-E2H regime, not EL1
  uint16_t asid = 0;      // stage 1 only
  uint16_t vmid = 0;      // stage-1 EL1 and stage-2 entries
  bool global = false;    // leaf with nG == 0 (stage 1)
  uint64_t base = 0;      // input addresses translated through it: [base, base + size)
  uint64_t size = 0;
  int level = 3;          // level of the walk the descriptor was read from
  bool leaf = true;       // false: a table descriptor held in a walk cache
  uint64_t granule = 4096;
};

// The meaning of the raw 2-qword command as the kernel put it on the queue.
TlbiScope tlbi_scope(const std::array<uint64_t, 2> &raw, const SmmuCaps &caps);

// True when completing the command is guaranteed to remove e.
bool invalidates(const TlbiScope &s, const TlbEntry &e);

// One line: "TLBI_NH_VA asid=5 vmid=0 [0x10000, 0x14000) leaf TTL=3 granule 4K".
std::string describe(const TlbiScope &s);

}  // namespace smmu::checker
