// SPDX-License-Identifier: MIT
/*
 * Scenarios of the 6.9+ driver's table writes, on the fixture of
 * scenarios_612_smmu.c (included before this file, at the end of the
 * arm-smmu-v3.c slice): STE installs with CFGI_STE/CMD_SYNC/PREFETCH_CFG,
 * CD writes with CFGI_CD, and the level-1 stream table descriptor.
 */
#include "kshim_scenario.h"

/* Domains here have real page tables and the driver's flush ops: the tree needs both families. */
#if defined(KSHIM_FAMILY_sweep) && defined(KSHIM_FAMILY_pt_smmu)

/* ---- 1. STE transitions through arm_smmu_install_ste_for_dev ---- */

static int sc_ste_transitions(bool two_level)
{
	struct arm_smmu_ste target;

	sc_setup(SC_FEATURES | (two_level ? ARM_SMMU_FEAT_2_LVL_STRTAB | ARM_SMMU_FEAT_2_LVL_CDTAB : 0),
		 two_level ? 16 : 8, two_level ? 20 : 0);
	/*
	 * Boot and probe_device happen unrecorded (strtab_l2_install records
	 * them); from here on the master's two STEs are fetchable.
	 */
	sc_init_strtab();
	for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
		kshim_desc_register(arm_smmu_get_step_for_sid(&sc.smmu, sc_sids[i]),
				    sizeof(struct arm_smmu_ste), KSHIM_DESC_STE, sc_ste_names[i]);
	sc_domain_init(&sc.s1, ARM_SMMU_DOMAIN_S1, 5);
	sc_domain_init(&sc.s2, ARM_SMMU_DOMAIN_S2, 1);

	KSHIM_NOTE("abort -> bypass (SIDs 0x10 and 0x11)");
	arm_smmu_make_bypass_ste(&sc.smmu, &target);
	sc_install_ste(&target, 2, "abort -> bypass");

	sc_write_s1_cd0(two_level);

	KSHIM_NOTE("bypass -> S1 CD table (S1DSS=SSID0)");
	arm_smmu_make_cdtable_ste(&target, &sc.master, false, STRTAB_STE_1_S1DSS_SSID0);
	sc_install_ste(&target, 3, "bypass -> S1");
	KSHIM_CHECK(sc.master.cd_table.in_ste, "the CD table is not marked as in the STE");

	/* Both STEs use S2VMID (0 in the CD-table STE), so it is a breaking update. */
	KSHIM_NOTE("S1 -> S2 domain, VMID 1 (breaking: V=0 first)");
	arm_smmu_make_s2_domain_ste(&target, &sc.master, &sc.s2, false);
	KSHIM_CHECK(FIELD_GET(STRTAB_STE_2_S2VMID, le64_to_cpu(target.data[2])) == 1,
		    "the S2 STE does not carry VMID 1");
	KSHIM_CHECK(le64_to_cpu(target.data[3]) > 0xffffffffULL,
		    "the S2 table is expected above 4 GiB (S2TTB 0x%llx)", le64_to_cpu(target.data[3]));
	sc_install_ste(&target, 3, "S1 -> S2");
	KSHIM_CHECK(!sc.master.cd_table.in_ste, "the CD table is still marked as in the STE");

	KSHIM_NOTE("S2 -> abort");
	arm_smmu_make_abort_ste(&target);
	sc_install_ste(&target, 2, "S2 -> abort");
	return 0;
}

#ifdef KSHIM_FAMILY_l1
KSHIM_SCENARIO(ste_transitions_2lvl,
	       "STEs of SIDs 0x10/0x11 in a 2-level stream table: abort -> bypass -> S1 (ASID 5) -> "
	       "S2 (VMID 1) -> abort, with CFGI_STE, CMD_SYNC and PREFETCH_CFG")
{
	return sc_ste_transitions(true);
}
#endif

KSHIM_SCENARIO(ste_transitions_linear,
	       "as ste_transitions_2lvl with a linear stream table and a linear CD table")
{
	return sc_ste_transitions(false);
}

