// SPDX-License-Identifier: MIT
/*
 * Page-table scenarios for the walker check (pt/pt_* rows) on the 6.1 driver:
 * the real io-pgtable-arm code driven through 6.1's own arm_smmu_map_pages,
 * arm_smmu_unmap_pages and arm_smmu_iotlb_sync, on a domain that the real
 * attach_dev finalised (so coherent_walk, the ASID or VMID and the flush ops
 * are the driver's). Every TLBI and CMD_SYNC is the command the tree encodes.
 *
 * Included at the end of the 6.1 slice after scenarios_61.c, whose fake SMMU
 * and master (env, setup, attach) it reuses. Each operation is preceded by a
 * walk context (an operation boundary: the tables there are a stable state)
 * and the run ends with one. 4K granule only: 6.1 picks it from
 * pgsize_bitmap exactly as later trees do, and the 6.12 rows cover the rest.
 */

/* The io-pgtable-arm glue (io_pgtable_arm_glue.c). */
void kshim_iopt_walk_context_tagged(struct io_pgtable_ops *ops, const struct kshim_walk_geom *tags,
				    const kshim_u64 *iovas, int n, const char *file, int line);

/* Output addresses in the second DRAM bank, above 4 GiB, so torn high halves differ. */
#define PT_PA 0x880000000ULL

static struct {
	struct arm_smmu_domain *d;
	unsigned long page, block; /* the granule and a level-2 block */
	unsigned long base;        /* IOVA: two level-1 spans up, block aligned */
} pt;

static void pt_ctx(unsigned long iova, size_t size)
{
	struct arm_smmu_domain *d = pt.d;
	bool s1 = d->stage == ARM_SMMU_DOMAIN_S1;
	struct kshim_walk_geom tags = {
		.asid = s1 ? d->s1_cfg.cd.asid : 0,
		.vmid = s1 ? 0 : d->s2_cfg.vmid,
		.tlbi_recorded = 1,
	};
	kshim_u64 iovas[] = { iova, iova + size - 1, iova + size, iova - 1 };

	kshim_iopt_walk_context_tagged(d->pgtbl_ops, &tags, iovas, size ? (iova ? 4 : 3) : 0,
				       __FILE__, __LINE__);
}

/* A master attached to a new S1 (DMA) or S2 (nesting) domain on an SMMU with these features. */
static void pt_setup(bool coherent, bool ril, bool s2)
{
	setup(0);
	env.smmu.features &= ~(ARM_SMMU_FEAT_COHERENCY | ARM_SMMU_FEAT_RANGE_INV);
	env.smmu.features |= (coherent ? ARM_SMMU_FEAT_COHERENCY : 0) | (ril ? ARM_SMMU_FEAT_RANGE_INV : 0);
	memset(&pt, 0, sizeof(pt));
	pt.page = SZ_4K;
	pt.block = SZ_2M;
	pt.base = 2UL * SZ_1G;
	pt.d = s2 ? new_s2_domain() : new_domain(IOMMU_DOMAIN_DMA);
	attach(pt.d, s2 ? "attach_dev(nesting domain, stage 2)" : "attach_dev(DMA domain, stage 1)");
	KSHIM_CHECK(pt.d->pgtbl_ops, "the domain has no page table");
	KSHIM_NOTE("%s, 4K granule, %s walk, %s range invalidation",
		   s2 ? "S2 (VMID 1)" : "S1", coherent ? "coherent" : "non-coherent",
		   ril ? "with" : "without");
}

/* The iommu core's iommu_iotlb_sync, without the domain->ops it would go through. */
static void pt_sync(struct iommu_iotlb_gather *gather)
{
	arm_smmu_iotlb_sync(&pt.d->domain, gather);
}

#include "pt_walk_ops.h" /* pt_map, pt_unmap, pt_check_phys and the operations, as on 6.12 */

static int pt_run_on(void (*op)(void), bool coherent, bool ril, bool s2)
{
	pt_setup(coherent, ril, s2);
	op();
	pt_ctx(0, 0); /* the last stable state */
	return 0;
}

/* 4K granule only (see above): the variants name no other. */
static int pt_run(void (*op)(void), unsigned long granule, bool coherent, bool ril)
{
	KSHIM_CHECK(granule == SZ_4K, "6.1's pt scenarios run on a 4K granule only");
	return pt_run_on(op, coherent, ril, false);
}

static int pt_run_s2(void (*op)(void), bool coherent)
{
	return pt_run_on(op, coherent, true, true);
}

/* Names as on 6.12, so one expectation glob reads alike for both trees. */
#define PT_VARIANTS(op, what)                                                          \
	PT_ONE(op, 4k, SZ_4K, true, true, what ", 4K granule, coherent walk")              \
	PT_ONE(op, 4k_nc, SZ_4K, false, true, what ", 4K granule, non-coherent walk")      \
	PT_ONE(op, 4k_noril, SZ_4K, true, false,                                           \
	       what ", 4K granule, coherent walk, no range invalidation")

PT_COMMON_S1(PT_VARIANTS)
PT_VARIANTS(block_over_table, "S1: map a block where a table used to be")
PT_VARIANTS(split_block, "S1: unmap a page inside a block (split into a table)")

PT_S2(map_page, , true, "S2 (VMID 1): map a page, coherent walk")
PT_S2(map_page, _nc, false, "S2 (VMID 1): map a page, non-coherent walk")
PT_S2(unmap_table, , true, "S2 (VMID 1): unmap a level-2 span holding a table, coherent walk")
