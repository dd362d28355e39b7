// SPDX-License-Identifier: MIT
/*
 * The page-table operations of the walker check's pt_* scenarios, on any
 * tree: the real io-pgtable-arm code driven through the driver's own
 * arm_smmu_map_pages and arm_smmu_unmap_pages (the same interface from 6.1
 * on). Each operation is preceded by a walk context (an operation boundary:
 * the tables there are a stable state).
 *
 * The includer (scenarios_612_walk.c, scenarios_61_walk.c) defines first:
 *   pt             its state: d (the domain), page and block (the granule and
 *                  a level-2 block), base (an IOVA, block aligned);
 *   pt_ctx(iova, size)  the walk context of [iova, iova + size);
 *   pt_sync(gather)     the caller's iotlb_sync after an unmap;
 *   PT_PA          the output address the operations map;
 * and, before it declares scenarios with PT_ONE and PT_S2,
 *   pt_run(op, granule, coherent, ril)  op on a stage-1 domain;
 *   pt_run_s2(op, coherent)             op on a stage-2 domain.
 */

#ifndef KSHIM_PT_WALK_OPS_H
#define KSHIM_PT_WALK_OPS_H

#define PT_PROT (IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE)

/* A map that sets a scene: no operation boundary before it. */
static void pt_map_setup(struct arm_smmu_domain *d, unsigned long iova, phys_addr_t pa,
			 size_t pgsize, size_t count)
{
	size_t mapped = 0;

	KSHIM_CHECK(!arm_smmu_map_pages(&d->domain, iova, pa, pgsize, count, PT_PROT, GFP_KERNEL,
					&mapped) &&
			    mapped == pgsize * count,
		    "map_pages(0x%lx, 0x%zx x %zu) mapped 0x%zx", iova, pgsize, count, mapped);
}

static void pt_map(unsigned long iova, phys_addr_t pa, size_t pgsize, size_t count)
{
	pt_ctx(iova, pgsize * count);
	pt_map_setup(pt.d, iova, pa, pgsize, count);
}

/* unmap_pages, then the caller's iotlb_sync (the gathered leaf TLBIs + CMD_SYNC). */
static void pt_unmap(unsigned long iova, size_t pgsize, size_t count)
{
	struct iommu_iotlb_gather gather;
	size_t unmapped;

	pt_ctx(iova, pgsize * count);
	iommu_iotlb_gather_init(&gather);
	unmapped = arm_smmu_unmap_pages(&pt.d->domain, iova, pgsize, count, &gather);
	KSHIM_CHECK(unmapped == pgsize * count, "unmap_pages(0x%lx, 0x%zx x %zu) unmapped 0x%zx", iova,
		    pgsize, count, unmapped);
	pt_sync(&gather);
}

static void pt_check_phys(unsigned long iova, phys_addr_t want)
{
	struct io_pgtable_ops *ops = pt.d->pgtbl_ops;
	phys_addr_t got = ops->iova_to_phys(ops, iova);

	KSHIM_CHECK(got == want, "iova_to_phys(0x%lx) = 0x%llx, expected 0x%llx", iova, got, want);
}

/* ---- the operations ---- */

/* Map one page into an empty table: every level's table is installed. */
static void pt_op_map_page(void)
{
	pt_map(pt.base + pt.page, PT_PA + pt.page, pt.page, 1);
	pt_check_phys(pt.base + pt.page + 0x18, PT_PA + pt.page + 0x18);
}

static void pt_op_map_block(void)
{
	pt_map(pt.base, PT_PA, pt.block, 1);
	pt_check_phys(pt.base + pt.block - 8, PT_PA + pt.block - 8);
}

/* Unmap one page of two: leaf TLBI for it, the table stays. */
static void pt_op_unmap_page(void)
{
	pt_map(pt.base, PT_PA, pt.page, 2);
	pt_unmap(pt.base, pt.page, 1);
	pt_check_phys(pt.base, 0);
	pt_check_phys(pt.base + pt.page, PT_PA + pt.page);
}

/*
 * Unmap a whole block's worth that is a table: the level-2 table descriptor
 * is cleared, tlb_flush_walk (non-leaf TLBI + CMD_SYNC) runs, then the table
 * is freed, then iotlb_sync.
 */
static void pt_op_unmap_table(void)
{
	pt_map(pt.base + pt.page, PT_PA, pt.page, 1);
	pt_unmap(pt.base, pt.block, 1);
	pt_check_phys(pt.base + pt.page, 0);
}

/* A block where a table used to be: the table is removed (walk flush), then the block mapped. */
static void pt_op_block_over_table(void)
{
	pt_map(pt.base + pt.page, PT_PA + pt.block, pt.page, 1);
	pt_unmap(pt.base, pt.block, 1);
	pt_map(pt.base, PT_PA, pt.block, 1);
	pt_check_phys(pt.base + pt.page, PT_PA + pt.page);
}

/*
 * Split a block by unmapping one page inside it: the block becomes a table.
 * Trees without the split (v6.14 on) refuse such an unmap: they have no
 * scenario that runs it (KSHIM_FAMILY_split).
 */
static void pt_op_split_block(void)
{
	unsigned long hole = pt.base + 5 * pt.page;

	pt_map(pt.base, PT_PA, pt.block, 1);
	pt_unmap(hole, pt.page, 1);
	pt_check_phys(hole, 0);
	pt_check_phys(hole + pt.page, PT_PA + 6 * pt.page);
	pt_check_phys(pt.base, PT_PA);
}

/* ---- the scenarios: names alike on every tree, so one expectation glob reads them all ---- */

#define PT_ONE(op, name, granule, coherent, ril, what)           \
	KSHIM_SCENARIO(pt_##op##_##name, what)                     \
	{                                                          \
		return pt_run(pt_op_##op, granule, coherent, ril); \
	}

/* The S1 operations both trees declare first, in this order: X(op, what). */
#define PT_COMMON_S1(X)                                                                \
	X(map_page, "S1: map a page into an empty table (installs the tables)")           \
	X(map_block, "S1: map a level-2 block")                                           \
	X(unmap_page, "S1: unmap one page of two, iotlb_sync")                            \
	X(unmap_table, "S1: unmap a level-2 span holding a table (walk flush, table freed)")

/* suffix: empty for a coherent walk, _nc for a non-coherent one. */
#define PT_S2(op, suffix, coherent, what)                 \
	KSHIM_SCENARIO(pt_s2_##op##suffix, what)            \
	{                                                   \
		return pt_run_s2(pt_op_##op, coherent);     \
	}

#endif
