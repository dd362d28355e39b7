// SPDX-License-Identifier: MIT
/*
 * Page-table scenarios for the walker check (smmu-check pt), written against
 * Linux 6.12: the real io-pgtable-arm code driven through the driver's own
 * arm_smmu_map_pages / arm_smmu_unmap_pages / iotlb_sync, so every TLBI and
 * CMD_SYNC is the command the tree encodes (range invalidation, TTL, leaf,
 * flush_walk before a table is freed).
 *
 * Included at the end of the arm-smmu-v3.c slice after scenarios_612_smmu.c,
 * whose fake SMMU, master and domain set-up (sc_*) it reuses. Each operation
 * is preceded by a walk context (an operation boundary: the tables there are
 * a stable state) and the run ends with one.
 *
 * Variants: granule 4K, 16K, 64K (the SMMU's page sizes decide it, as
 * arm_lpae_restrict_pgsizes does); a coherent (ARM_SMMU_FEAT_COHERENCY) or a
 * non-coherent walker (coherent_walk=false: CMOs and SW_SYNC); with or without
 * range invalidation (ARM_SMMU_FEAT_RANGE_INV). Output addresses are above
 * 4 GiB so that torn high halves differ.
 */

/* Runs on scenarios_612_smmu.c's domains: the same families. */
#if defined(KSHIM_FAMILY_sweep) && defined(KSHIM_FAMILY_pt_smmu)

/* The io-pgtable-arm glue (io_pgtable_arm_glue.c, io_pgtable_arm_foreign_612.c). */
void kshim_iopt_walk_context_tagged(struct io_pgtable_ops *ops, const struct kshim_walk_geom *tags,
				    const kshim_u64 *iovas, int n, const char *file, int line);
u64 *kshim_iopt_ptep(struct io_pgtable_ops *ops, kshim_u64 iova, int lvl);
int kshim_iopt_foreign_table(struct io_pgtable_ops *ops, kshim_u64 iova, int lvl);

static struct {
	struct arm_smmu_domain *d;
	unsigned long page, block; /* the granule and a level-2 block */
	unsigned long base;        /* IOVA: two level-1 spans up, block aligned */
	const u64 *root_desc;      /* the STE/CD qword holding the table pointer, if any */
	u64 root_mask;
} pt;

static void pt_ctx(unsigned long iova, size_t size)
{
	struct arm_smmu_domain *d = pt.d;
	bool s1 = d->stage == ARM_SMMU_DOMAIN_S1;
	struct kshim_walk_geom tags = {
		.asid = s1 ? d->cd.asid : 0,
		.vmid = s1 ? 0 : d->s2_cfg.vmid,
		.root_desc = (kshim_u64)(unsigned long)pt.root_desc,
		.root_mask = pt.root_mask,
		.tlbi_recorded = 1,
	};

	/* An ATS master: its device caches translations per StreamID, without PASID. */
	if (sc.master.ats_enabled) {
		tags.ats_nsids = ARRAY_SIZE(sc_sids);
		for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
			tags.ats_sids[i] = sc_sids[i];
	}
	kshim_u64 iovas[] = { iova, iova + size - 1, iova + size, iova - 1 };

	kshim_iopt_walk_context_tagged(d->pgtbl_ops, &tags, iovas, size ? (iova ? 4 : 3) : 0,
				       __FILE__, __LINE__);
}

/* A page size bitmap as an SMMU with that granule reports it (IDR5). */
static unsigned long pt_pgsizes(unsigned long granule)
{
	switch (granule) {
	case SZ_16K:
		return SZ_16K | SZ_32M;
	case SZ_64K:
		return SZ_64K | SZ_512M;
	default:
		return SZ_4K | SZ_2M | SZ_1G;
	}
}

/* ats: the master has ATS enabled (trees of family ats only; ignored elsewhere). */
static void pt_setup(unsigned long granule, bool coherent, bool ril,
		     enum arm_smmu_domain_stage stage, unsigned int pa_bits, bool ats)
{
	u32 features = (SC_FEATURES & ~ARM_SMMU_FEAT_COHERENCY) |
		       (coherent ? ARM_SMMU_FEAT_COHERENCY : 0) | (ril ? ARM_SMMU_FEAT_RANGE_INV : 0);

#ifdef KSHIM_FAMILY_ats
	if (ats)
		features |= ARM_SMMU_FEAT_ATS;
#endif

