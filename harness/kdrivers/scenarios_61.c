// SPDX-License-Identifier: MIT
/*
 * Scenario drivers for the 6.1 writer (arm_smmu_write_strtab_ent and
 * arm_smmu_write_ctx_desc). Included at the end of the 6.1 arm-smmu-v3.c
 * slice, after arm_smmu_v3_61_glue.c, to reach the driver's static functions.
 *
 * Each scenario builds a fake SMMU and one master the way probe does (the
 * real arm_smmu_init_strtab and arm_smmu_init_sid_strtab: a 2-level stream
 * table whose STEs start as abort, since disable_bypass is set), then goes
 * through the real iommu_ops: domain_alloc, enable_nesting, attach_dev (which
 * detaches first, finalises the domain with a real io-pgtable and installs
 * the STE), detach_dev, map/unmap/iotlb_sync. The 6.1 writer only supports
 * translate <-> abort/bypass: a live S1/S2 STE is never rewritten to S1/S2
 * (BUG_ON(ste_live)), which is why attach_dev detaches first.
 */
#include "kshim_scenario.h"

/* Stream and substream IDs: SID 0x1234 sits in L1 slot 0x12, L2 slot 0x34. */
#define KSHIM61_SID 0x1234
#define KSHIM61_SSID 0x1234

/* An SMMU that can do both stages, with 2-level tables, stalls and RIL. */
#define KSHIM61_FEATURES                                                                  \
	(ARM_SMMU_FEAT_2_LVL_STRTAB | ARM_SMMU_FEAT_2_LVL_CDTAB | ARM_SMMU_FEAT_TT_LE |    \
	 ARM_SMMU_FEAT_SEV | ARM_SMMU_FEAT_COHERENCY | ARM_SMMU_FEAT_TRANS_S1 |              \
	 ARM_SMMU_FEAT_TRANS_S2 | ARM_SMMU_FEAT_STALLS | ARM_SMMU_FEAT_RANGE_INV)

static struct {
	struct arm_smmu_device smmu;
	struct device smmu_dev, dev;
	struct arm_smmu_master master;
	struct arm_smmu_stream stream;
	__le64 *ste;
} env;

static u64 ste_q(int i)
{
	return le64_to_cpu(env.ste[i]);
}

static __le64 *cd_of(struct arm_smmu_domain *d, u32 ssid)
{
	__le64 *cd = arm_smmu_get_cd_ptr(d, ssid);

	KSHIM_CHECK(cd, "no CD for SSID %#x", ssid);
	return cd;
}

/* Probe-time state for one SMMU and one master with `ssid_bits` of PASID. */
static void setup(unsigned int ssid_bits)
{
	struct arm_smmu_device *smmu = &env.smmu;

	kshim61_reset();
	memset(&env, 0, sizeof(env));
	smmu->dev = &env.smmu_dev;
	smmu->features = KSHIM61_FEATURES;
	smmu->ias = 48;
	smmu->oas = 48;
	smmu->pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	smmu->asid_bits = 16;
	smmu->vmid_bits = 16;
	smmu->ssid_bits = 20;
	smmu->sid_bits = 16;
	mutex_init(&smmu->streams_mutex);
	KSHIM_CHECK(arm_smmu_init_strtab(smmu) == 0, "arm_smmu_init_strtab failed");

	env.stream.id = KSHIM61_SID;
	env.stream.master = &env.master;
	env.master.smmu = smmu;
	env.master.dev = &env.dev;
	env.master.streams = &env.stream;
	env.master.num_streams = 1;
	env.master.ssid_bits = ssid_bits;
	INIT_LIST_HEAD(&env.master.bonds);
	kshim61_dev_priv_set(&env.dev, &env.master);
	KSHIM_CHECK(arm_smmu_init_sid_strtab(smmu, KSHIM61_SID) == 0,
		    "arm_smmu_init_sid_strtab failed");

	env.ste = arm_smmu_get_step_for_sid(smmu, KSHIM61_SID);
	kshim61_register(env.ste, STRTAB_STE_DWORDS << 3, KSHIM_DESC_STE, "ste#");
	KSHIM_CHECK((ste_q(0) & STRTAB_STE_0_V) &&
			    FIELD_GET(STRTAB_STE_0_CFG, ste_q(0)) == STRTAB_STE_0_CFG_ABORT,
		    "initial STE is not abort: q0=%#llx", ste_q(0));
}

