// SPDX-License-Identifier: MIT
/*
 * Scenario drivers for the production paths of the 6.9+ driver that the
 * KUnit test does not reach (written against Linux 6.12): STE installs with
 * CFGI_STE/CMD_SYNC/PREFETCH_CFG, CD writes with CFGI_CD, level-1 stream
 * table and CD table descriptors, and TLB invalidation with and without
 * range invalidation (RIL).
 *
 * Included at the end of the arm-smmu-v3.c slice, after arm_smmu_v3_glue.c,
 * because it calls the driver's static functions and reads the command log
 * kept there. The SMMU, master and domains are fakes with realistic values;
 * every descriptor store and every command comes from the kernel's own code.
 * Each scenario checks the kernel's results (entries and the exact encoded
 * commands, built here from the architecture's field positions, IHI 0070 §4).
 */
#include "kshim_scenario.h"

/* Domains here have real page tables and the driver's flush ops: the tree needs both families. */
#if defined(KSHIM_FAMILY_sweep) && defined(KSHIM_FAMILY_pt_smmu)

/* ---- coherent allocations a scenario announced (scenarios_612_smmu.h) ---- */

struct sc_pending_alloc {
	int kind;
	const char *name;
};
static struct sc_pending_alloc sc_pending[4];
static int sc_npending;

/* The driver's next coherent allocation is fetchable memory of this kind. */
static void sc_expect_alloc(int kind, const char *name)
{
	BUG_ON(sc_npending == ARRAY_SIZE(sc_pending));
	sc_pending[sc_npending].kind = kind;
	sc_pending[sc_npending].name = name;
	sc_npending++;
}

static void *kshim_sc_dma_alloc(size_t size, dma_addr_t *handle, const char *file, int line)
{
	/* Like kshim.h's dma_alloc_coherent: zeroed, page aligned, identity DMA address. */
	void *p = kshim_alloc(size, PAGE_SIZE, 1, file, line);

	if (!p)
		return NULL;
	*handle = virt_to_phys(p);
	if (sc_npending) {
		kshim_desc_register(p, size, sc_pending[0].kind, sc_pending[0].name);
		for (int i = 1; i < sc_npending; i++)
			sc_pending[i - 1] = sc_pending[i];
		sc_npending--;
	}
	return p;
}

/* ---- expected commands ---- */

#define SC_OP_PREFETCH_CFG 0x01
#define SC_OP_CFGI_STE 0x03
#define SC_OP_CFGI_CD 0x05
#define SC_OP_TLBI_NH_ASID 0x11
#define SC_OP_TLBI_NH_VA 0x12
#define SC_OP_TLBI_S12_VMALL 0x28
#define SC_OP_TLBI_S2_IPA 0x2a
#define SC_OP_CMD_SYNC 0x46
/* CMD_SYNC as the driver builds it without MSI polling: CS=SEV, MSH=ISH, MSIAttr=OIWB. */
#define SC_CMD_SYNC_0 (SC_OP_CMD_SYNC | 2ULL << 12 | 3ULL << 22 | 0xfULL << 24)

struct sc_cmd {
	u64 q0, q1;
};
static struct sc_cmd sc_exp[KSHIM_CMDLOG_MAX];
static int sc_nexp;

static void sc_exp_add(u64 q0, u64 q1)
{
	BUG_ON(sc_nexp == KSHIM_CMDLOG_MAX);
	sc_exp[sc_nexp].q0 = q0;
	sc_exp[sc_nexp].q1 = q1;
	sc_nexp++;
}

static void sc_exp_sync(void) { sc_exp_add(SC_CMD_SYNC_0, 0); }

/* SID 63:32; Leaf is bit 0 of the second qword. */
static void sc_exp_cfgi_ste(u32 sid) { sc_exp_add(SC_OP_CFGI_STE | (u64)sid << 32, 1); }

static void sc_exp_prefetch(u32 sid) { sc_exp_add(SC_OP_PREFETCH_CFG | (u64)sid << 32, 0); }

/* SSID 31:12. */
static void sc_exp_cfgi_cd(u32 sid, u32 ssid, bool leaf)
{
	sc_exp_add(SC_OP_CFGI_CD | (u64)ssid << 12 | (u64)sid << 32, leaf);
}

/* NUM 16:12, SCALE 24:20, VMID 47:32, ASID 63:48; Leaf 0, TTL 9:8, TG 11:10, address 63:12. */
static void sc_exp_tlbi(u8 op, u16 asid, u16 vmid, u64 addr, unsigned int num,
			unsigned int scale, unsigned int ttl, unsigned int tg, bool leaf)
{
	sc_exp_add(op | (u64)num << 12 | (u64)scale << 20 | (u64)vmid << 32 | (u64)asid << 48,
		   (u64)leaf | (u64)ttl << 8 | (u64)tg << 10 | (addr & ~0xfffULL));
}

