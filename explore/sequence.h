// A concrete operation sequence on one domain: the configuration and the
// driver calls, exactly as kdrivers/explore_pt.c performs them. Its text
// form is what a shrunk counterexample prints and `explore --replay` reads:
//
//   config granule=4K stage=1 walk=coherent range-inv=on ias=48 ats=off
//   map 0x80000000 -> 0x880000000 pgsize=0x1000 count=2
//   unmap 0x80000000 pgsize=0x1000 count=1
//   iotlb_sync
//   flush_all
//   expect 0x80001000 -> 0x880001000      (iova_to_phys; "-> none": unmapped)
//
// An SVA domain (kdrivers/explore_sva.c) adds "domain=sva" to the config
// (4K, stage 1, coherent, 48 bits); map and unmap are then the CPU's changes
// to the mm's page table, and instead of iotlb_sync and flush_all:
//
//   notify 0x80000000 0x80002000          (mmu_notifier_arch_invalidate_secondary_tlbs(mm, start, end))
//
// A paging domain's master may have STEs (kdrivers/explore_attach.c): the
// config names its CD table ("cd-table=linear|2lvl", "stall=on"), and
//
//   attach A                              (blocked, identity, A, B or X)
//
// installs a domain on its RID: A is the domain map and unmap change, B
// another of A's stage, X one of the other stage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kshim_hooks.h"

namespace smmu::explore {

struct Sequence {
  kshim_explore_config config{};
  std::vector<kshim_explore_op> ops;
};

std::string describe_config(const kshim_explore_config &c);  // "4K S1, coherent walk, range inv"
std::string to_text(const kshim_explore_op &op);
std::string to_text(const Sequence &s);  // one line per statement, ending in '\n'

// Throws std::invalid_argument("ORIGIN:LINE: expected ..., got ...").
Sequence parse_sequence(const std::string &text, const std::string &origin);

}  // namespace smmu::explore