	sc_setup(features, 5, 4); /* a linear stream table of 32 STEs */
	sc.smmu.pgsize_bitmap = pt_pgsizes(granule);
	sc.smmu.oas = pa_bits;
	memset(&pt, 0, sizeof(pt));
	pt.page = granule;
	pt.block = granule * (granule / 8);
	/* Level-1 span = block * entries per table. */
	pt.base = 2 * pt.block * (granule / 8);
	pt.d = stage == ARM_SMMU_DOMAIN_S1 ? &sc.s1 : &sc.s2;
	sc_domain_init(pt.d, stage, stage == ARM_SMMU_DOMAIN_S1 ? 5 : 1);
	KSHIM_NOTE("%s domain, %luK granule, %s walk, %s range invalidation%s",
		   stage == ARM_SMMU_DOMAIN_S1 ? "S1 (ASID 5)" : "S2 (VMID 1)", granule / SZ_1K,
		   coherent ? "coherent" : "non-coherent", ril ? "with" : "without",
		   sc.master.ats_enabled ? ", ATS master (SIDs 0x10, 0x11)" : "");
}

#define PT_PA SC_PA

static void pt_sync(struct iommu_iotlb_gather *gather)
{
	iommu_iotlb_sync(&pt.d->domain, gather);
}

#include "pt_walk_ops.h" /* pt_map, pt_unmap, pt_check_phys, the common pt_op_* */

static int pt_finish(void)
{
	pt_ctx(0, 0); /* the last stable state */
	KSHIM_NOTE("free_io_pgtable_ops (after the last stable state)");
	free_io_pgtable_ops(pt.d->pgtbl_ops);
	pt.d->pgtbl_ops = NULL;
	return 0;
}

/* ---- the operations beyond the common ones ---- */

/* Many blocks (4K: a 1G region of 2M blocks) unmapped at once: one gathered range. */
static void pt_op_unmap_blocks(void)
{
	size_t n = pt.page == SZ_4K ? 512 : 4;

	pt_map(pt.base, SC_PA, pt.block, n);
	pt_unmap(pt.base, pt.block, n);
	pt_check_phys(pt.base, 0);
	pt_check_phys(pt.base + n * pt.block - 1, 0);
}

/*
 * Map into a table whose pointer another CPU has just installed: its
 * cmpxchg is done, its clean and SW_SYNC marking are not, so this CPU
 * cleans the table descriptor itself (__arm_lpae_map, the SW_SYNC path).
 */
static void pt_op_sw_sync(void)
{
	pt_map(pt.base, SC_PA, pt.page, 1);
	pt_ctx(pt.base + pt.block, pt.page);
	KSHIM_NOTE("another CPU installs the level-3 table of IOVA 0x%lx (cmpxchg, no clean yet)",
		   pt.base + pt.block);
	KSHIM_CHECK(!kshim_iopt_foreign_table(pt.d->pgtbl_ops, pt.base + pt.block, 2),
		    "the foreign table install failed");
	pt_map(pt.base + pt.block, SC_PA + pt.block, pt.page, 1);
	/* This CPU cleans the descriptor; marking it SW_SYNC is left to the CPU that installed it. */
	KSHIM_CHECK(!(*kshim_iopt_ptep(pt.d->pgtbl_ops, pt.base + pt.block, 2) & (1ULL << 55)),
		    "the foreign table descriptor was marked SW_SYNC by this CPU");
	pt_check_phys(pt.base + pt.block, SC_PA + pt.block);
}

static int pt_run(void (*op)(void), unsigned long granule, bool coherent, bool ril)
{
	pt_setup(granule, coherent, ril, ARM_SMMU_DOMAIN_S1, 48, false);
	op();
	return pt_finish();
}

