// Page-table walk check (docs/model.md §4.2, §4.3): a device walker model racing the
// real io-pgtable-arm code of a recorded run. See docs/walker.md.
//
// The walker does one dependent 64-bit read per level, each at its own
// instant, later than the previous one. What a read can return depends on the
// model: coherent/nc = a value visible by then (barrier-ordered visibility);
// cacheable = a value the line held at PoC since the last completed clean.
// Decoding (index, table/leaf/fault, output address, attributes) is the
// tree's own, handed over as values (PtSemantics).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "heartbeat.h"
#include "field_map.h"
#include "model.h"
#include "trace.h"
#include "verdict.h"

namespace smmu::checker {

using WalkGeom = harness::Event::Walk;

// The tree's io-pgtable-arm decoding, compiled in the slice (io_pgtable_arm_glue.c).
struct PtSemantics {
  std::function<uint64_t(const WalkGeom &, uint64_t iova, int lvl)> index;
  // -1 fault, 0 table (*addr = next table), 1 leaf (*addr = output address, *attrs).
  std::function<int(const WalkGeom &, uint64_t iova, int lvl, uint64_t pte, uint64_t *addr,
                    uint64_t *attrs)>
      decode;
  // ARM_LPAE_BLOCK_SIZE: the IOVA span of one descriptor at a level.
  std::function<uint64_t(const WalkGeom &, int lvl)> block_size;
};

// What a walk ends in.
struct WalkOutcome {
  enum class Kind { Fault, Translate, Wild } kind = Kind::Fault;
  uint64_t out = 0;    // Translate: output address; Wild: the address read outside tables
  uint64_t attrs = 0;  // Translate: iopte_prot of the leaf
  int level = 0;       // the level the walk ended at
  int freed_at = -1;   // Wild: the table page was freed at this trace event
  // A translation fault is the same to the device whatever level it came from,
  // and so is a translation from a block or from a page of it (TLB conflicts
  // from a missing break-before-make are not modelled).
  bool operator==(const WalkOutcome &o) const {
    if (kind == Kind::Fault) return o.kind == Kind::Fault;
    if (kind == Kind::Translate) return kind == o.kind && out == o.out && attrs == o.attrs;
    return kind == o.kind && out == o.out && level == o.level;
  }
};
std::string describe(const WalkOutcome &o);

// Where (part of) a value read came from.
struct PtSource {
  int trace_index = -1;  // the store (or alloc: zeroing, fresh memory) event; -1: memory before the run
  std::string what;      // "store", "zeroing at alloc", "fresh memory ...: any bytes, chosen as ...", ...
};

// What a read puts in the SMMU's caches.
enum class PtCached {
  None,    // an invalid descriptor (or a table pointer at the last level): nothing
  Config,  // the STE/CD qword holding the table pointer: the configuration cache
  Table,   // a table descriptor: the walk cache
  Leaf,    // a block or page descriptor: the TLB
};

// "none", "config-cache", "walk-cache", "tlb": what the JSON witness says.
const char *to_string(PtCached c);

struct PtRead {
  int level = 0;                    // -1: the STE/CD qword holding the table pointer
  uint64_t table = 0, address = 0;  // table base and the descriptor's address
  uint64_t index = 0;
  uint64_t value = 0;
  int instant = 0;                  // the read happened after trace events [0, instant)
  std::vector<PtSource> sources;
  bool torn = false, stale = false;
  // The entry this read puts in a TLB or walk cache stays usable at instants
  // before `expires` (-1: no invalidation covers it); `expired_by` is the
  // invalidating command's trace index.
  int expires = -1, expired_by = -1;
  PtCached cached = PtCached::None;
  // Invalidations after the read that name its address but are not guaranteed
  // to remove its entry, with why (filled for a violation's walk).
  std::vector<std::pair<int, std::string>> not_invalidated_by;
};

// ATS: the walk's translation kept in the device's ATC after its SMMU TLB
// entries were gone.
struct PtAtc {
  uint32_t sid = 0;
  // The SMMU could answer the device's Translation Request from the TLB entry
  // of the walk's leaf up to instant `fill` (the read instants' convention),
  // until the invalidation `tlb_expired_by` completed (-1: none did; fill is
  // then 1 << 30, later than any event).
  int fill = 0, tlb_expired_by = -1;
  int expires = -1, expired_by = -1;  // the ATC_INV + CMD_SYNC that removes the entry (-1: none)
  // ATC_INVs issued after the walk completed that did not remove it, with why.
  std::vector<std::pair<int, std::string>> not_invalidated_by;
};

struct PtWitness {
  uint64_t iova = 0;
  size_t first_op = 0, last_op = 0;  // the operations the walk overlapped
  bool publication = false;          // read after the last operation
  std::vector<PtRead> reads;
  WalkOutcome outcome;
  std::vector<WalkOutcome> allowed;  // the stable states' outcomes it had to match
  // > first_op: cached entries of the walk were still valid at the boundary
  // before operation `cached_through` (no covering TLBI + CMD_SYNC had completed).
  size_t cached_through = 0;
  // Set when it was the device's ATC, not the SMMU's TLB, that kept the
  // translation to cached_through.
  std::optional<PtAtc> atc;
};

// Something the run asks the walker to do that it cannot judge: a table
// pointer to memory outside every table (what is there is unknown).
struct PtWarning {
  int event = -1;    // the event that wrote it (kernel or case file:line): a store, or a registration
  std::string text;  // "expected ..., found ..."
};

struct PtVerdict {
  Outcome outcome = Outcome::Pass;
  ViolationKind kind = ViolationKind::None;
  std::string reason;
  PtWitness witness;
  uint64_t walks = 0;     // complete walks explored
  bool tlb = false;       // the run issued TLBIs: TLB and walk caches are modelled
  bool atc = false;       // and the walks' device has ATS: its ATC is modelled too
  size_t iovas = 0, ops = 0;
  double seconds = 0;
  std::vector<std::string> notes;
  std::vector<PtWarning> warnings;  // non-empty: the verdict is unknown unless a violation was found
};

// `beat`, when given, hears how far a long check is (heartbeat.h).
PtVerdict check_pt_trace(const harness::Trace &trace, const models::Model &model,
                         const PtSemantics &semantics, Heartbeat *beat = nullptr);

// The violation's walk: levels, values, instants, and the event (kernel
// file:line) each value came from. With `fields`, each read decodes the PTE
// bits its last store changed by the tree's names.
void print_pt_witness(std::ostream &out, const harness::Trace &trace, const PtVerdict &v,
                      const FieldMap *fields = nullptr);

// Where a descriptor at `address` was at trace instant `instant`, by the run's
// own names: "table3[3]" (a table's entry), "ste0.q1", "table3+0x1c" (not on
// an entry boundary); the address in hex when no table holds it.
std::string table_place(const harness::Trace &trace, uint64_t address, int instant);

// A read's PTE fields by name: those the last full-qword store it took its
// value from changed ("changed: TYPE 0x1 -> 0x3, ..."), else the non-zero
// ones ("fields: VALID=0x1 ..."); "" when no field is named.
std::string pte_fields_text(const harness::Trace &trace, const PtRead &r, const FieldMap &fields);

// "FILE:LINE: warning: TEXT", one line per warning (without a location: "warning: TEXT (event N)").
void print_pt_warnings(std::ostream &out, const harness::Trace &trace, const std::vector<PtWarning> &warnings);

}  // namespace smmu::checker