static struct arm_smmu_domain *new_domain(unsigned int type)
{
	struct iommu_domain *domain = arm_smmu_domain_alloc(type);

	KSHIM_CHECK(domain, "arm_smmu_domain_alloc(%#x) failed", type);
	domain->type = type; /* as __iommu_domain_alloc does */
	return to_smmu_domain(domain);
}

/* A DMA domain that finalises as stage 2 (VFIO's enable_nesting). */
static struct arm_smmu_domain *new_s2_domain(void)
{
	struct arm_smmu_domain *d = new_domain(IOMMU_DOMAIN_UNMANAGED);

	KSHIM_CHECK(arm_smmu_enable_nesting(&d->domain) == 0, "enable_nesting failed");
	return d;
}

static void attach(struct arm_smmu_domain *d, const char *what)
{
	int ret;

	kshim_note(what, __FILE__, __LINE__);
	ret = arm_smmu_attach_dev(&d->domain, &env.dev);
	KSHIM_CHECK(ret == 0, "arm_smmu_attach_dev: %d", ret);
	KSHIM_CHECK(env.master.domain == d, "master not attached");
}

static void detach(const char *what)
{
	kshim_note(what, __FILE__, __LINE__);
	arm_smmu_detach_dev(&env.master);
	KSHIM_CHECK(!env.master.domain, "master still attached");
}

static void check_ste_config(unsigned int cfg)
{
	KSHIM_CHECK(ste_q(0) & STRTAB_STE_0_V, "STE not valid: q0=%#llx", ste_q(0));
	KSHIM_CHECK(FIELD_GET(STRTAB_STE_0_CFG, ste_q(0)) == cfg, "STE CONFIG %llu, expected %u",
		    FIELD_GET(STRTAB_STE_0_CFG, ste_q(0)), cfg);
}

/* Abort and bypass STEs: CONFIG, SHCFG=incoming, the VMID word cleared. */
static void check_ste_abort_or_bypass(unsigned int cfg)
{
	check_ste_config(cfg);
	KSHIM_CHECK(ste_q(1) == FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING),
		    "STE q1=%#llx", ste_q(1));
	KSHIM_CHECK(ste_q(2) == 0, "STE q2 (VMID) not cleared: %#llx", ste_q(2));
}

static void check_ste_s1(struct arm_smmu_domain *d)
{
	u64 cdtab = d->s1_cfg.cdcfg.cdtab_dma;

	check_ste_config(STRTAB_STE_0_CFG_S1_TRANS);
	KSHIM_CHECK(cdtab >> 32, "CD table at %#llx: not above 4 GiB", cdtab);
	KSHIM_CHECK((ste_q(0) & STRTAB_STE_0_S1CTXPTR_MASK) == cdtab,
		    "S1ContextPtr %#llx, CD table at %#llx", ste_q(0) & STRTAB_STE_0_S1CTXPTR_MASK, cdtab);
	KSHIM_CHECK(FIELD_GET(STRTAB_STE_0_S1CDMAX, ste_q(0)) == d->s1_cfg.s1cdmax &&
			    FIELD_GET(STRTAB_STE_0_S1FMT, ste_q(0)) == d->s1_cfg.s1fmt,
		    "S1CDMAX/S1FMT do not match the CD table: q0=%#llx", ste_q(0));
	KSHIM_CHECK(FIELD_GET(STRTAB_STE_1_S1DSS, ste_q(1)) == STRTAB_STE_1_S1DSS_SSID0,
		    "S1DSS: q1=%#llx", ste_q(1));
	/* The SMMU stalls, this master does not: the STE must terminate faults. */
	KSHIM_CHECK(ste_q(1) & STRTAB_STE_1_S1STALLD, "S1STALLD clear: q1=%#llx", ste_q(1));
}

