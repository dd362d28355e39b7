// A mirror of the page tables io-pgtable-arm builds for a sequence of
// map_pages/unmap_pages calls, so that the generator asks only for calls the
// IOMMU core could make (map over free space or over a table; unmap what is
// mapped) and knows which kernel path each call takes. It is not the
// kernel's model of itself: the kernel's tables are what the walker reads;
// the mirror is checked against them through iova_to_phys (expect lines).
#pragma once

#include <cstdint>
#include <map>
#include <memory>

namespace smmu::explore {

class ShadowTable {
 public:
  explicit ShadowTable(uint64_t granule);
  ShadowTable(const ShadowTable &other);
  ShadowTable &operator=(const ShadowTable &other);
  ~ShadowTable();

  // What a call of one pgsize-aligned piece does in io-pgtable-arm.
  enum class Effect {
    Invalid,     // the core would not make it: a map over a mapping (-EEXIST, or a
                 // table with live leaves: the IOMMU API maps unmapped IOVAs only),
                 // an unmap of nothing
    Plain,       // installs or clears leaves (tables created on the way down)
    FreesTable,  // map: a table under the new block is unmapped and freed first
                 // (arm_lpae_init_pte); unmap: a table is cleared and freed
    Splits,      // unmap inside a larger block: the block becomes a table
  };
  Effect map_effect(uint64_t iova, uint64_t pgsize) const;
  Effect unmap_effect(uint64_t iova, uint64_t pgsize) const;
  void map(uint64_t iova, uint64_t pa, uint64_t pgsize);
  void unmap(uint64_t iova, uint64_t pgsize);
  uint64_t translate(uint64_t iova) const;  // 0: unmapped

  uint64_t block_size(int level) const;  // the IOVA span of one entry at level 0..3

 private:
  struct Node;
  struct Entry;
  int level_of(uint64_t pgsize) const;  // -1: not a block size of this granule
  uint64_t granule_;
  int bits_;  // index bits per level
  std::unique_ptr<Node> root_;  // level 0
};

}  // namespace smmu::explore
