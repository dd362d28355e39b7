// SPDX-License-Identifier: MIT
/*
 * Attach and domain switches for generated sequences (smmu-check explore,
 * ATTACH ops): the master of scenarios_612_smmu.c (SIDs 0x10 and 0x11) gets
 * its STEs in a linear stream table, and each ATTACH installs a domain on its
 * RID through the driver's own STE/CD install functions, in the order
 * arm_smmu_attach_dev and arm_smmu_attach_dev_ste (6.12 and 7.3 alike) call
 * them:
 *
 *   S1 domain:  arm_smmu_alloc_cd_ptr(SSID 0), arm_smmu_make_s1_cd,
 *               arm_smmu_write_cd_entry, arm_smmu_make_cdtable_ste(S1DSS=SSID0),
 *               arm_smmu_install_ste_for_dev
 *   S2 domain:  arm_smmu_make_s2_domain_ste, arm_smmu_install_ste_for_dev,
 *               arm_smmu_clear_cd(SSID 0)
 *   blocked / identity: arm_smmu_make_abort_ste / _bypass_ste,
 *               arm_smmu_install_ste_for_dev, arm_smmu_clear_cd(SSID 0)
 *
 * arm_smmu_attach_dev itself is not in the slice: its closure needs the
 * device, fwspec and PCI APIs, and on 6.12 the ASID xarray and VMID IDA of
 * domain finalise. What is restated here is only that order; every entry,
 * store, barrier and command is the tree's. No PASID is attached, so the
 * CD table is never in use beside the RID's domain (arm_smmu_ssids_in_use),
 * and ATS stays off (attach_prepare/commit's ATS sequencing is not driven).
 *
 * The coherent allocations of the CD table are announced (sc_expect_alloc),
 * so the CD table is fetchable memory from its allocation on: the structure
 * graph then follows STE -> (L1CD ->) CD -> page tables at each STE store.
 */

#if defined(KSHIM_FAMILY_sweep) && defined(KSHIM_FAMILY_pt_smmu)

#ifdef KSHIM_FAMILY_l1
#define XA_CAPS (KSHIM_XCAP_ATTACH | KSHIM_XCAP_CD_2LVL)
#else
#define XA_CAPS KSHIM_XCAP_ATTACH
#endif

static const char *const xa_names[KSHIM_XDOM_COUNT] = { "blocked", "identity", "A", "B", "X" };

/* The domains of KSHIM_XDOM_A, _B and _X (NULL for blocked and identity). */
static struct arm_smmu_domain *xa_domain(int dom)
{
	bool s1 = pt.d->stage == ARM_SMMU_DOMAIN_S1;

	switch (dom) {
	case KSHIM_XDOM_A:
		return pt.d;
	case KSHIM_XDOM_B:
		return &sc.s1b;
	case KSHIM_XDOM_X:
		return s1 ? &sc.s2 : &sc.s1;
	default:
		return NULL;
	}
}

/*
 * After pt_setup (domain A): the master's features, its STEs (abort, as
 * probe leaves them) registered as fetchable, and domains B and X.
 */
static void xa_setup(const struct kshim_explore_config *cfg)
{
	bool s1 = pt.d->stage == ARM_SMMU_DOMAIN_S1;

	if (!cfg->attach)
		return;
	if (cfg->cd_2lvl) {
		sc.smmu.features |= ARM_SMMU_FEAT_2_LVL_CDTAB;
		sc.master.ssid_bits = 20;
	}
	if (cfg->stall) {
		sc.smmu.features |= ARM_SMMU_FEAT_STALLS;
		sc.master.stall_enabled = true;
	}
	sc_init_strtab();
	for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
		kshim_desc_register(arm_smmu_get_step_for_sid(&sc.smmu, sc_sids[i]),
				    sizeof(struct arm_smmu_ste), KSHIM_DESC_STE, sc_ste_names[i]);
	/* IDs other than A's (ASID 5, VMID 1): a switch changes the tag too. */
	sc_domain_init(xa_domain(KSHIM_XDOM_B), pt.d->stage, s1 ? 6 : 2);
	sc_domain_init(xa_domain(KSHIM_XDOM_X), s1 ? ARM_SMMU_DOMAIN_S2 : ARM_SMMU_DOMAIN_S1, s1 ? 3 : 7);
	KSHIM_NOTE("master SIDs 0x10/0x11: linear stream table, %s CD table%s; domains B (%s %d), X (%s %d)",
		   cfg->cd_2lvl ? "2-level" : "linear", cfg->stall ? ", stall" : "",
		   s1 ? "ASID" : "VMID", s1 ? 6 : 2, s1 ? "VMID" : "ASID", s1 ? 3 : 7);
}

