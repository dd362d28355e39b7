// SPDX-License-Identifier: MIT
/*
 * Scenarios of the 6.9+ driver's domains, on the fixture of
 * scenarios_612_smmu.c (included before this file, at the end of the
 * arm-smmu-v3.c slice): S1 attach of a domain that already maps pages, and
 * TLB invalidation with and without range invalidation (RIL).
 */
#include "kshim_scenario.h"

/* Domains here have real page tables and the driver's flush ops: the tree needs both families. */
#if defined(KSHIM_FAMILY_sweep) && defined(KSHIM_FAMILY_pt_smmu)

/*
 * ---- 5. S1 attach of a domain that already maps pages ----
 *
 * The structure graph's chain on the real driver: the CD names page tables
 * that hold mappings, and the domain maps again (a new level-0 entry) after
 * its CD is written but before any STE names the CD table, so the STE's
 * publication must make that store visible too.
 */

static int sc_attach_s1_mapped(bool two_level)
{
	const int prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	struct arm_smmu_ste target;
	size_t mapped = 0;

	sc_setup(SC_FEATURES | (two_level ? ARM_SMMU_FEAT_2_LVL_CDTAB : 0), 8, two_level ? 20 : 0);
	sc_init_strtab();
	for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
		kshim_desc_register(arm_smmu_get_step_for_sid(&sc.smmu, sc_sids[i]),
				    sizeof(struct arm_smmu_ste), KSHIM_DESC_STE, sc_ste_names[i]);
	sc_domain_init(&sc.s1, ARM_SMMU_DOMAIN_S1, 5);

	KSHIM_NOTE("abort -> bypass (SIDs 0x10 and 0x11)");
	arm_smmu_make_bypass_ste(&sc.smmu, &target);
	sc_install_ste(&target, 2, "abort -> bypass");

	KSHIM_NOTE("map 4K at IOVA 0x10000 -> PA 0x%llx before the CD names the tables", SC_PA);
	KSHIM_CHECK(!arm_smmu_map_pages(&sc.s1.domain, 0x10000, SC_PA, SZ_4K, 1, prot, GFP_KERNEL, &mapped),
		    "mapping IOVA 0x10000 failed");
	sc_check_cmds("map before the CD");

	sc_write_s1_cd0(two_level);

	/* 512 GiB: another level-0 entry of the 48-bit, 4K-granule tables. */
	KSHIM_NOTE("map 4K at IOVA 0x8000000000 while no STE names the CD table");
	KSHIM_CHECK(!arm_smmu_map_pages(&sc.s1.domain, 0x8000000000ULL, SC_PA + SZ_2M, SZ_4K, 1, prot,
					GFP_KERNEL, &mapped),
		    "mapping IOVA 0x8000000000 failed");
	sc_check_cmds("map after the CD");

	KSHIM_NOTE("bypass -> S1 CD table (S1DSS=SSID0)");
	arm_smmu_make_cdtable_ste(&target, &sc.master, false, STRTAB_STE_1_S1DSS_SSID0);
	sc_install_ste(&target, 3, "bypass -> S1");
	KSHIM_CHECK(sc.master.cd_table.in_ste, "the CD table is not marked as in the STE");
	return 0;
}

KSHIM_SCENARIO(attach_s1_mapped_linear,
	       "S1 attach (SIDs 0x10/0x11, linear CD table) of a domain that maps a page before its CD "
	       "is written and another before its STE is installed")
{
	return sc_attach_s1_mapped(false);
}

#ifdef KSHIM_FAMILY_l1
KSHIM_SCENARIO(attach_s1_mapped_2lvl, "as attach_s1_mapped_linear with a 2-level CD table")
{
	return sc_attach_s1_mapped(true);
}
#endif

/*
 * ---- 4. TLB invalidation ----
 *
 * Through the driver's domain ops. 6.9-6.18 build the commands from the
 * domain's ASID/VMID (arm_smmu_tlb_inv_range_domain); 7.x from the domain's
 * arm_smmu_invs array (arm_smmu_domain_inv_range), filled by sc_attach_invs.
 * The commands are the same but for the non-RIL walk flush (see there).
 */

