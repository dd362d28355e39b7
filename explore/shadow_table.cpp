#include "shadow_table.h"

#include <bit>
#include <stdexcept>

namespace smmu::explore {

struct ShadowTable::Entry {
  bool leaf = false;
  uint64_t pa = 0;              // leaf: output address of the entry's first byte
  std::unique_ptr<Node> table;  // !leaf
};

struct ShadowTable::Node {
  std::map<uint64_t, Entry> entries;  // by index within the node
  std::unique_ptr<Node> clone() const {
    auto n = std::make_unique<Node>();
    for (const auto &[i, e] : entries) {
      Entry c;
      c.leaf = e.leaf;
      c.pa = e.pa;
      if (e.table) c.table = e.table->clone();
      n->entries.emplace(i, std::move(c));
    }
    return n;
  }
};

ShadowTable::ShadowTable(uint64_t granule)
    : granule_(granule), bits_(std::countr_zero(granule / 8)), root_(std::make_unique<Node>()) {}
ShadowTable::ShadowTable(const ShadowTable &o)
    : granule_(o.granule_), bits_(o.bits_), root_(o.root_->clone()) {}
ShadowTable &ShadowTable::operator=(const ShadowTable &o) {
  granule_ = o.granule_;
  bits_ = o.bits_;
  root_ = o.root_->clone();
  return *this;
}
ShadowTable::~ShadowTable() = default;

uint64_t ShadowTable::block_size(int level) const {
  const int shift = std::countr_zero(granule_) + bits_ * (3 - level);
  return shift >= 64 ? 0 : uint64_t(1) << shift;
}

int ShadowTable::level_of(uint64_t pgsize) const {
  for (int l = 1; l <= 3; ++l)
    if (block_size(l) == pgsize) return l;
  return -1;
}

namespace {
template <class N>
bool has_leaf(const N &n) {
  for (const auto &[i, e] : n.entries)
    if (e.leaf || (e.table && has_leaf(*e.table))) return true;
  return false;
}
uint64_t index_at(uint64_t iova, uint64_t span, int bits) { return (iova / span) & ((uint64_t(1) << bits) - 1); }
}  // namespace

ShadowTable::Effect ShadowTable::map_effect(uint64_t iova, uint64_t pgsize) const {
  const int target = level_of(pgsize);
  if (target < 0 || iova % pgsize) return Effect::Invalid;
  const Node *n = root_.get();
  for (int l = 0; l < target; ++l) {
    // Level 0 indexes with whatever bits lie above: the window is far below its span.
    auto it = n->entries.find(l == 0 ? iova / block_size(0) : index_at(iova, block_size(l), bits_));
    if (it == n->entries.end()) return Effect::Plain;
    if (it->second.leaf) return Effect::Invalid;  // inside a larger block: unmap first
    n = it->second.table.get();
  }
  auto it = n->entries.find(index_at(iova, pgsize, bits_));
  if (it == n->entries.end()) return Effect::Plain;
  // io-pgtable replaces a table by a block, but the IOMMU API maps only over
  // unmapped IOVAs: only a table whose leaves were all unmapped is replaced.
  return it->second.leaf || has_leaf(*it->second.table) ? Effect::Invalid : Effect::FreesTable;
}

ShadowTable::Effect ShadowTable::unmap_effect(uint64_t iova, uint64_t pgsize) const {
  const int target = level_of(pgsize);
  if (target < 0 || iova % pgsize) return Effect::Invalid;
  const Node *n = root_.get();
  for (int l = 0; l < target; ++l) {
    auto it = n->entries.find(l == 0 ? iova / block_size(0) : index_at(iova, block_size(l), bits_));
    if (it == n->entries.end()) return Effect::Invalid;
    if (it->second.leaf) return Effect::Splits;
    n = it->second.table.get();
  }
  auto it = n->entries.find(index_at(iova, pgsize, bits_));
  if (it == n->entries.end()) return Effect::Invalid;
  return it->second.leaf ? Effect::Plain : Effect::FreesTable;
}

void ShadowTable::map(uint64_t iova, uint64_t pa, uint64_t pgsize) {
  if (map_effect(iova, pgsize) == Effect::Invalid) throw std::logic_error("shadow: invalid map");
  const int target = level_of(pgsize);
  Node *n = root_.get();
  for (int l = 0; l < target; ++l) {
    Entry &e = n->entries[l == 0 ? iova / block_size(0) : index_at(iova, block_size(l), bits_)];
    if (!e.table) e.table = std::make_unique<Node>();
    n = e.table.get();
  }
  Entry &e = n->entries[index_at(iova, pgsize, bits_)];
  e.table.reset();
  e.leaf = true;
  e.pa = pa;
}

void ShadowTable::unmap(uint64_t iova, uint64_t pgsize) {
  if (unmap_effect(iova, pgsize) == Effect::Invalid) throw std::logic_error("shadow: invalid unmap");
  const int target = level_of(pgsize);
  Node *n = root_.get();
  for (int l = 0; l < target; ++l) {
    const uint64_t span = block_size(l);
    const uint64_t idx = l == 0 ? iova / span : index_at(iova, span, bits_);
    Entry &e = n->entries[idx];
    if (e.leaf) {
      // The split: a table of the next level's blocks covering the old one.
      const uint64_t base = iova - iova % span, pa = e.pa, sub = block_size(l + 1);
      e.leaf = false;
      e.table = std::make_unique<Node>();
      for (uint64_t off = 0; off < span; off += sub) {
        Entry c;
        c.leaf = true;
        c.pa = pa + off;
        e.table->entries.emplace(index_at(base + off, sub, bits_), std::move(c));
      }
    }
    n = e.table.get();
  }
  n->entries.erase(index_at(iova, pgsize, bits_));
}

uint64_t ShadowTable::translate(uint64_t iova) const {
  const Node *n = root_.get();
  for (int l = 0; l <= 3 && n; ++l) {
    const uint64_t span = block_size(l);
    auto it = n->entries.find(l == 0 ? iova / span : index_at(iova, span, bits_));
    if (it == n->entries.end()) return 0;
    if (it->second.leaf) return it->second.pa + iova % span;
    n = it->second.table.get();
  }
  return 0;
}

}  // namespace smmu::explore