/*
 * Stage 2 on a 40-bit SMMU (IPA and PA 40 bits): io-pgtable-arm concatenates the two
 * level-0 tables into a level-1 PGD of 2 pages (start level 1, 10 index bits).
 */
static int pt_run_s2(void (*op)(void), bool coherent)
{
	pt_setup(SZ_4K, coherent, true, ARM_SMMU_DOMAIN_S2, 40, false);
	op();
	return pt_finish();
}

/* 4K/16K/64K x coherent/non-coherent, with range invalidation; 4K coherent without. */
#define PT_VARIANTS(op, what)                                                          \
	PT_ONE(op, 4k, SZ_4K, true, true, what ", 4K granule, coherent walk")              \
	PT_ONE(op, 4k_nc, SZ_4K, false, true, what ", 4K granule, non-coherent walk")      \
	PT_ONE(op, 16k, SZ_16K, true, true, what ", 16K granule, coherent walk")           \
	PT_ONE(op, 16k_nc, SZ_16K, false, true, what ", 16K granule, non-coherent walk")   \
	PT_ONE(op, 64k, SZ_64K, true, true, what ", 64K granule, coherent walk")           \
	PT_ONE(op, 64k_nc, SZ_64K, false, true, what ", 64K granule, non-coherent walk")   \
	PT_ONE(op, 4k_noril, SZ_4K, true, false,                                           \
	       what ", 4K granule, coherent walk, no range invalidation")

PT_COMMON_S1(PT_VARIANTS)
PT_VARIANTS(unmap_blocks, "S1: unmap many level-2 blocks at once (4K: 1G of 2M blocks)")
PT_VARIANTS(block_over_table, "S1: map a block where a table used to be")
#ifdef KSHIM_FAMILY_split
PT_VARIANTS(split_block, "S1: unmap a page inside a block (split into a table)")
#endif

PT_ONE(sw_sync, 4k_nc, SZ_4K, false, true,
       "S1: map into a table another CPU just installed (SW_SYNC path), 4K, non-coherent walk")
PT_ONE(sw_sync, 16k_nc, SZ_16K, false, true,
       "S1: map into a table another CPU just installed (SW_SYNC path), 16K, non-coherent walk")
PT_ONE(sw_sync, 64k_nc, SZ_64K, false, true,
       "S1: map into a table another CPU just installed (SW_SYNC path), 64K, non-coherent walk")

PT_S2(map_page, , true, "S2 (IPA 40 bits, concatenated PGD): map a page, coherent walk")
PT_S2(map_page, _nc, false, "S2 (IPA 40 bits, concatenated PGD): map a page, non-coherent walk")
PT_S2(unmap_table, , true, "S2 (IPA 40 bits): unmap a level-2 span holding a table, coherent walk")
#ifdef KSHIM_FAMILY_split
PT_S2(split_block, _nc, false, "S2 (IPA 40 bits): split a block, non-coherent walk")
#endif

/* ---- a new table pointer in a CD or STE, observed with the walk ---- */

#define PT_IOVA_SWITCH 0x40000000UL

/*
 * The CD of SSID 0 moves from domain A's tables to domain B's under the same
 * ASID (only TTB0 changes: the writer's one-qword hitless path), then the
 * ASID's TLB entries are invalidated (TLBI_NH_ASID + CMD_SYNC). IOVA
 * 0x40000000 maps to different pages in A and B.
 */
