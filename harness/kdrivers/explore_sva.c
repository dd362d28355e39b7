// SPDX-License-Identifier: MIT
/*
 * Generated sequences on an SVA domain (explore's domain=sva): the SMMU walks
 * a process's page table, and without BTM it hears of the CPU's changes only
 * through the SVA code's mmu notifier.
 *
 * - The mm's page table is stood in for by the tree's own io-pgtable-arm
 *   stage-1 table (the VMSAv8-64 format, 4K granule = PAGE_SIZE, 48-bit VA =
 *   vabits_actual). Its TLB callbacks are the CPU's own maintenance: they
 *   send nothing to the SMMU.
 * - Tables the CPU frees wait, as the mm's tlb_remove_table makes them wait,
 *   until the TLB flush that follows: here, the next NOTIFY has returned
 *   (its CMD_SYNC is complete).
 * - NOTIFY is mmu_notifier_arch_invalidate_secondary_tlbs(mm, start, end):
 *   the ops the SVA unit installs (arm_smmu_v3_sva_glue.c), called as
 *   mm/mmu_notifier.c calls them.
 * - The SVA domain is set up as arm_smmu_sva_domain_alloc sets it up (ASID
 *   from the ASID xarray, pgsize_bitmap = PAGE_SIZE, the notifier ops); on
 *   7.x its invalidation array is filled as the PASID attach fills it.
 *   arm_smmu_sva_supported requires ARM_SMMU_FEAT_COHERENCY: the walk is
 *   coherent.
 *
 * Included at the end of the arm-smmu-v3.c slice before explore_pt.c, which
 * hands a domain=sva configuration over to xs_run / xs_geometry.
 */

#if defined(KSHIM_FAMILY_sweep) && defined(KSHIM_FAMILY_pt_smmu)

#include "explore_steps.h"

#ifdef KSHIM_FAMILY_sva

const struct mmu_notifier_ops *kshim_sva_notifier_ops(void); /* arm_smmu_v3_sva_glue.c */

#define XS_CAPS KSHIM_XCAP_SVA
/* The first ASID arm_smmu_sva_domain_alloc takes from arm_smmu_asid_xa (XA_LIMIT(1, ...)). */
#define XS_ASID 1
#define XS_MAX_FREED 1024

static struct {
	struct arm_smmu_domain *d;
	struct io_pgtable_ops *mm_ops; /* the mm's page table */
	struct mm_struct mm;
	unsigned long base;
	void *freed[XS_MAX_FREED]; /* tables the CPU freed, waiting for the TLB flush */
	int nfreed;
	bool torn_down;
} xs;

/* The CPU's TLB maintenance: its own TLB, which nothing here models. */
static void xs_cpu_tlb_flush_all(void *cookie) { }
static void xs_cpu_tlb_flush_walk(unsigned long iova, size_t size, size_t granule, void *cookie) { }
static void xs_cpu_tlb_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
				size_t granule, void *cookie)
{
}

static const struct iommu_flush_ops xs_cpu_tlb = {
	.tlb_flush_all = xs_cpu_tlb_flush_all,
	.tlb_flush_walk = xs_cpu_tlb_flush_walk,
	.tlb_add_page = xs_cpu_tlb_add_page,
};

/* Events name this file as the other drivers do, from kdrivers/ on. */
#define XS_FILE (__builtin_strstr(__FILE__, "kdrivers/") ?: __FILE__)

/* The mm's page-table pages: zeroed (GFP_PGTABLE_USER), fetchable by the SMMU. */
static void *xs_table_alloc(void *cookie, size_t size, gfp_t gfp)
{
	return __kshim_table_pages(gfp | __GFP_ZERO, get_order(size), XS_FILE, __LINE__);
}

/* tlb_remove_table: the page is freed only after the TLB flush (xs_free_deferred). */
static void xs_table_free(void *cookie, void *pages, size_t size)
{
	if (xs.torn_down) { /* the whole table, after the last stable state */
		kshim_free(pages, XS_FILE, __LINE__);
		return;
	}
	KSHIM_CHECK(xs.nfreed < XS_MAX_FREED, "more than %d tables freed before a flush", XS_MAX_FREED);
	xs.freed[xs.nfreed++] = pages;
}

static void xs_free_deferred(void)
{
	if (xs.nfreed)
		KSHIM_NOTE("free %d page-table page(s) the CPU unlinked (after the TLB flush)", xs.nfreed);
	for (int i = 0; i < xs.nfreed; i++)
		kshim_free(xs.freed[i], XS_FILE, __LINE__);
	xs.nfreed = 0;
}

static void xs_ctx(unsigned long iova, size_t size)
{
	struct kshim_walk_geom tags = {
		.asid = xs.d->cd.asid,
		.tlbi_recorded = 1,
	};
	kshim_u64 iovas[] = { iova, iova + size - 1, iova + size, iova - 1 };

	kshim_iopt_walk_context_tagged(xs.mm_ops, &tags, iovas, size ? (iova ? 4 : 3) : 0, __FILE__,
				       __LINE__);
}