/* ---- 2. CD writes through arm_smmu_write_cd_entry ---- */

static int sc_cd_writes(bool two_level)
{
	struct arm_smmu_cd target, *cd0, *cdn;
	/* A PASID in the second level-2 table when there are two levels. */
	u32 pasid = two_level ? 0x401 : 3;

	sc_setup(SC_FEATURES | (two_level ? ARM_SMMU_FEAT_2_LVL_CDTAB : 0), 16, two_level ? 20 : 4);
	sc_domain_init(&sc.s1, ARM_SMMU_DOMAIN_S1, 5);
	sc_domain_init(&sc.s1b, ARM_SMMU_DOMAIN_S1, 6);

	if (two_level) {
		KSHIM_NOTE("CD table for 2^20 SSIDs: level-1 table, level-2 table 0 and its L1 descriptor");
		sc_expect_alloc(KSHIM_DESC_L1CD, "cdtab.l1");
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab.l2.0");
	} else {
		KSHIM_NOTE("linear CD table for 16 SSIDs");
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab");
	}
	cd0 = sc_alloc_cd(IOMMU_NO_PASID, two_level);
	if (two_level) {
		u64 l1 = le64_to_cpu(READ_ONCE(sc.master.cd_table.l2.l1tab[0].l2ptr));

		KSHIM_CHECK(sc.master.cd_table.s1fmt == STRTAB_STE_0_S1FMT_64K_L2 &&
				    sc.master.cd_table.l2.num_l1_ents == 1024,
			    "expected a 2-level CD table with 1024 L1 descriptors");
		/* L2Ptr 51:12, V bit 0. */
		KSHIM_CHECK(l1 == (virt_to_phys(sc.master.cd_table.l2.l2ptrs[0]) | 1),
			    "L1CD 0 is 0x%llx", l1);
	} else {
		KSHIM_CHECK(sc.master.cd_table.s1fmt == STRTAB_STE_0_S1FMT_LINEAR &&
				    sc.master.cd_table.linear.num_ents == 16,
			    "expected a linear CD table of 16 CDs");
	}

	KSHIM_NOTE("SSID 0 <- S1 domain, ASID 5");
	arm_smmu_make_s1_cd(&target, &sc.master, &sc.s1);
	sc_write_cd(IOMMU_NO_PASID, cd0, &target, 2, "SSID 0: invalid -> S1");

	if (two_level) {
		KSHIM_NOTE("SSID 0x%x (L1 index 1): level-2 table 1 and its L1 descriptor", pasid);
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab.l2.1");
	}
	cdn = sc_alloc_cd(pasid, two_level);
	KSHIM_NOTE("SSID 0x%x <- S1 domain, ASID 6", pasid);
	arm_smmu_make_s1_cd(&target, &sc.master, &sc.s1b);
	sc_write_cd(pasid, cdn, &target, 2, "PASID: invalid -> S1");
	KSHIM_CHECK(sc.master.cd_table.used_ssids == 1, "used_ssids is %u", sc.master.cd_table.used_ssids);

	/* ASID and TTB0 change together: not hitless. */
	KSHIM_NOTE("SSID 0x%x: replace ASID 6 by the ASID 5 domain", pasid);
	arm_smmu_make_s1_cd(&target, &sc.master, &sc.s1);
	sc_write_cd(pasid, cdn, &target, 3, "PASID: S1 -> other S1");

	KSHIM_NOTE("SSID 0x%x: clear (arm_smmu_clear_cd)", pasid);
	arm_smmu_clear_cd(&sc.master, pasid);
	memset(&target, 0, sizeof(target));
	KSHIM_CHECK(!memcmp(cdn, &target, sizeof(target)), "the CD of the PASID is not clear");
	for (int s = 0; s < 2; s++) {
		for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
			sc_exp_cfgi_cd(sc_sids[i], pasid, true);
		sc_exp_sync();
	}
	sc_check_cmds("PASID: S1 -> invalid");
	KSHIM_CHECK(sc.master.cd_table.used_ssids == 0, "used_ssids is %u", sc.master.cd_table.used_ssids);

	KSHIM_NOTE("release the master: free the CD tables");
	arm_smmu_free_cd_tables(&sc.master);
	sc_check_cmds("arm_smmu_free_cd_tables");
	return 0;
}

