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

#include "explore_steps.h"

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

static int xp_map_call(unsigned long iova, phys_addr_t pa, size_t pgsize, size_t count,
		       size_t *mapped)
{
	return arm_smmu_map_pages(&pt.d->domain, iova, pa, pgsize, count, PT_PROT, GFP_KERNEL,
				  mapped);
}

/* Into the gather that the next IOTLB_SYNC sends. */
static size_t xp_unmap_call(unsigned long iova, size_t pgsize, size_t count)
{
	return arm_smmu_unmap_pages(&pt.d->domain, iova, pgsize, count, &xp_gather);
}

static const struct xstep_table xp_steps = {
	.map_name = "map_pages",
	.unmap_name = "unmap_pages",
	.ctx = pt_ctx,
	.map = xp_map_call,
	.unmap = xp_unmap_call,
};

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
			xstep_map(&xp_steps, op);
			break;
		case KSHIM_XOP_UNMAP:
			xstep_unmap(&xp_steps, ops, i, n);
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