static void check_cd(struct arm_smmu_domain *d, u32 ssid, struct arm_smmu_ctx_desc *cd)
{
	__le64 *cdptr = cd_of(d, ssid);
	u64 q0 = le64_to_cpu(cdptr[0]);

	KSHIM_CHECK(q0 & CTXDESC_CD_0_V, "CD %#x not valid: q0=%#llx", ssid, q0);
	KSHIM_CHECK(FIELD_GET(CTXDESC_CD_0_ASID, q0) == cd->asid, "CD %#x ASID %llu, expected %u",
		    ssid, FIELD_GET(CTXDESC_CD_0_ASID, q0), cd->asid);
	KSHIM_CHECK(le64_to_cpu(cdptr[1]) == (cd->ttbr & CTXDESC_CD_1_TTB0_MASK),
		    "CD %#x TTB0 %#llx, expected %#llx", ssid, le64_to_cpu(cdptr[1]), cd->ttbr);
	KSHIM_CHECK(cd->ttbr >> 32, "TTB0 %#llx: not above 4 GiB", cd->ttbr);
	KSHIM_CHECK(le64_to_cpu(cdptr[3]) == cd->mair, "CD %#x MAIR %#llx", ssid, le64_to_cpu(cdptr[3]));
}

static void check_ste_s2(struct arm_smmu_domain *d)
{
	struct arm_smmu_s2_cfg *s2 = &d->s2_cfg;

	check_ste_config(STRTAB_STE_0_CFG_S2_TRANS);
	/* VMID 0 is reserved by arm_smmu_init_strtab: the first S2 domain gets 1. */
	KSHIM_CHECK(s2->vmid == 1, "VMID %u, expected 1", s2->vmid);
	KSHIM_CHECK(FIELD_GET(STRTAB_STE_2_S2VMID, ste_q(2)) == s2->vmid, "S2VMID: q2=%#llx", ste_q(2));
	KSHIM_CHECK(FIELD_GET(STRTAB_STE_2_VTCR, ste_q(2)) == s2->vtcr, "VTCR: q2=%#llx", ste_q(2));
	KSHIM_CHECK((ste_q(2) & (STRTAB_STE_2_S2AA64 | STRTAB_STE_2_S2R | STRTAB_STE_2_S2PTW)) ==
			    (STRTAB_STE_2_S2AA64 | STRTAB_STE_2_S2R | STRTAB_STE_2_S2PTW),
		    "S2AA64/S2R/S2PTW: q2=%#llx", ste_q(2));
	KSHIM_CHECK(s2->vttbr >> 32, "VTTBR %#llx: not above 4 GiB", s2->vttbr);
	KSHIM_CHECK(ste_q(3) == (s2->vttbr & STRTAB_STE_3_S2TTB_MASK), "S2TTB: q3=%#llx", ste_q(3));
}

KSHIM_SCENARIO(ste_abort_to_bypass,
	       "attach an identity domain to a master whose STE aborts: abort -> bypass")
{
	struct arm_smmu_domain *bypass;

	setup(0);
	bypass = new_domain(IOMMU_DOMAIN_IDENTITY);
	attach(bypass, "attach_dev(identity domain)");
	KSHIM_CHECK(bypass->stage == ARM_SMMU_DOMAIN_BYPASS, "stage %d", bypass->stage);
	check_ste_abort_or_bypass(STRTAB_STE_0_CFG_BYPASS);
	return 0;
}

KSHIM_SCENARIO(ste_bypass_to_abort, "detach a master from an identity domain: bypass -> abort")
{
	setup(0);
	attach(new_domain(IOMMU_DOMAIN_IDENTITY), "attach_dev(identity domain)");
	check_ste_abort_or_bypass(STRTAB_STE_0_CFG_BYPASS);
	detach("detach_dev");
	check_ste_abort_or_bypass(STRTAB_STE_0_CFG_ABORT);
	return 0;
}

KSHIM_SCENARIO(ste_abort_to_s1,
	       "attach a DMA domain: finalise writes CD 0, then abort -> S1 (CD table) STE")
{
	struct arm_smmu_domain *s1;

	setup(0);
	s1 = new_domain(IOMMU_DOMAIN_DMA);
	attach(s1, "attach_dev(DMA domain, stage 1)");
	KSHIM_CHECK(s1->stage == ARM_SMMU_DOMAIN_S1, "stage %d", s1->stage);
	KSHIM_CHECK(s1->s1_cfg.s1fmt == STRTAB_STE_0_S1FMT_LINEAR, "s1fmt %u", s1->s1_cfg.s1fmt);
	check_ste_s1(s1);
	KSHIM_CHECK(s1->s1_cfg.cd.asid == 1, "first ASID %u, expected 1", s1->s1_cfg.cd.asid);
	check_cd(s1, 0, &s1->s1_cfg.cd);
	return 0;
}

