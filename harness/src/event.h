// One recorded CPU action, in program order, with the kernel file:line it came from.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace smmu::harness {

enum class EventKind {
  Store,         // WRITE_ONCE / plain / RMW into a registered descriptor range
  Barrier,       // dma_wmb, wmb, mb, ...
  Cmo,           // clean / clean+invalidate to PoC over a range
  Alloc,         // fresh memory that became fetchable (zeroed, or holding old bytes)
  Free,
  Command,       // one encoded CMDQ entry (2 qwords), CMD_SYNC included
  DescRegister,  // a range became fetchable by the SMMU
  UpdateBegin,   // arm_smmu_write_entry entered: initial and target entry
  UpdateSync,    // the writer called its sync op
  UpdateEnd,
  Warn,
  Bug,
  Note,
  WalkContext,   // kshim_walk_context: an io-pgtable operation boundary, walk geometry, IOVAs
};

enum class StoreKind { Once, Plain, Rmw };
enum class BarrierKind { DmaWmb, DmaRmb, DmaMb, Wmb, Rmb, Mb, SmpWmb, SmpRmb, SmpMb };
enum class CmoKind { Clean, CleanInval, Inval };
enum class DescKind { Ste, Cd, L1Std, L1Cd, PgTable };

struct SourceLoc {
  std::string file;  // kernel path relative to the tree root, e.g. drivers/iommu/io-pgtable-arm.c
  int line = 0;
};

struct Event {
  EventKind kind = EventKind::Note;
  SourceLoc loc;
  int desc = -1;             // index into Trace::descs, for Store/Cmo/DescRegister/Update*
  uint64_t offset = 0;       // byte offset inside the descriptor range
  uint64_t addr = 0;         // host address (stable only within one run)
  uint64_t size = 0;         // bytes stored, CMO/alloc range length
  uint64_t value = 0;        // value stored
  uint64_t old_value = 0;    // value the unit held before
  StoreKind store = StoreKind::Once;
  BarrierKind barrier = BarrierKind::DmaWmb;
  CmoKind cmo = CmoKind::Clean;
  bool zeroed = false;       // Alloc: the code asked for zeroed memory
  std::array<uint64_t, 2> cmd{};
  std::vector<uint64_t> before, after;  // UpdateBegin: initial and target qwords
  std::string text;          // Warn/Bug/Note

  // WalkContext: the walker's geometry (kshim_walk_geom) and the step's IOVAs.
  struct Walk {
    uint64_t root = 0;
    int start_level = 0, pgd_bits = 0, bits_per_level = 0, ias = 0, oas = 0, stage = 1, fmt = 0;
    bool coherent_walk = true;
    int asid = 0, vmid = 0;                // TLB tags
    uint64_t root_desc = 0, root_mask = 0;  // the STE/CD qword holding the table pointer, if any
    bool tlbi_recorded = false;             // invalidations are real commands: caches modelled
    // ATS: the device's StreamIDs (empty: no ATS) and the PASID of its requests.
    std::vector<uint32_t> ats_sids;
    bool ats_ssv = false;
    uint32_t ats_ssid = 0;
  } walk;
  std::vector<uint64_t> iovas;
};

struct DescRange {
  std::string name;
  DescKind kind = DescKind::Ste;
  uint64_t base = 0;
  uint64_t size = 0;
  bool live = true;
};

const char *to_string(StoreKind k);
const char *to_string(BarrierKind k);
const char *to_string(CmoKind k);
const char *to_string(DescKind k);
// The arm64 instruction(s) the kernel barrier maps to, e.g. "DMB OSHST".
const char *arm64_instruction(BarrierKind k);

}  // namespace smmu::harness
