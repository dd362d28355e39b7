#include "fresh_values.h"

#include <string>

namespace smmu::checker {
namespace {

// An output address (or next-table address) no run maps or allocates, so a
// leaf made of fresh bytes translates somewhere no stable state does and a
// table made of them leads outside every table.
constexpr uint64_t kFreshAddress = 0x0000A5A5A5A5A000ull;

// Templates per meaning, VMSAv8-64 descriptor type bits [1:0] (DDI 0487 D8.3):
// 0b01 block, 0b11 table (page at the last level), bit 0 clear invalid. Only
// the fresh bytes of a template are used, and decode has the last word.
const uint64_t kLeaf[] = {kFreshAddress | 0x1, kFreshAddress | 0x3};
const uint64_t kTable[] = {kFreshAddress | 0x3};
const uint64_t kFault[] = {0x0, 0x2};

}  // namespace

std::vector<FreshValue> fresh_values(const PtSemantics &sem, const WalkGeom &g, uint64_t iova, int level,
                                     uint64_t known, uint64_t fresh_mask) {
  std::vector<FreshValue> out;
  auto pick = [&](int meaning, const auto &templates) {
    for (uint64_t t : templates) {
      uint64_t v = (known & ~fresh_mask) | (t & fresh_mask);
      uint64_t addr = 0, attrs = 0;
      if (sem.decode(g, iova, level, v, &addr, &attrs) == meaning) {
        out.push_back({v, meaning});
        return;
      }
    }
  };
  pick(1, kLeaf);
  pick(0, kTable);
  pick(-1, kFault);
  return out;
}

std::string describe_fresh(int meaning, int level) {
  if (meaning < 0) return "a fault";
  return "a level-" + std::to_string(level) + (meaning ? (level == 3 ? " page" : " block") : " table");
}

}  // namespace smmu::checker