/* The commands issued since the last check must be exactly the expected ones. */
static void sc_check_cmds(const char *step)
{
	KSHIM_CHECK(kshim_cmdlog_len == sc_nexp && sc_nexp <= KSHIM_CMDLOG_MAX,
		    "%s: the driver issued %d commands, expected %d", step, kshim_cmdlog_len, sc_nexp);
	for (int i = 0; i < sc_nexp; i++)
		KSHIM_CHECK(kshim_cmdlog[i][0] == sc_exp[i].q0 && kshim_cmdlog[i][1] == sc_exp[i].q1,
			    "%s: command %d is {0x%016llx, 0x%016llx}, expected {0x%016llx, 0x%016llx}",
			    step, i, kshim_cmdlog[i][0], kshim_cmdlog[i][1], sc_exp[i].q0, sc_exp[i].q1);
	kshim_cmdlog_len = 0;
	sc_nexp = 0;
}

/* ---- the fake SMMU, master and domains ---- */

/* A master with two stream IDs (a PCI function and its alias, say). */
static const u32 sc_sids[2] = { 0x10, 0x11 };
static const char *const sc_ste_names[2] = { "ste.sid0x10", "ste.sid0x11" };

/* Output addresses in the second DRAM bank (0x8_8000_0000), above 4 GiB. */
#define SC_PA 0x880000000ULL

/*
 * A coherent SMMUv3 with both stages; no ARM_SMMU_OPT_SKIP_PREFETCH, so each
 * STE write is followed by PREFETCH_CFG.
 */
#define SC_FEATURES                                                             \
	(ARM_SMMU_FEAT_TT_LE | ARM_SMMU_FEAT_SEV | ARM_SMMU_FEAT_MSI |           \
	 ARM_SMMU_FEAT_COHERENCY | ARM_SMMU_FEAT_TRANS_S1 | ARM_SMMU_FEAT_TRANS_S2 | \
	 ARM_SMMU_FEAT_ATTR_TYPES_OVR)

static struct {
	struct device smmu_dev, master_dev;
	struct arm_smmu_device smmu;
	struct arm_smmu_stream streams[2];
	struct arm_smmu_master master;
	struct arm_smmu_domain s1, s1b, s2;
	/* 6.9-6.18: the master on each domain's devices list (sc_attach_ats). */
	struct arm_smmu_master_domain master_domains[3];
} sc;

/* The slice stays loaded between runs: every scenario starts from scratch. */
static void sc_setup(u32 features, unsigned int sid_bits, unsigned int ssid_bits)
{
	memset(&sc, 0, sizeof(sc));
	sc_npending = 0;
	sc_nexp = 0;
	kshim_cmdlog_len = 0;

	sc.smmu.dev = &sc.smmu_dev;
	sc.smmu.features = features;
	sc.smmu.options = 0;
	/*
	 * One address size: 6.x probe raises IAS to at least OAS and 7.x has no
	 * IAS, so the S2 input and S1 output sizes are OAS on both.
	 */
	sc.smmu.oas = 48;
	sc.smmu.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	sc.smmu.asid_bits = 16;
	sc.smmu.vmid_bits = 16;
	sc.smmu.ssid_bits = 20;
	sc.smmu.sid_bits = sid_bits;

	sc.master.smmu = &sc.smmu;
	sc.master.dev = &sc.master_dev;
#ifdef KSHIM_HAVE_arm_smmu_attach_prepare_invs
	/*
	 * arm_smmu_insert_master: scratch room for one ASID or two VMID entries,
	 * and with ATS one entry per StreamID on top.
	 */
	sc.master.build_invs = arm_smmu_invs_alloc(features & ARM_SMMU_FEAT_ATS ?
							   2 + ARRAY_SIZE(sc.streams) : 2);
#endif
	sc.master.streams = sc.streams;
	sc.master.num_streams = ARRAY_SIZE(sc.streams);
	sc.master.ssid_bits = ssid_bits;
	for (int i = 0; i < ARRAY_SIZE(sc.streams); i++) {
		sc.streams[i].id = sc_sids[i];
		sc.streams[i].master = &sc.master;
	}
}

static const struct iommu_domain_ops sc_domain_ops = {
	.iotlb_sync = arm_smmu_iotlb_sync,
	.flush_iotlb_all = arm_smmu_flush_iotlb_all,
};

#ifdef KSHIM_HAVE_arm_smmu_attach_prepare_invs
/*
 * 7.x invalidates through the domain's arm_smmu_invs array, not by the
 * domain's ASID/VMID alone: an attach merges the master's tags into it before
 * any STE or CD points at the domain. This is that step of
 * arm_smmu_attach_prepare (the driver's own functions) for sc.master, so that
 * unmap and flush issue the commands a domain with one master issues.
 */