KSHIM_SCENARIO(cd_write_linear,
	       "CDs of SSIDs 0 and 3 in a linear CD table (master with SIDs 0x10/0x11): write, "
	       "replace, clear, with CFGI_CD per SID and CMD_SYNC")
{
	return sc_cd_writes(false);
}

#ifdef KSHIM_FAMILY_l1
KSHIM_SCENARIO(cd_write_2lvl,
	       "as cd_write_linear with a 2-level CD table: level-2 tables installed through "
	       "arm_smmu_write_cd_l1_desc for SSIDs 0 and 0x401")
{
	return sc_cd_writes(true);
}

/* ---- 3. level-1 stream table descriptor ---- */

KSHIM_SCENARIO(strtab_l2_install,
	       "2-level stream table: level-1 table at probe, then the level-2 table of SID "
	       "0x10 (256 abort STEs) published by arm_smmu_write_strtab_l1_desc, then its first STE")
{
	struct arm_smmu_strtab_cfg *cfg = &sc.smmu.strtab_cfg;
	struct arm_smmu_ste target;
	u64 l1;

	sc_setup(SC_FEATURES | ARM_SMMU_FEAT_2_LVL_STRTAB, 16, 0);
	KSHIM_NOTE("probe: level-1 stream table for SIDSIZE 16");
	sc_expect_alloc(KSHIM_DESC_L1STD, "strtab.l1");
	KSHIM_CHECK(!arm_smmu_init_strtab_2lvl(&sc.smmu), "arm_smmu_init_strtab_2lvl failed");
	KSHIM_CHECK(cfg->l2.num_l1_ents == 256, "%u level-1 descriptors, expected 256",
		    cfg->l2.num_l1_ents);

	KSHIM_NOTE("probe_device, SID 0x10: level-2 table of abort STEs, then its L1 descriptor");
	sc_expect_alloc(KSHIM_DESC_STE, "strtab.l2.0");
	KSHIM_CHECK(!arm_smmu_init_sid_strtab(&sc.smmu, 0x10), "arm_smmu_init_sid_strtab failed");
	KSHIM_NOTE("probe_device, SID 0x11: same level-2 table, nothing to write");
	KSHIM_CHECK(!arm_smmu_init_sid_strtab(&sc.smmu, 0x11), "arm_smmu_init_sid_strtab failed");
	KSHIM_CHECK(sc_npending == 0, "the level-2 table was not allocated");
	sc_check_cmds("arm_smmu_init_sid_strtab");

	/* L2Ptr 51:6, Span 4:0 = STRTAB_SPLIT + 1 = 9. */
	l1 = le64_to_cpu(READ_ONCE(cfg->l2.l1tab[0].l2ptr));
	KSHIM_CHECK(l1 == (virt_to_phys(cfg->l2.l2ptrs[0]) | 9), "L1STD 0 is 0x%llx", l1);
	for (int i = 1; i < cfg->l2.num_l1_ents; i++)
		KSHIM_CHECK(!cfg->l2.l1tab[i].l2ptr && !cfg->l2.l2ptrs[i], "L1STD %d is not empty", i);
	arm_smmu_make_abort_ste(&target);
	for (int i = 0; i < STRTAB_NUM_L2_STES; i++)
		KSHIM_CHECK(!memcmp(&cfg->l2.l2ptrs[0]->stes[i], &target, sizeof(target)),
			    "STE %d of the new level-2 table is not an abort STE", i);

	KSHIM_NOTE("attach: SIDs 0x10 and 0x11 abort -> bypass through the new table");
	arm_smmu_make_bypass_ste(&sc.smmu, &target);
	sc_install_ste(&target, 2, "abort -> bypass");
	return 0;
}
#endif /* KSHIM_FAMILY_l1 */

#endif