KSHIM_SCENARIO(ste_s1_to_abort, "detach a master from a stage-1 domain: S1 -> abort")
{
	setup(0);
	attach(new_domain(IOMMU_DOMAIN_DMA), "attach_dev(DMA domain, stage 1)");
	check_ste_config(STRTAB_STE_0_CFG_S1_TRANS);
	detach("detach_dev");
	check_ste_abort_or_bypass(STRTAB_STE_0_CFG_ABORT);
	return 0;
}

KSHIM_SCENARIO(ste_abort_to_s2, "attach a nesting (stage-2) domain: abort -> S2, VMID 1")
{
	struct arm_smmu_domain *s2;

	setup(0);
	s2 = new_s2_domain();
	attach(s2, "attach_dev(nesting domain, stage 2)");
	KSHIM_CHECK(s2->stage == ARM_SMMU_DOMAIN_NESTED, "stage %d", s2->stage);
	check_ste_s2(s2);
	return 0;
}

KSHIM_SCENARIO(ste_s2_to_bypass,
	       "attach an identity domain to a master on a stage-2 domain: "
	       "attach_dev detaches first, so S2 -> abort -> bypass")
{
	setup(0);
	attach(new_s2_domain(), "attach_dev(nesting domain, stage 2)");
	check_ste_config(STRTAB_STE_0_CFG_S2_TRANS);
	attach(new_domain(IOMMU_DOMAIN_IDENTITY), "attach_dev(identity domain)");
	check_ste_abort_or_bypass(STRTAB_STE_0_CFG_BYPASS);
	return 0;
}

KSHIM_SCENARIO(ste_s1_to_s2,
	       "move a master from a stage-1 to a stage-2 domain: S1 -> abort -> S2 "
	       "(the 6.1 writer BUG()s on a direct S1 -> S2)")
{
	struct arm_smmu_domain *s2;

	setup(0);
	attach(new_domain(IOMMU_DOMAIN_DMA), "attach_dev(DMA domain, stage 1)");
	check_ste_config(STRTAB_STE_0_CFG_S1_TRANS);
	s2 = new_s2_domain();
	attach(s2, "attach_dev(nesting domain, stage 2)");
	check_ste_s2(s2);
	/* Stage-1 words left behind in q1 (S1DSS, STRW, ...) are ignored for S2. */
	return 0;
}

KSHIM_SCENARIO(ste_s1_ats_attach_detach,
	       "attach an ATS-capable PCI master to a stage-1 domain (STE EATS, ATC_INV, "
	       "enable ATS), then detach it (disable ATS, ATC_INV, abort STE)")
{
	struct arm_smmu_domain *s1;

	setup(0);
	env.smmu.features |= ARM_SMMU_FEAT_ATS;
	kshim61_make_ats_capable(&env.dev);
	s1 = new_domain(IOMMU_DOMAIN_DMA);
	attach(s1, "attach_dev(DMA domain, stage 1, ATS)");
	KSHIM_CHECK(env.master.ats_enabled, "ATS not enabled for the master");
	check_ste_s1(s1);
	KSHIM_CHECK(FIELD_GET(STRTAB_STE_1_EATS, ste_q(1)) == STRTAB_STE_1_EATS_TRANS,
		    "EATS: q1=%#llx", ste_q(1));
	KSHIM_CHECK(atomic_read(&s1->nr_ats_masters) == 1, "nr_ats_masters %d",
		    atomic_read(&s1->nr_ats_masters));
	detach("detach_dev");
	KSHIM_CHECK(!env.master.ats_enabled, "ATS still enabled");
	KSHIM_CHECK(atomic_read(&s1->nr_ats_masters) == 0, "nr_ats_masters %d",
		    atomic_read(&s1->nr_ats_masters));
	check_ste_abort_or_bypass(STRTAB_STE_0_CFG_ABORT);
	return 0;
}