static void sc_attach_invs(struct arm_smmu_domain *d)
{
	struct arm_smmu_attach_state state = {
		.master = &sc.master,
		.ssid = IOMMU_NO_PASID,
		/* An ATS-capable SMMU here means an ATS master: INV_TYPE_ATS per SID. */
		.ats_enabled = !!(sc.smmu.features & ARM_SMMU_FEAT_ATS),
	};

	KSHIM_CHECK(!arm_smmu_attach_prepare_invs(&state, &d->domain),
		    "arm_smmu_attach_prepare_invs failed");
	arm_smmu_install_new_domain_invs(&state);
	/* As arm_smmu_attach_commit records it. */
	sc.master.ats_enabled = state.ats_enabled;
}
#elif defined(KSHIM_HAVE_arm_smmu_atc_inv_domain)
/*
 * 6.9-6.18: what arm_smmu_attach_prepare and arm_smmu_attach_commit leave for
 * a master with ATS enabled on d (attach_dev itself is not in the slice): an
 * arm_smmu_master_domain on d's devices list for SSID 0, nr_ats_masters
 * counting it, and master->ats_enabled. arm_smmu_atc_inv_domain reads exactly
 * these to send one ATC_INV per StreamID.
 */
static void sc_attach_ats(struct arm_smmu_domain *d)
{
	struct arm_smmu_master_domain *md =
		&sc.master_domains[d == &sc.s1 ? 0 : d == &sc.s1b ? 1 : 2];

	md->master = &sc.master;
	md->ssid = IOMMU_NO_PASID;
	list_add(&md->devices_elm, &d->devices);
	atomic_inc(&d->nr_ats_masters);
	sc.master.ats_enabled = true;
}
#endif

/*
 * A paging domain with real page tables, configured as
 * arm_smmu_domain_finalise does; the ASID or VMID is given (the real ones come
 * from an xarray/IDA, and VMID 0 is reserved for bypass). On 7.x it is also in
 * sc.master's invalidation scope (sc_attach_invs).
 */
static void sc_domain_init(struct arm_smmu_domain *d, enum arm_smmu_domain_stage stage, u16 id)
{
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = sc.smmu.pgsize_bitmap,
		/* As arm_smmu_domain_finalise: S1 maps a 48-bit VA, S2 an OAS-bit IPA, to OAS bits. */
		.ias = stage == ARM_SMMU_DOMAIN_S1 ? 48 : sc.smmu.oas,
		.oas = sc.smmu.oas,
		.coherent_walk = !!(sc.smmu.features & ARM_SMMU_FEAT_COHERENCY),
		.tlb = &arm_smmu_flush_ops,
		.iommu_dev = sc.smmu.dev,
	};

	d->smmu = &sc.smmu;
	d->stage = stage;
	d->domain.type = IOMMU_DOMAIN_UNMANAGED;
	INIT_LIST_HEAD(&d->devices);
#ifdef KSHIM_HAVE_arm_smmu_domain_inv_range
	/* As arm_smmu_domain_alloc: an empty invalidation array. */
	rcu_assign_pointer(d->invs, arm_smmu_invs_alloc(0));
#endif
	if (stage == ARM_SMMU_DOMAIN_S1)
		d->cd.asid = id;
	else
		d->s2_cfg.vmid = id;
	d->pgtbl_ops = alloc_io_pgtable_ops(stage == ARM_SMMU_DOMAIN_S1 ? ARM_64_LPAE_S1 : ARM_64_LPAE_S2,
					    &cfg, d);
	KSHIM_CHECK(d->pgtbl_ops, "alloc_io_pgtable_ops failed");
	d->domain.pgsize_bitmap = cfg.pgsize_bitmap;
	d->domain.geometry.aperture_end = (1ULL << cfg.ias) - 1;
	d->domain.geometry.force_aperture = true;
	d->domain.ops = &sc_domain_ops;
#ifdef KSHIM_HAVE_arm_smmu_attach_prepare_invs
	sc_attach_invs(d); /* after pgsize_bitmap: range invalidation takes its granule */
#elif defined(KSHIM_HAVE_arm_smmu_atc_inv_domain)
	if (sc.smmu.features & ARM_SMMU_FEAT_ATS)
		sc_attach_ats(d);
#endif
}

