#include "generator.h"

#include <bit>

#include "shadow_table.h"

namespace smmu::explore {

namespace {

constexpr uint64_t kPaBase = 0x880000000ull;  // above 4 GiB: torn high halves differ
constexpr uint64_t kMaxEntriesPerStep = 1024;  // a whole 4K table is 512, a 16K one 2048

uint64_t fls_mask(uint64_t v) { return v ? ~uint64_t(0) >> std::countl_zero(v) : 0; }  // GENMASK(__fls(v), 0)

}  // namespace

PathCounts &PathCounts::operator+=(const PathCounts &o) {
  maps += o.maps;
  unmaps += o.unmaps;
  flushes += o.flushes;
  blocks_mapped += o.blocks_mapped;
  tables_freed_by_map += o.tables_freed_by_map;
  tables_freed_by_unmap += o.tables_freed_by_unmap;
  splits += o.splits;
  table_crossings += o.table_crossings;
  ats_sequences += o.ats_sequences;
  attaches += o.attaches;
  attach_sequences += o.attach_sequences;
  return *this;
}

uint64_t core_pgsize(uint64_t pgsizes, uint64_t iova, uint64_t paddr, uint64_t size, uint64_t *count) {
  const uint64_t addr_merge = paddr | iova;
  uint64_t fit = pgsizes & fls_mask(size);
  if (addr_merge) fit &= fls_mask(addr_merge & -addr_merge);
  if (!fit) {
    *count = 0;
    return 0;
  }
  const int idx = 63 - std::countl_zero(fit);
  const uint64_t pgsize = uint64_t(1) << idx;
  // A bigger page size later in the range limits this call to the boundary before it.
  const uint64_t bigger = pgsizes & ~fls_mask(pgsize);
  if (bigger) {
    const uint64_t next = bigger & -bigger;
    if (!((iova ^ paddr) & (next - 1))) {
      const uint64_t offset = next - (addr_merge & (next - 1));
      if (offset + next <= size) size = offset;
    }
  }
  *count = size >> idx;
  return pgsize;
}

rc::Gen<Draft> draft_generator(const GeneratorLimits &limits) {
  using namespace rc;
  // Without attach, the kinds (and so the draws) are the ones drawn before attach existed.
  auto kinds = limits.attach ? gen::weightedElement<int>({{8, Choice::Map},
                                                          {5, Choice::Unmap},
                                                          {4, Choice::UnmapLast},
                                                          {1, Choice::FlushAll},
                                                          {6, Choice::Attach}})
                             : gen::weightedElement<int>(
                                   {{8, Choice::Map}, {5, Choice::Unmap}, {4, Choice::UnmapLast}, {1, Choice::FlushAll}});
  auto choice = gen::map(
      gen::tuple(kinds,
                 gen::inRange(0, 3), gen::inRange(0, 8), gen::inRange(0, 5), gen::weightedElement<int>({{4, 0}, {1, 1}})),
      [](const std::tuple<int, int, int, int, int> &t) {
        Choice c;
        c.kind = static_cast<Choice::Kind>(std::get<0>(t));
        c.scale = std::get<1>(t);
        c.position = std::get<2>(t);
        c.count = std::get<3>(t);
        c.pa_skew = std::get<4>(t);
        return c;
      });
  std::vector<uint64_t> granules = limits.granules;
  const bool nc = limits.non_coherent, ats = limits.ats;
  rc::Gen<kshim_explore_config> paging = gen::mapcat(gen::elementOf(granules), [nc, ats](uint64_t granule) {
    return gen::map(gen::tuple(gen::element(1, 2), nc ? gen::element(1, 0) : gen::just(1), gen::element(1, 0),
                               granule == 4096 ? gen::element(48, 40) : gen::just(48),
                               ats ? gen::element(0, 1) : gen::just(0)),
                    [granule](const std::tuple<int, int, int, int, int> &t) {
                      kshim_explore_config c{};
                      c.granule = granule;
                      c.stage = std::get<0>(t);
                      c.coherent_walk = std::get<1>(t);
                      c.range_inv = std::get<2>(t);
                      c.ias_bits = std::get<3>(t);
                      c.ats = std::get<4>(t);
                      return c;
                    });
  });
  // The CPU's table: 4K pages, 48-bit VAs, stage 1; SVA needs a coherent SMMU.
  rc::Gen<kshim_explore_config> sva = gen::map(gen::element(1, 0), [](int range_inv) {
    kshim_explore_config c{};
    c.granule = 4096;
    c.stage = 1;
    c.coherent_walk = 1;
    c.range_inv = range_inv;
    c.ias_bits = 48;
    c.sva = 1;
    return c;
  });
  // Paging alone (and without attach) draws exactly what it drew before SVA existed.
  rc::Gen<kshim_explore_config> config =
      !limits.sva ? paging
      : !limits.paging
          ? sva
          : gen::mapcat(gen::weightedElement<int>({{3, 0}, {1, 1}}),
                        [paging, sva](int is_sva) { return is_sva ? sva : paging; });
  // A master with STEs in two of three paging configurations without ATS
  // (attach does not drive ATS); its CD table and stall setting drawn with it.
  if (limits.attach) {
    const bool cd_2lvl = limits.cd_2lvl;
    config = gen::mapcat(config, [cd_2lvl](kshim_explore_config c) -> rc::Gen<kshim_explore_config> {
      if (c.sva || c.ats) return gen::just(c);
      return gen::map(gen::tuple(gen::element(1, 1, 0), cd_2lvl ? gen::element(0, 1) : gen::just(0), gen::element(0, 1)),
                      [c](const std::tuple<int, int, int> &t) {
                        kshim_explore_config x = c;
                        x.attach = std::get<0>(t);
                        x.cd_2lvl = x.attach && std::get<1>(t);
                        x.stall = x.attach && std::get<2>(t);
                        return x;
                      });
    });
  }
  // The length is drawn apart from the steps: a size given to the container
  // would also shrink every value drawn inside it.
  const int max_ops = limits.max_ops;
  auto steps = gen::mapcat(gen::inRange(1, max_ops + 1), [choice](int n) {
    return gen::map(gen::container<std::vector<Choice>>(choice), [n](std::vector<Choice> v) {
      if (v.size() > static_cast<size_t>(n)) v.resize(n);
      if (v.empty()) v.push_back(Choice{});
      return v;
    });
  });
  return gen::map(gen::tuple(config, steps), [](const std::tuple<kshim_explore_config, std::vector<Choice>> &t) {
    return Draft{std::get<0>(t), std::get<1>(t)};
  });
}

Concrete concretize(const Draft &d, uint64_t base, uint64_t pgsizes, bool allow_split) {
  Concrete out;
  out.paths.ats_sequences = d.config.ats ? 1 : 0;
  out.paths.attach_sequences = d.config.attach ? 1 : 0;
  out.sequence.config = d.config;
  ShadowTable shadow(d.config.granule);
  const uint64_t entries = d.config.granule / 8;
  const uint64_t window = 2 * shadow.block_size(1);
  uint64_t last_map_iova = 0, last_map_size = 0;
  for (size_t step = 0; step < d.choices.size(); ++step) {
    const Choice &c = d.choices[step];
    auto emit = [&](kshim_explore_op op) {
      out.sequence.ops.push_back(op);
      out.step_of_op.push_back(static_cast<int>(step));
    };
    if (c.kind == Choice::Attach) {
      if (!d.config.attach) continue;
      // The sequence's domain first (where shrinking goes), then the switches between paging domains.
      const int menu[] = {KSHIM_XDOM_A, KSHIM_XDOM_B, KSHIM_XDOM_BLOCKED, KSHIM_XDOM_X,
                          KSHIM_XDOM_IDENTITY, KSHIM_XDOM_A, KSHIM_XDOM_B, KSHIM_XDOM_A};
      emit({KSHIM_XOP_ATTACH, static_cast<uint64_t>(menu[c.position % 8]), 0, 0, 0});
      ++out.paths.attaches;
      continue;
    }
    if (c.kind == Choice::FlushAll) {
      // flush_tlb_mm: the notifier's whole address space, end - start == ULONG_MAX.
      if (d.config.sva) emit({KSHIM_XOP_NOTIFY, 0, ~uint64_t(0), 0, 0});
      else emit({KSHIM_XOP_FLUSH_ALL, 0, 0, 0, 0});
      ++out.paths.flushes;
      continue;
    }
    uint64_t iova, size;
    if (c.kind == Choice::UnmapLast) {
      if (!last_map_size) continue;
      iova = last_map_iova;
      size = last_map_size;
    } else {
      const uint64_t unit = shadow.block_size(3 - c.scale);
      const uint64_t units = window / unit;
      // Near the start of a table, and around the end of the first one.
      const uint64_t positions[] = {0, 1, 2, 3, entries - 2, entries - 1, entries, entries + 1};
      const uint64_t counts[] = {1, 2, 3, entries / 2, entries};
      uint64_t pos = positions[c.position % 8], count = counts[c.count % 5];
      if (pos >= units) pos = pos % units;
      if (pos + count > units) count = units - pos;
      iova = base + pos * unit;
      size = count * unit;
    }
    // Each step maps to its own output range, so a stale translation is told apart.
    const uint64_t skew = c.pa_skew && c.scale == 0 ? d.config.granule : 0;
    const uint64_t pa = kPaBase + (step % 4) * 2 * window + (iova - base) + skew;

    ShadowTable after = shadow;
    std::vector<kshim_explore_op> calls;
    PathCounts paths;
    bool valid = true;
    uint64_t done = 0, entries_written = 0;
    while (valid && done < size) {
      uint64_t n = 0;
      const uint64_t at = iova + done;
      const uint64_t pg = core_pgsize(pgsizes, at, c.kind == Choice::Map ? pa + done : at, size - done, &n);
      if (!pg) {
        valid = false;
        break;
      }
      if (at / (pg * entries) != (at + pg * n - 1) / (pg * entries)) ++paths.table_crossings;
      for (uint64_t i = 0; valid && i < n; ++i) {
        const uint64_t piece = at + i * pg;
        if (c.kind == Choice::Map) {
          auto e = after.map_effect(piece, pg);
          valid = e != ShadowTable::Effect::Invalid;
          if (!valid) break;
          paths.tables_freed_by_map += e == ShadowTable::Effect::FreesTable;
          paths.blocks_mapped += pg != shadow.block_size(3);
          after.map(piece, pa + done + i * pg, pg);
        } else {
          auto e = after.unmap_effect(piece, pg);
          valid = e != ShadowTable::Effect::Invalid && (allow_split || e != ShadowTable::Effect::Splits);
          if (!valid) break;
          paths.tables_freed_by_unmap += e == ShadowTable::Effect::FreesTable;
          paths.splits += e == ShadowTable::Effect::Splits;
          after.unmap(piece, pg);
        }
      }
      entries_written += n;
      if (c.kind == Choice::Map)
        calls.push_back({KSHIM_XOP_MAP, at, pa + done, pg, n});
      else
        calls.push_back({KSHIM_XOP_UNMAP, at, 0, pg, n});
      done += pg * n;
    }
    // The core would not make this call, or it writes so many entries that
    // the walker's cost (per event) outgrows a sequence: the step is dropped.
    if (!valid || entries_written > kMaxEntriesPerStep) continue;
    shadow = after;
    for (const auto &call : calls) emit(call);
    if (d.config.sva) {
      // The mm flushes what it unmapped, and a table it replaced by a block
      // (a huge page collapsed); a fresh entry needs no flush.
      if (c.kind != Choice::Map || paths.tables_freed_by_map) emit({KSHIM_XOP_NOTIFY, iova, iova + size, 0, 0});
    } else if (c.kind != Choice::Map) {
      emit({KSHIM_XOP_IOTLB_SYNC, 0, 0, 0, 0});
    }
    if (c.kind == Choice::Map) {
      ++paths.maps;
      last_map_iova = iova;
      last_map_size = size;
    } else {
      ++paths.unmaps;
    }
    out.paths += paths;
    // What the tables must translate now, at the range's edges.
    for (uint64_t probe : {iova, iova + size - 1, iova + size, iova - 1})
      if (probe >= base && probe < base + window)
        emit({KSHIM_XOP_EXPECT_PHYS, probe, shadow.translate(probe), 0, 0});
  }
  return out;
}

}  // namespace smmu::explore