KSHIM_SCENARIO(cd_change_asid,
	       "rewrite the live CD 0 with a new ASID (as arm_smmu_share_asid does), "
	       "then invalidate the old ASID")
{
	struct arm_smmu_domain *s1;
	struct arm_smmu_ctx_desc *cd;
	__le64 *cdptr, before[CTXDESC_CD_DWORDS];
	u32 old_asid, new_asid;

	setup(0);
	s1 = new_domain(IOMMU_DOMAIN_DMA);
	attach(s1, "attach_dev(DMA domain, stage 1)");
	cd = &s1->s1_cfg.cd;
	cdptr = cd_of(s1, 0);
	memcpy(before, cdptr, sizeof(before));

	old_asid = cd->asid;
	KSHIM_CHECK(xa_alloc(&arm_smmu_asid_xa, &new_asid, cd,
			     XA_LIMIT(1, (1 << env.smmu.asid_bits) - 1), GFP_KERNEL) == 0,
		    "no free ASID");
	kshim_note("arm_smmu_write_ctx_desc(SSID 0, new ASID) on the live CD", __FILE__, __LINE__);
	cd->asid = (u16)new_asid;
	KSHIM_CHECK(arm_smmu_write_ctx_desc(s1, 0, cd) == 0, "write_ctx_desc failed");
	arm_smmu_tlb_inv_asid(&env.smmu, old_asid);
	xa_erase(&arm_smmu_asid_xa, old_asid);

	KSHIM_CHECK(new_asid != old_asid, "ASID unchanged");
	check_cd(s1, 0, cd);
	/* Only the ASID field of qword 0 changes. */
	KSHIM_CHECK((le64_to_cpu(cdptr[0]) & ~CTXDESC_CD_0_ASID) ==
			    (le64_to_cpu(before[0]) & ~CTXDESC_CD_0_ASID),
		    "CD q0 changed beyond the ASID: %#llx -> %#llx", le64_to_cpu(before[0]),
		    le64_to_cpu(cdptr[0]));
	KSHIM_CHECK(!memcmp(&cdptr[1], &before[1], sizeof(before) - 8), "CD q1..q7 changed");
	return 0;
}

/* A second address space for a PASID: its own ASID and stage-1 table. */
static struct arm_smmu_ctx_desc *new_pasid_cd(struct arm_smmu_domain *s1)
{
	static struct arm_smmu_ctx_desc cd;
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = env.smmu.pgsize_bitmap,
		.ias = 48,
		.oas = env.smmu.ias,
		.coherent_walk = true,
		.tlb = &arm_smmu_flush_ops,
		.iommu_dev = env.smmu.dev,
	};
	u32 asid;

	KSHIM_CHECK(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, s1), "alloc_io_pgtable_ops failed");
	KSHIM_CHECK(xa_alloc(&arm_smmu_asid_xa, &asid, &cd,
			     XA_LIMIT(1, (1 << env.smmu.asid_bits) - 1), GFP_KERNEL) == 0,
		    "no free ASID");
	/* Same TCR and MAIR as the domain's CD 0; new ASID and table. */
	cd = s1->s1_cfg.cd;
	cd.asid = (u16)asid;
	cd.ttbr = cfg.arm_lpae_s1_cfg.ttbr;
	return &cd;
}

/* A master with 20 PASID bits: finalise picks a 2-level CD table. */
static struct arm_smmu_domain *attach_pasid_capable_s1(void)
{
	struct arm_smmu_domain *s1;

	setup(20);
	s1 = new_domain(IOMMU_DOMAIN_DMA);
	attach(s1, "attach_dev(DMA domain, stage 1, 20 SSID bits)");
	KSHIM_CHECK(s1->s1_cfg.s1fmt == STRTAB_STE_0_S1FMT_64K_L2, "s1fmt %u", s1->s1_cfg.s1fmt);
	KSHIM_CHECK(s1->s1_cfg.s1cdmax == 20, "s1cdmax %u", s1->s1_cfg.s1cdmax);
	check_ste_s1(s1);
	check_cd(s1, 0, &s1->s1_cfg.cd);
	return s1;
}

static void check_l1cd(struct arm_smmu_domain *s1, u32 ssid)
{
	struct arm_smmu_ctx_desc_cfg *cdcfg = &s1->s1_cfg.cdcfg;
	u32 idx = ssid >> CTXDESC_SPLIT;
	u64 l1 = le64_to_cpu(cdcfg->cdtab[idx * CTXDESC_L1_DESC_DWORDS]);

	KSHIM_CHECK(l1 & CTXDESC_L1_DESC_V, "L1 CD descriptor %u not valid: %#llx", idx, l1);
	KSHIM_CHECK((l1 & CTXDESC_L1_DESC_L2PTR_MASK) == cdcfg->l1_desc[idx].l2ptr_dma,
		    "L1 CD descriptor %u points to %#llx", idx, l1 & CTXDESC_L1_DESC_L2PTR_MASK);
}