static int sc_tlbi(enum arm_smmu_domain_stage stage, bool ril)
{
	bool s1 = stage == ARM_SMMU_DOMAIN_S1;
	struct arm_smmu_domain *d = s1 ? &sc.s1 : &sc.s2;
	struct iommu_domain *dom = &d->domain;
	struct io_pgtable_ops *ops;
	struct iommu_iotlb_gather gather;
	const int prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	u8 op = s1 ? SC_OP_TLBI_NH_VA : SC_OP_TLBI_S2_IPA;
	u16 asid = s1 ? 5 : 0, vmid = s1 ? 0 : 1;
	size_t mapped = 0;

	sc_setup(SC_FEATURES | (ril ? ARM_SMMU_FEAT_RANGE_INV : 0), 16, 0);
	sc_domain_init(d, stage, s1 ? asid : vmid);
	ops = d->pgtbl_ops;

	KSHIM_NOTE("map 4 x 4K at IOVA 0x10000 -> PA 0x%llx", SC_PA);
	KSHIM_CHECK(!arm_smmu_map_pages(dom, 0x10000, SC_PA, SZ_4K, 4, prot, GFP_KERNEL, &mapped) &&
			    mapped == SZ_16K,
		    "mapping 4 pages failed");
	KSHIM_CHECK(ops->iova_to_phys(ops, 0x12345) == SC_PA + 0x2345, "iova_to_phys(0x12345) is wrong");
	sc_check_cmds("map");

	KSHIM_NOTE("unmap the 4 pages, then iotlb_sync (leaf, 16K)");
	iommu_iotlb_gather_init(&gather);
	KSHIM_CHECK(arm_smmu_unmap_pages(dom, 0x10000, SZ_4K, 4, &gather) == SZ_16K, "unmap failed");
	sc_check_cmds("unmap (gathered, nothing issued yet)");
	iommu_iotlb_sync(dom, &gather);
	if (ril) /* one range: NUM=0 (1 x), SCALE=2 (4 pages), TTL=3, TG=1 (4K) */
		sc_exp_tlbi(op, asid, vmid, 0x10000, 0, 2, 3, 1, true);
	else
		for (int i = 0; i < 4; i++)
			sc_exp_tlbi(op, asid, vmid, 0x10000 + i * SZ_4K, 0, 0, 0, 0, true);
	sc_exp_sync();
	sc_check_cmds("iotlb_sync after unmapping 4 pages");
	KSHIM_CHECK(ops->iova_to_phys(ops, 0x12345) == 0, "IOVA 0x12345 is still mapped");

	KSHIM_NOTE("map a 2M block at IOVA 0x200000 -> PA 0x%llx, unmap it, iotlb_sync", SC_PA + SZ_2M);
	KSHIM_CHECK(!arm_smmu_map_pages(dom, 0x200000, SC_PA + SZ_2M, SZ_2M, 1, prot, GFP_KERNEL, &mapped),
		    "mapping the block failed");
	KSHIM_CHECK(ops->iova_to_phys(ops, 0x212345) == SC_PA + 0x212345, "iova_to_phys(0x212345) is wrong");
	iommu_iotlb_gather_init(&gather);
	KSHIM_CHECK(arm_smmu_unmap_pages(dom, 0x200000, SZ_2M, 1, &gather) == SZ_2M, "unmap failed");
	iommu_iotlb_sync(dom, &gather);
	if (ril) /* NUM=0, SCALE=9 (512 pages), TTL=2 (a level-2 block) */
		sc_exp_tlbi(op, asid, vmid, 0x200000, 0, 9, 2, 1, true);
	else /* the granule is the block: one command */
		sc_exp_tlbi(op, asid, vmid, 0x200000, 0, 0, 0, 0, true);
	sc_exp_sync();
	sc_check_cmds("iotlb_sync after unmapping the block");

	KSHIM_NOTE("map a page at IOVA 0x400000, then unmap the 2M range holding its table");
	KSHIM_CHECK(!arm_smmu_map_pages(dom, 0x400000, SC_PA + 2 * SZ_2M, SZ_4K, 1, prot, GFP_KERNEL, &mapped),
		    "mapping the page failed");
	sc_check_cmds("map");
	iommu_iotlb_gather_init(&gather);
	KSHIM_CHECK(arm_smmu_unmap_pages(dom, 0x400000, SZ_2M, 1, &gather) == SZ_2M, "unmap failed");
	/* tlb_flush_walk before the table is freed: non-leaf, TTL=0. */
	if (ril)
		sc_exp_tlbi(op, asid, vmid, 0x400000, 0, 9, 0, 1, false);
#ifdef KSHIM_HAVE_arm_smmu_domain_inv_range
	/*
	 * 7.x (arm_smmu_inv_size_too_big): without RIL, a range of 512 granules
	 * or more becomes the tag's whole invalidation, as arm64's MAX_TLBI_OPS.
	 */
	else if (s1)
		sc_exp_add(SC_OP_TLBI_NH_ASID | (u64)asid << 48, 0);
	else
		sc_exp_add(SC_OP_TLBI_S12_VMALL | (u64)vmid << 32, 0);
#else
	else /* earlier trees: one command per 4K page */
		for (int i = 0; i < 512; i++)
			sc_exp_tlbi(op, asid, vmid, 0x400000 + i * SZ_4K, 0, 0, 0, 0, false);
#endif
	sc_exp_sync();
	sc_check_cmds("tlb_flush_walk for the removed table");
	iommu_iotlb_sync(dom, &gather);
	if (ril)
		sc_exp_tlbi(op, asid, vmid, 0x400000, 0, 9, 2, 1, true);
	else
		sc_exp_tlbi(op, asid, vmid, 0x400000, 0, 0, 0, 0, true);
	sc_exp_sync();
	sc_check_cmds("iotlb_sync after removing the table");

	KSHIM_NOTE("flush_iotlb_all: the whole %s", s1 ? "ASID" : "VMID");
	arm_smmu_flush_iotlb_all(dom);
	if (s1)
		sc_exp_add(SC_OP_TLBI_NH_ASID | (u64)asid << 48, 0);
	else
		sc_exp_add(SC_OP_TLBI_S12_VMALL | (u64)vmid << 32, 0);
	sc_exp_sync();
	sc_check_cmds("flush_iotlb_all");

	KSHIM_NOTE("free the domain's page tables (free_io_pgtable_ops flushes all first)");
	free_io_pgtable_ops(ops);
	d->pgtbl_ops = NULL;
	if (s1)
		sc_exp_add(SC_OP_TLBI_NH_ASID | (u64)asid << 48, 0);
	else
		sc_exp_add(SC_OP_TLBI_S12_VMALL | (u64)vmid << 32, 0);
	sc_exp_sync();
	sc_check_cmds("free_io_pgtable_ops");
	return 0;
}

KSHIM_SCENARIO(tlbi_s1_ril,
	       "S1 domain ASID 5 with range invalidation: unmap 4 x 4K at 0x10000, a 2M block, a "
	       "table (flush_walk), then flush_iotlb_all")
{
	return sc_tlbi(ARM_SMMU_DOMAIN_S1, true);
}

KSHIM_SCENARIO(tlbi_s1_noril, "as tlbi_s1_ril without ARM_SMMU_FEAT_RANGE_INV")
{
	return sc_tlbi(ARM_SMMU_DOMAIN_S1, false);
}

KSHIM_SCENARIO(tlbi_s2_ril, "as tlbi_s1_ril for an S2 domain, VMID 1 (TLBI_S2_IPA, TLBI_S12_VMALL)")
{
	return sc_tlbi(ARM_SMMU_DOMAIN_S2, true);
}

KSHIM_SCENARIO(tlbi_s2_noril, "as tlbi_s2_ril without ARM_SMMU_FEAT_RANGE_INV")
{
	return sc_tlbi(ARM_SMMU_DOMAIN_S2, false);
}

#endif
