// The tree's io-pgtable-arm decoding, looked up in a loaded slice and handed
// to the walker as values (like get_used for STEs/CDs). Null functions when
// the slice lacks io_pgtable_arm_glue.c.
#pragma once

#include <algorithm>

#include "kshim_hooks.h"
#include "pt_check.h"
#include "slice_build.h"

namespace smmu::checker {

inline kshim_walk_geom to_kshim(const WalkGeom &g) {
  kshim_walk_geom k{};
  k.root = g.root;
  k.start_level = g.start_level;
  k.pgd_bits = g.pgd_bits;
  k.bits_per_level = g.bits_per_level;
  k.ias = g.ias;
  k.oas = g.oas;
  k.stage = g.stage;
  k.fmt = g.fmt;
  k.coherent_walk = g.coherent_walk;
  k.asid = g.asid;
  k.vmid = g.vmid;
  k.root_desc = g.root_desc;
  k.root_mask = g.root_mask;
  k.tlbi_recorded = g.tlbi_recorded;
  k.ats_nsids = static_cast<int>(std::min<size_t>(g.ats_sids.size(), 4));
  for (int i = 0; i < k.ats_nsids; ++i) k.ats_sids[i] = g.ats_sids[i];
  k.ats_ssv = g.ats_ssv;
  k.ats_ssid = g.ats_ssid;
  return k;
}

inline PtSemantics pt_semantics(const harness::LoadedSlice &slice) {
  PtSemantics s;
  auto *index = slice.function<decltype(kshim_lpae_index)>("kshim_lpae_index");
  auto *decode = slice.function<decltype(kshim_lpae_decode)>("kshim_lpae_decode");
  auto *block = slice.function<decltype(kshim_lpae_block_size)>("kshim_lpae_block_size");
  if (block)
    s.block_size = [block](const WalkGeom &g, int lvl) -> uint64_t {
      kshim_walk_geom k = to_kshim(g);
      return block(&k, lvl);
    };
  if (index)
    s.index = [index](const WalkGeom &g, uint64_t iova, int lvl) -> uint64_t {
      kshim_walk_geom k = to_kshim(g);
      return index(&k, iova, lvl);
    };
  if (decode)
    s.decode = [decode](const WalkGeom &g, uint64_t iova, int lvl, uint64_t pte, uint64_t *addr,
                        uint64_t *attrs) {
      kshim_walk_geom k = to_kshim(g);
      kshim_u64 a = 0, t = 0;
      int r = decode(&k, iova, lvl, pte, &a, &t);
      *addr = a;
      *attrs = t;
      return r;
    };
  return s;
}

}  // namespace smmu::checker