KSHIM_SCENARIO(cd_install_ssid,
	       "install the CD of a second PASID in a 2-level CD table: "
	       "L1 descriptor, then CD words 1-3, sync, word 0, sync")
{
	struct arm_smmu_domain *s1 = attach_pasid_capable_s1();
	struct arm_smmu_ctx_desc *cd = new_pasid_cd(s1);

	kshim_note("arm_smmu_write_ctx_desc(SSID 0x1234, new CD)", __FILE__, __LINE__);
	KSHIM_CHECK(arm_smmu_write_ctx_desc(s1, KSHIM61_SSID, cd) == 0, "write_ctx_desc failed");
	check_l1cd(s1, KSHIM61_SSID);
	check_cd(s1, KSHIM61_SSID, cd);
	KSHIM_CHECK(cd->asid == 2, "second ASID %u, expected 2", cd->asid);
	return 0;
}

KSHIM_SCENARIO(cd_quiesce_and_remove_ssid,
	       "install a PASID's CD, quiesce it (quiet_cd: EPD0) and remove it (CD word 0 = 0)")
{
	struct arm_smmu_domain *s1 = attach_pasid_capable_s1();
	struct arm_smmu_ctx_desc *cd = new_pasid_cd(s1);
	__le64 *cdptr;

	KSHIM_CHECK(arm_smmu_write_ctx_desc(s1, KSHIM61_SSID, cd) == 0, "write_ctx_desc failed");
	cdptr = cd_of(s1, KSHIM61_SSID);

	kshim_note("arm_smmu_write_ctx_desc(SSID 0x1234, &quiet_cd)", __FILE__, __LINE__);
	KSHIM_CHECK(arm_smmu_write_ctx_desc(s1, KSHIM61_SSID, &quiet_cd) == 0, "quiesce failed");
	check_cd(s1, KSHIM61_SSID, cd);
	KSHIM_CHECK(le64_to_cpu(cdptr[0]) & CTXDESC_CD_0_TCR_EPD0, "EPD0 clear after quiesce");

	kshim_note("arm_smmu_write_ctx_desc(SSID 0x1234, NULL)", __FILE__, __LINE__);
	KSHIM_CHECK(arm_smmu_write_ctx_desc(s1, KSHIM61_SSID, NULL) == 0, "remove failed");
	KSHIM_CHECK(le64_to_cpu(cdptr[0]) == 0, "CD q0 %#llx after remove", le64_to_cpu(cdptr[0]));
	return 0;
}

KSHIM_SCENARIO(s1_unmap_tlbi,
	       "map 4 pages in a stage-1 domain, unmap them and iotlb_sync: "
	       "one range TLBI_NH_VA for the domain's ASID")
{
	struct arm_smmu_domain *s1;
	struct iommu_iotlb_gather gather;
	const unsigned long iova = 0x10000;
	size_t mapped = 0, unmapped;
	int ret;

	setup(0);
	s1 = new_domain(IOMMU_DOMAIN_DMA);
	attach(s1, "attach_dev(DMA domain, stage 1)");
	ret = arm_smmu_map_pages(&s1->domain, iova, 0x8080000000ULL, SZ_4K, 4,
				 IOMMU_READ | IOMMU_WRITE, GFP_KERNEL, &mapped);
	KSHIM_CHECK(ret == 0 && mapped == 4 * SZ_4K, "map_pages: %d, %zu bytes", ret, mapped);

	kshim_note("unmap 4 pages and iotlb_sync", __FILE__, __LINE__);
	iommu_iotlb_gather_init(&gather);
	unmapped = arm_smmu_unmap_pages(&s1->domain, iova, SZ_4K, 4, &gather);
	KSHIM_CHECK(unmapped == 4 * SZ_4K, "unmap_pages: %zu bytes", unmapped);
	arm_smmu_iotlb_sync(&s1->domain, &gather);
	return 0;
}
