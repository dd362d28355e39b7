// SPDX-License-Identifier: MIT
/*
 * The fixture of the scenario drivers for the production paths of the 6.9+
 * driver that the KUnit test does not reach (written against Linux 6.12):
 * a fake SMMU, master and domains with realistic values, the stream and CD
 * tables the driver allocates, and the exact commands each step must issue,
 * encoded here from the architecture's field positions (IHI 0070 §4). The
 * scenarios are in scenarios_612_smmu_tables.c (STE installs, CD writes,
 * level-1 descriptors) and scenarios_612_smmu_domain.c (attach of a mapped
 * domain, TLB invalidation with and without range invalidation).
 *
 * Included at the end of the arm-smmu-v3.c slice, after arm_smmu_v3_glue.c
 * and before the scenarios, because it calls the driver's static functions
 * and reads the command log kept there. Every descriptor store and every
 * command comes from the kernel's own code.
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

/* The S1 domain's CD at SSID 0, in a new linear or 2-level CD table. */
static void sc_write_s1_cd0(bool two_level)
{
	struct arm_smmu_cd cd, *cdptr;

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
}

#endif