/* The CD table's coherent allocations arm_smmu_alloc_cd_ptr(SSID 0) is about to make. */
static void xa_expect_cd_alloc(void)
{
	if (arm_smmu_cdtab_allocated(&sc.master.cd_table))
		return; /* SSID 0's level-2 table comes with the level-1 table */
	if (sc.smmu.features & ARM_SMMU_FEAT_2_LVL_CDTAB) {
		sc_expect_alloc(KSHIM_DESC_L1CD, "cdtab.l1");
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab.l2.0");
	} else {
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab");
	}
}

/* Before a CD update of SSID 0: say so when no STE names the CD table. */
static void xa_note_reach(void)
{
	if (!sc.master.cd_table.in_ste)
		KSHIM_NOTE(KSHIM_NOTE_UNREACHABLE_CD " (the STE is not a CD-table STE)");
}

static void xa_attach(int dom)
{
	struct arm_smmu_domain *d = xa_domain(dom);
	struct arm_smmu_ste target;

	if (dom < 0 || dom >= KSHIM_XDOM_COUNT) {
		KSHIM_CHECK(0, "attach: no domain %d", dom);
		return;
	}
	KSHIM_NOTE("attach %s to the master's RID", xa_names[dom]);
	if (!d) {
		/* arm_smmu_attach_dev_blocked / _identity: arm_smmu_attach_dev_ste. */
		if (dom == KSHIM_XDOM_BLOCKED)
			arm_smmu_make_abort_ste(&target);
		else
			arm_smmu_make_bypass_ste(&sc.smmu, &target);
		arm_smmu_install_ste_for_dev(&sc.master, &target);
		xa_note_reach();
		arm_smmu_clear_cd(&sc.master, IOMMU_NO_PASID);
	} else if (d->stage == ARM_SMMU_DOMAIN_S1) {
		struct arm_smmu_cd cd, *cdptr;

		xa_expect_cd_alloc();
		cdptr = arm_smmu_alloc_cd_ptr(&sc.master, IOMMU_NO_PASID);
		KSHIM_CHECK(cdptr && sc_npending == 0, "arm_smmu_alloc_cd_ptr(0) failed");
		arm_smmu_make_s1_cd(&cd, &sc.master, d);
		xa_note_reach();
		arm_smmu_write_cd_entry(&sc.master, IOMMU_NO_PASID, cdptr, &cd);
		arm_smmu_make_cdtable_ste(&target, &sc.master, false, STRTAB_STE_1_S1DSS_SSID0);
		arm_smmu_install_ste_for_dev(&sc.master, &target);
	} else {
		arm_smmu_make_s2_domain_ste(&target, &sc.master, d, false);
		arm_smmu_install_ste_for_dev(&sc.master, &target);
		xa_note_reach();
		arm_smmu_clear_cd(&sc.master, IOMMU_NO_PASID);
	}
	for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
		KSHIM_CHECK(!memcmp(arm_smmu_get_step_for_sid(&sc.smmu, sc_sids[i]), &target, sizeof(target)),
			    "attach %s: the STE of SID 0x%x is not the target", xa_names[dom], sc_sids[i]);
}

/* B's and X's tables, after the last stable state (A's are pt_finish's). */
static void xa_finish(const struct kshim_explore_config *cfg)
{
	if (!cfg->attach)
		return;
	for (int dom = KSHIM_XDOM_B; dom <= KSHIM_XDOM_X; dom++) {
		struct arm_smmu_domain *d = xa_domain(dom);

		if (d->pgtbl_ops)
			free_io_pgtable_ops(d->pgtbl_ops);
		d->pgtbl_ops = NULL;
	}
}

#endif
