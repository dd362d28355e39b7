// Generated operation sequences: rapidcheck generates (and shrinks) abstract
// choices; concretize() turns them, against a mirror of the tables, into the
// calls the IOMMU core would make (iommu_map/iommu_unmap split a range into
// pgsize pieces as iommu_pgsize() does), each followed by iova_to_phys
// expectations. A choice the core would refuse (map over a mapping, unmap of
// nothing, a partial block on a tree without the split) is dropped, so every
// shrink of a sequence is still a sequence the core could make.
//
// On an SVA domain (config.sva) the same steps are the CPU's changes to the
// mm's page table, and each ends as the mm ends it: an unmap, and a map that
// replaced a table, with the mmu notifier over the step's range (the
// mmu_gather flush); a flush is flush_tlb_mm, the notifier over everything.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sequence.h"

namespace smmu::explore {

// One abstract step. Ranges are in units of a page, a level-2 block or a
// level-1 block (`scale` 0, 1, 2) at positions near the start and the end of
// a table, so that ranges cross table boundaries.
struct Choice {
  // UnmapLast unmaps the range of the last map that was made, as a DMA
  // unmap follows its map; it leaves empty tables behind for later blocks.
  // Attach installs the domain `position` picks from a menu (A, B, blocked,
  // X, identity, A, B, A: switches between paging domains are the likelier)
  // on the master's RID; dropped unless the config has a master.
  enum Kind { Map = 0, Unmap = 1, FlushAll = 2, UnmapLast = 3, Attach = 4 } kind = Map;
  int scale = 0;
  int position = 0;  // index into the position menu (see concretize)
  int count = 0;     // index into the count menu
  int pa_skew = 0;   // 1: the output address is one page off the IOVA's alignment (pages only)
};

struct Draft {
  kshim_explore_config config{};
  std::vector<Choice> choices;
};

struct GeneratorLimits {
  int max_ops = 8;              // abstract steps per sequence
  bool allow_split = true;      // the tree splits blocks on a partial unmap
  bool ats = false;             // the tree can drive an ATS master: draw ats=on too
  bool non_coherent = true;     // generate non-coherent walks too
  std::vector<uint64_t> granules = {4096, 16384, 65536};
  // Which domains configurations are drawn for: paging domains (the IOMMU
  // API), and SVA domains over an mm (the tree has the SVA mmu notifier).
  bool paging = true;
  bool sva = false;
  // The tree can attach domains to a master (explore_attach.c): draw paging
  // configurations with a master and attach steps; cd_2lvl: 2-level CD tables too.
  bool attach = false;
  bool cd_2lvl = false;
};

rc::Gen<Draft> draft_generator(const GeneratorLimits &limits);

// The kernel paths a sequence's calls take, as the mirror predicts them.
struct PathCounts {
  int maps = 0, unmaps = 0, flushes = 0;
  int blocks_mapped = 0, tables_freed_by_map = 0, tables_freed_by_unmap = 0, splits = 0;
  int table_crossings = 0;  // one call whose pieces span two tables
  int ats_sequences = 0;    // sequences with an ATS master (ats=on)
  int attaches = 0;         // attach steps
  int attach_sequences = 0; // sequences with a master that attaches (cd-table=...)
  PathCounts &operator+=(const PathCounts &o);
};

struct Concrete {
  Sequence sequence;
  PathCounts paths;
  std::vector<int> step_of_op;  // the abstract step each op came from
};

// base: the start of the IOVA window (the domain's), pgsizes: its pgsize_bitmap.
Concrete concretize(const Draft &d, uint64_t base, uint64_t pgsizes, bool allow_split);

// iommu_pgsize(): the page size and count of the next call for [iova, iova+size) -> paddr.
uint64_t core_pgsize(uint64_t pgsizes, uint64_t iova, uint64_t paddr, uint64_t size, uint64_t *count);

}  // namespace smmu::explore