static void xs_setup(const struct kshim_explore_config *cfg)
{
	struct io_pgtable_cfg pcfg = {
		/* PAGE_SIZE, and the PMD and PUD block sizes of a 4K-page mm. */
		.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
		.ias = 48,
		.oas = 48,
		.coherent_walk = true,
		.tlb = &xs_cpu_tlb,
		.iommu_dev = sc.smmu.dev,
		.alloc = xs_table_alloc,
		.free = xs_table_free,
	};
	struct arm_smmu_domain *d;

	/* SC_FEATURES has ARM_SMMU_FEAT_COHERENCY, as arm_smmu_sva_supported requires. */
	sc_setup(SC_FEATURES | (cfg->range_inv ? ARM_SMMU_FEAT_RANGE_INV : 0), 5, 4);
	memset(&xs, 0, sizeof(xs));
	d = xs.d = &sc.s1;
	/* arm_smmu_domain_alloc + arm_smmu_sva_domain_alloc. */
	INIT_LIST_HEAD(&d->devices);
	d->domain.type = IOMMU_DOMAIN_SVA;
	d->domain.pgsize_bitmap = PAGE_SIZE;
	d->smmu = &sc.smmu;
	d->cd.asid = XS_ASID;
	d->mmu_notifier.ops = kshim_sva_notifier_ops();
	d->mmu_notifier.mm = &xs.mm;
#ifdef KSHIM_HAVE_arm_smmu_domain_inv_range
	d->stage = ARM_SMMU_DOMAIN_SVA;
	rcu_assign_pointer(d->invs, arm_smmu_invs_alloc(0));
#endif
#ifdef KSHIM_HAVE_arm_smmu_attach_prepare_invs
	sc_attach_invs(d); /* arm_smmu_set_pasid's attach_prepare: the ASID's entry */
#endif
	xs.mm_ops = alloc_io_pgtable_ops(ARM_64_LPAE_S1, &pcfg, d);
	KSHIM_CHECK(xs.mm_ops, "alloc_io_pgtable_ops (the mm's page table) failed");
	xs.mm.pgd = phys_to_virt(pcfg.arm_lpae_s1_cfg.ttbr); /* what the SVA CD's TTB0 holds */
	/* Two level-1 spans up, as the paging domains' window. */
	xs.base = 2UL * SZ_1G;
	KSHIM_NOTE("SVA domain (ASID %d) over an mm: the CPU's 4K stage-1 table, coherent SMMU, %s "
		   "range invalidation",
		   XS_ASID, cfg->range_inv ? "with" : "without");
}

static int xs_geometry(const struct kshim_explore_config *cfg, kshim_u64 *base, kshim_u64 *pgsizes)
{
	xs_setup(cfg);
	*base = xs.base;
	*pgsizes = SZ_4K | SZ_2M | SZ_1G;
	xs.torn_down = true;
	if (xs.mm_ops)
		free_io_pgtable_ops(xs.mm_ops);
	return 0;
}

/* The CPU populates entries (a fault, mmap with MAP_POPULATE, a huge page). */
static int xs_map_call(unsigned long iova, phys_addr_t pa, size_t pgsize, size_t count,
		       size_t *mapped)
{
	return xs.mm_ops->map_pages(xs.mm_ops, iova, pa, pgsize, count, PT_PROT, GFP_KERNEL, mapped);
}

/*
 * The CPU clears entries and unlinks tables (munmap, zap): the SMMU may use
 * what it cached until the NOTIFY that ends the step.
 */
static size_t xs_unmap_call(unsigned long iova, size_t pgsize, size_t count)
{
	struct iommu_iotlb_gather gather; /* the CPU's: its callbacks send nothing */

	iommu_iotlb_gather_init(&gather);
	return xs.mm_ops->unmap_pages(xs.mm_ops, iova, pgsize, count, &gather);
}

static const struct xstep_table xs_steps = {
	.map_name = "mm map",
	.unmap_name = "mm unmap",
	.ctx = xs_ctx,
	.map = xs_map_call,
	.unmap = xs_unmap_call,
};

/* mmu_notifier_arch_invalidate_secondary_tlbs: each subscription's op, then the tables go. */
static void xs_notify(unsigned long start, unsigned long end)
{
	struct mmu_notifier *mn = &xs.d->mmu_notifier;

	if (mn->ops->arch_invalidate_secondary_tlbs)
		mn->ops->arch_invalidate_secondary_tlbs(mn, &xs.mm, start, end);
	xs_free_deferred();
}

static void xs_check_phys(unsigned long iova, phys_addr_t want)
{
	phys_addr_t got = xs.mm_ops->iova_to_phys(xs.mm_ops, iova);

	KSHIM_CHECK(got == want, "mm walk of 0x%lx = 0x%llx, expected 0x%llx", iova, got, want);
}

static int xs_run(const struct kshim_explore_config *cfg, const struct kshim_explore_op *ops, int n)
{
	xs_setup(cfg);
	if (!xs.mm_ops)
		return 0;
	for (int i = 0; i < n; i++) {
		const struct kshim_explore_op *op = &ops[i];

		switch (op->kind) {
		case KSHIM_XOP_MAP:
			xstep_map(&xs_steps, op);
			break;
		case KSHIM_XOP_UNMAP:
			xstep_unmap(&xs_steps, ops, i, n);
			break;
		case KSHIM_XOP_NOTIFY:
			xs_notify(op->iova, op->pa);
			break;
		case KSHIM_XOP_EXPECT_PHYS:
			xs_check_phys(op->iova, op->pa);
			break;
		default:
			KSHIM_CHECK(0, "operation kind %d is not one of an SVA domain", op->kind);
		}
	}
	xs_ctx(0, 0); /* the last stable state */
	KSHIM_NOTE("free the mm's page table (after the last stable state)");
	xs_free_deferred();
	xs.torn_down = true;
	free_io_pgtable_ops(xs.mm_ops);
	return 0;
}

#else /* the tree's SVA unit has no mmu notifier: no domain=sva */

#define XS_CAPS 0

static int xs_geometry(const struct kshim_explore_config *cfg, kshim_u64 *base, kshim_u64 *pgsizes)
{
	return KSHIM_RUN_FAIL;
}

static int xs_run(const struct kshim_explore_config *cfg, const struct kshim_explore_op *ops, int n)
{
	KSHIM_CHECK(0, "domain=sva: the tree has no SVA mmu notifier");
	return 0;
}

#endif
#endif
