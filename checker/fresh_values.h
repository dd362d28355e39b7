// Fresh memory (docs/model.md §4.4): a page the walker reads before the code's
// zeroing or stores reach it holds arbitrary old bytes, chosen adversarially.
// For a descriptor read whose bytes are partly fresh, the walker considers one
// value per meaning those bytes can give it at that level (a leaf, a table, a
// fault), each checked with the tree's own decoding: no fill pattern is
// assumed to decode any particular way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pt_check.h"

namespace smmu::checker {

struct FreshValue {
  uint64_t value = 0;
  int meaning = -1;  // as PtSemantics::decode: -1 fault, 0 table, 1 leaf
};

// known: the descriptor's bytes that are not fresh (others ignored);
// fresh_mask: the bytes that are. Leaf first, then table, then fault; a
// meaning the known bytes rule out is absent.
std::vector<FreshValue> fresh_values(const PtSemantics &sem, const WalkGeom &g, uint64_t iova, int level,
                                     uint64_t known, uint64_t fresh_mask);

// "a level-3 page", "a level-2 table", "a fault": what a fresh value was chosen as.
std::string describe_fresh(int meaning, int level);

}  // namespace smmu::checker