static int pt_run_cd_ttb0(bool coherent)
{
	struct arm_smmu_cd target, *cd;

	pt_setup(SZ_4K, coherent, true, ARM_SMMU_DOMAIN_S1, 48, false);
	sc_domain_init(&sc.s1b, ARM_SMMU_DOMAIN_S1, 5);
	sc_expect_alloc(KSHIM_DESC_CD, "cdtab");
	cd = sc_alloc_cd(IOMMU_NO_PASID, false);
	arm_smmu_make_s1_cd(&target, &sc.master, &sc.s1);
	arm_smmu_write_cd_entry(&sc.master, IOMMU_NO_PASID, cd, &target);
	KSHIM_NOTE("domain A maps IOVA 0x%lx -> 0x%llx, domain B -> 0x%llx", PT_IOVA_SWITCH, SC_PA,
		   SC_PA + SZ_2M);
	pt_map_setup(&sc.s1, PT_IOVA_SWITCH, SC_PA, SZ_4K, 1);
	pt_map_setup(&sc.s1b, PT_IOVA_SWITCH, SC_PA + SZ_2M, SZ_4K, 1);

	pt.root_desc = &cd->data[1];
	pt.root_mask = CTXDESC_CD_1_TTB0_MASK;
	pt_ctx(PT_IOVA_SWITCH, SZ_4K);
	KSHIM_NOTE("CD of SSID 0: TTB0 of domain A -> domain B (same ASID)");
	arm_smmu_make_s1_cd(&target, &sc.master, &sc.s1b);
	arm_smmu_write_cd_entry(&sc.master, IOMMU_NO_PASID, cd, &target);
	KSHIM_CHECK(!memcmp(cd, &target, sizeof(target)), "the CD is not the target");
	arm_smmu_flush_ops.tlb_flush_all(&sc.s1b);
	pt_ctx(0, 0);
	KSHIM_NOTE("free both domains' tables (after the last stable state)");
	free_io_pgtable_ops(sc.s1.pgtbl_ops);
	free_io_pgtable_ops(sc.s1b.pgtbl_ops);
	return 0;
}

KSHIM_SCENARIO(pt_cd_ttb0, "CD TTB0 moves to another domain's tables (same ASID), coherent SMMU; "
			   "the walk starts at the CD")
{
	return pt_run_cd_ttb0(true);
}

KSHIM_SCENARIO(pt_cd_ttb0_nc, "as pt_cd_ttb0 on a non-coherent SMMU")
{
	return pt_run_cd_ttb0(false);
}

/*
 * The STE of SID 0x10 moves from S2 domain A's tables to B's under the same
 * VMID (only S2TTB changes), then TLBI_S12_VMALL + CMD_SYNC.
 */
static int pt_run_ste_s2ttb(bool coherent)
{
	struct arm_smmu_ste target;
	struct arm_smmu_domain *b = &sc.s1b;

	pt_setup(SZ_4K, coherent, true, ARM_SMMU_DOMAIN_S2, 48, false);
	sc_domain_init(b, ARM_SMMU_DOMAIN_S2, 1);
	sc_expect_alloc(KSHIM_DESC_STE, "strtab");
	sc_init_strtab();
	arm_smmu_make_s2_domain_ste(&target, &sc.master, &sc.s2, false);
	arm_smmu_install_ste_for_dev(&sc.master, &target);
	pt_map_setup(&sc.s2, PT_IOVA_SWITCH, SC_PA, SZ_4K, 1);
	pt_map_setup(b, PT_IOVA_SWITCH, SC_PA + SZ_2M, SZ_4K, 1);

	pt.root_desc = &arm_smmu_get_step_for_sid(&sc.smmu, sc_sids[0])->data[3];
	pt.root_mask = STRTAB_STE_3_S2TTB_MASK;
	pt_ctx(PT_IOVA_SWITCH, SZ_4K);
	KSHIM_NOTE("STE of SID 0x10: S2TTB of domain A -> domain B (same VMID)");
	arm_smmu_make_s2_domain_ste(&target, &sc.master, b, false);
	arm_smmu_install_ste_for_dev(&sc.master, &target);
	arm_smmu_flush_ops.tlb_flush_all(b);
	pt_ctx(0, 0);
	KSHIM_NOTE("free both domains' tables (after the last stable state)");
	free_io_pgtable_ops(sc.s2.pgtbl_ops);
	free_io_pgtable_ops(b->pgtbl_ops);
	return 0;
}

KSHIM_SCENARIO(pt_ste_s2ttb, "STE S2TTB moves to another S2 domain's tables (same VMID), coherent "
			     "SMMU; the walk starts at the STE")
{
	return pt_run_ste_s2ttb(true);
}

KSHIM_SCENARIO(pt_ste_s2ttb_nc, "as pt_ste_s2ttb on a non-coherent SMMU")
{
	return pt_run_ste_s2ttb(false);
}

#endif