/* The stream table as probe builds it, before STRTAB_BASE is written. */
static void sc_init_strtab(void)
{
#ifdef KSHIM_FAMILY_l1
	if (sc.smmu.features & ARM_SMMU_FEAT_2_LVL_STRTAB)
		KSHIM_CHECK(!arm_smmu_init_strtab_2lvl(&sc.smmu), "arm_smmu_init_strtab_2lvl failed");
	else
#endif
		KSHIM_CHECK(!arm_smmu_init_strtab_linear(&sc.smmu), "arm_smmu_init_strtab_linear failed");
	/* probe_device: the level-2 table of each SID (a no-op for a linear table). */
	for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
		KSHIM_CHECK(!arm_smmu_init_sid_strtab(&sc.smmu, sc_sids[i]),
			    "arm_smmu_init_sid_strtab(0x%x) failed", sc_sids[i]);
}

/*
 * arm_smmu_install_ste_for_dev: per SID, `syncs` times CFGI_STE(leaf) +
 * CMD_SYNC from the writer, then PREFETCH_CFG.
 */
static void sc_install_ste(const struct arm_smmu_ste *target, int syncs, const char *step)
{
	arm_smmu_install_ste_for_dev(&sc.master, target);
	for (int i = 0; i < ARRAY_SIZE(sc_sids); i++) {
		struct arm_smmu_ste *ste = arm_smmu_get_step_for_sid(&sc.smmu, sc_sids[i]);

		KSHIM_CHECK(!memcmp(ste, target, sizeof(*target)),
			    "%s: the STE of SID 0x%x is not the target", step, sc_sids[i]);
		for (int s = 0; s < syncs; s++) {
			sc_exp_cfgi_ste(sc_sids[i]);
			sc_exp_sync();
		}
		sc_exp_prefetch(sc_sids[i]);
	}
	sc_check_cmds(step);
}

/*
 * arm_smmu_alloc_cd_ptr. A new level-2 CD table is published by its level-1
 * descriptor and then CFGI_CD(leaf=0) for each SID + CMD_SYNC, because an
 * invalid L1CD may be cached.
 */
static struct arm_smmu_cd *sc_alloc_cd(u32 ssid, bool new_l2)
{
	struct arm_smmu_cd *cd = arm_smmu_alloc_cd_ptr(&sc.master, ssid);

	KSHIM_CHECK(cd, "arm_smmu_alloc_cd_ptr(0x%x) failed", ssid);
	KSHIM_CHECK(sc_npending == 0, "the driver made %d fewer coherent allocations than expected",
		    sc_npending);
	if (new_l2) {
		for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
			sc_exp_cfgi_cd(sc_sids[i], ssid, false);
		sc_exp_sync();
	}
	sc_check_cmds("arm_smmu_alloc_cd_ptr");
	return cd;
}

/* arm_smmu_write_cd_entry: `syncs` times CFGI_CD(leaf) for each SID + CMD_SYNC. */
static void sc_write_cd(u32 ssid, struct arm_smmu_cd *cd, const struct arm_smmu_cd *target,
			int syncs, const char *step)
{
	arm_smmu_write_cd_entry(&sc.master, ssid, cd, target);
	KSHIM_CHECK(!memcmp(cd, target, sizeof(*target)), "%s: the CD is not the target", step);
	for (int s = 0; s < syncs; s++) {
		for (int i = 0; i < ARRAY_SIZE(sc_sids); i++)
			sc_exp_cfgi_cd(sc_sids[i], ssid, true);
		sc_exp_sync();
	}
	sc_check_cmds(step);
}

/* ---- 1. STE transitions through arm_smmu_install_ste_for_dev ---- */

static int sc_ste_transitions(bool two_level)
{
	struct arm_smmu_ste target;
	struct arm_smmu_cd cd, *cdptr;

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

	KSHIM_NOTE("S1 domain, ASID 5: CD of SSID 0 (%s CD table)", two_level ? "2-level" : "linear");
	if (two_level) {
		sc_expect_alloc(KSHIM_DESC_L1CD, "cdtab.l1");
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab.l2.0");
	} else {
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab");
	}
	cdptr = sc_alloc_cd(IOMMU_NO_PASID, two_level);
	arm_smmu_make_s1_cd(&cd, &sc.master, &sc.s1);
	sc_write_cd(IOMMU_NO_PASID, cdptr, &cd, 2, "CD of SSID 0");

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
	struct arm_smmu_cd cd, *cdptr;
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

	KSHIM_NOTE("S1 domain, ASID 5: CD of SSID 0 (%s CD table)", two_level ? "2-level" : "linear");
	if (two_level) {
		sc_expect_alloc(KSHIM_DESC_L1CD, "cdtab.l1");
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab.l2.0");
	} else {
		sc_expect_alloc(KSHIM_DESC_CD, "cdtab");
	}
	cdptr = sc_alloc_cd(IOMMU_NO_PASID, two_level);
	arm_smmu_make_s1_cd(&cd, &sc.master, &sc.s1);
	sc_write_cd(IOMMU_NO_PASID, cdptr, &cd, 2, "CD of SSID 0");

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
