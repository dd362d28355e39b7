// SPDX-License-Identifier: MIT
/*
 * The map and unmap steps of a generated sequence, on whichever table a
 * domain has: the driver's (explore_pt.c, arm_smmu_map_pages) or an mm's
 * (explore_sva.c, the CPU's io-pgtable). Both follow the IOMMU core's
 * __iommu_map/__iommu_unmap loops: the table code stops at the end of a
 * table and reports what it did, and the caller calls again for the rest.
 *
 * Included by both (the same translation unit: the arm-smmu-v3.c slice).
 */

#ifndef KSHIM_EXPLORE_STEPS_H
#define KSHIM_EXPLORE_STEPS_H

struct xstep_table {
	const char *map_name, *unmap_name; /* what failure messages call the calls */
	void (*ctx)(unsigned long iova, size_t size); /* an operation boundary */
	int (*map)(unsigned long iova, phys_addr_t pa, size_t pgsize, size_t count, size_t *mapped);
	size_t (*unmap)(unsigned long iova, size_t pgsize, size_t count);
};

/* Each map call is an operation boundary of its own. */
static void xstep_map(const struct xstep_table *t, const struct kshim_explore_op *op)
{
	unsigned long iova = op->iova;
	phys_addr_t pa = op->pa;
	size_t left = op->pgsize * op->count;

	while (left) {
		size_t mapped = 0;
		int ret;

		t->ctx(iova, left);
		ret = t->map(iova, pa, op->pgsize, left / op->pgsize, &mapped);
		KSHIM_CHECK(!ret && mapped && mapped <= left,
			    "%s(0x%lx, 0x%llx, 0x%llx x %zu) returned %d, mapped 0x%zx", t->map_name,
			    iova, pa, op->pgsize, left / op->pgsize, ret, mapped);
		iova += mapped;
		pa += mapped;
		left -= mapped;
	}
}

/*
 * One unmap is the UNMAP operations up to the next other one (an
 * iommu_unmap up to its IOTLB_SYNC, or a munmap up to its NOTIFY). Its end
 * is the only stable state: until then what it unmapped may still be
 * cached, so there is one operation boundary, before its first call, for
 * its whole range.
 */
static void xstep_unmap(const struct xstep_table *t, const struct kshim_explore_op *ops, int i,
			int n)
{
	const struct kshim_explore_op *op = &ops[i];
	unsigned long iova = op->iova;
	size_t left = op->pgsize * op->count;

	if (i == 0 || ops[i - 1].kind != KSHIM_XOP_UNMAP) {
		unsigned long end = iova + left;

		for (int j = i + 1; j < n && ops[j].kind == KSHIM_XOP_UNMAP; j++)
			end = ops[j].iova + ops[j].pgsize * ops[j].count;
		t->ctx(iova, end - iova);
	}
	while (left) {
		size_t unmapped = t->unmap(iova, op->pgsize, left / op->pgsize);

		KSHIM_CHECK(unmapped && unmapped <= left, "%s(0x%lx, 0x%llx x %zu) unmapped 0x%zx",
			    t->unmap_name, iova, op->pgsize, left / op->pgsize, unmapped);
		iova += unmapped;
		left -= unmapped;
	}
}

#endif
