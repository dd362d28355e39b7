// SPDX-License-Identifier: MIT
/*
 * The driver of generated operation sequences (smmu-check explore): one
 * domain set up as the pt_* scenarios set it up (scenarios_612_walk.c, whose
 * pt_* helpers it reuses), then the operations the C++ generator chose,
 * each through the driver's own entry points: arm_smmu_map_pages,
 * arm_smmu_unmap_pages into a gather and iommu_iotlb_sync,
 * arm_smmu_flush_iotlb_all, and attaches (explore_attach.c). Every map call,
 * and every iommu_unmap, is preceded by a walk context (an operation
 * boundary) naming its IOVAs.
 *
 * The generator only asks for calls the IOMMU core could make (it mirrors
 * the tables, see explore/shadow_table.h); a call that still fails is a
 * finding of the kernel code itself (KSHIM_CHECK: status fail).
 */

#if defined(KSHIM_FAMILY_sweep) && defined(KSHIM_FAMILY_pt_smmu)

static struct iommu_iotlb_gather xp_gather;

static void xp_setup(const struct kshim_explore_config *cfg)
{
	pt_setup(cfg->granule, cfg->coherent_walk, cfg->range_inv,
		 cfg->stage == 2 ? ARM_SMMU_DOMAIN_S2 : ARM_SMMU_DOMAIN_S1, cfg->ias_bits, cfg->ats);
	iommu_iotlb_gather_init(&xp_gather);
}

int kshim_explore_driver_caps(void)
{
	int caps = 0;

#ifdef KSHIM_FAMILY_split
	caps |= KSHIM_XCAP_SPLIT;
#endif
#ifdef KSHIM_FAMILY_ats
	caps |= KSHIM_XCAP_ATS;
#endif
	return caps | XS_CAPS | XA_CAPS;
}

int kshim_explore_driver_geometry(const struct kshim_explore_config *cfg, kshim_u64 *base,
				  kshim_u64 *pgsizes)
{
	if (cfg->sva)
		return xs_geometry(cfg, base, pgsizes); /* explore_sva.c */
	xp_setup(cfg);
	*base = pt.base;
	*pgsizes = pt.d->domain.pgsize_bitmap;
	return pt_finish();
}

/*
 * As the IOMMU core's __iommu_map/__iommu_unmap loops: io-pgtable-arm stops at
 * the end of a table and reports what it did, and the core calls again for
 * the rest. Each map call is an operation boundary of its own.
 */
static void xp_map(const struct kshim_explore_op *op)
{
	unsigned long iova = op->iova;
	phys_addr_t pa = op->pa;
	size_t left = op->pgsize * op->count;

	while (left) {
		size_t mapped = 0;
		int ret;

		pt_ctx(iova, left);
		ret = arm_smmu_map_pages(&pt.d->domain, iova, pa, op->pgsize, left / op->pgsize,
					 PT_PROT, GFP_KERNEL, &mapped);
		KSHIM_CHECK(!ret && mapped && mapped <= left,
			    "map_pages(0x%lx, 0x%llx, 0x%llx x %zu) returned %d, mapped 0x%zx", iova,
			    pa, op->pgsize, left / op->pgsize, ret, mapped);
		iova += mapped;
		pa += mapped;
		left -= mapped;
	}
}

/*
 * One iommu_unmap is the UNMAP calls up to its IOTLB_SYNC. Its end is the
 * only stable state: until the sync, what it unmapped may still be cached,
 * so there is one operation boundary, before its first call, for its range.
 */
static void xp_unmap(const struct kshim_explore_op *ops, int i, int n)
{
	const struct kshim_explore_op *op = &ops[i];
	unsigned long iova = op->iova;
	size_t left = op->pgsize * op->count;

	if (i == 0 || ops[i - 1].kind != KSHIM_XOP_UNMAP) {
		unsigned long end = iova + left;

		for (int j = i + 1; j < n && ops[j].kind == KSHIM_XOP_UNMAP; j++)
			end = ops[j].iova + ops[j].pgsize * ops[j].count;
		pt_ctx(iova, end - iova);
	}
	while (left) {
		size_t unmapped;

		unmapped = arm_smmu_unmap_pages(&pt.d->domain, iova, op->pgsize, left / op->pgsize,
						&xp_gather);
		KSHIM_CHECK(unmapped && unmapped <= left,
			    "unmap_pages(0x%lx, 0x%llx x %zu) unmapped 0x%zx", iova, op->pgsize,
			    left / op->pgsize, unmapped);
		iova += unmapped;
		left -= unmapped;
	}
}

int kshim_explore_driver(const struct kshim_explore_config *cfg, const struct kshim_explore_op *ops,
			 int n)
{
	int ret;

	if (cfg->sva)
		return xs_run(cfg, ops, n); /* explore_sva.c */
	xp_setup(cfg);
	xa_setup(cfg); /* explore_attach.c */
	for (int i = 0; i < n; i++) {
		const struct kshim_explore_op *op = &ops[i];

		switch (op->kind) {
		case KSHIM_XOP_MAP:
			xp_map(op);
			break;
		case KSHIM_XOP_UNMAP:
			xp_unmap(ops, i, n);
			break;
		case KSHIM_XOP_IOTLB_SYNC:
			iommu_iotlb_sync(&pt.d->domain, &xp_gather);
			iommu_iotlb_gather_init(&xp_gather);
			break;
		case KSHIM_XOP_FLUSH_ALL:
			pt_ctx(0, 0);
			arm_smmu_flush_iotlb_all(&pt.d->domain);
			break;
		case KSHIM_XOP_EXPECT_PHYS:
			pt_check_phys(op->iova, op->pa);
			break;
		case KSHIM_XOP_ATTACH:
			KSHIM_CHECK(cfg->attach, "attach without a stream table (config.attach)");
			if (cfg->attach)
				xa_attach((int)op->iova);
			break;
		default:
			KSHIM_CHECK(0, "unknown operation kind %d", op->kind);
		}
	}
	ret = pt_finish();
	xa_finish(cfg);
	return ret;
}

#endif
