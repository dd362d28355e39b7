// SPDX-License-Identifier: MIT
/*
 * Sweep of the 6.9+ STE/CD writer beyond KUnit's fixed values: STEs and CDs
 * built by the tree's own make functions over parameter grids, then every
 * ordered pair written through the production writer (arm_smmu_write_ste,
 * arm_smmu_write_cd_entry: real CFGI + CMD_SYNC commands). Each update is
 * preceded by a note "FROM -> TO" that names it in reports.
 *
 * Grids vary one parameter at a time around a base, so each pair isolates
 * what changes: VMID 0, 1 and 65535; ASIDs in one or two bytes; S1DSS; ATS,
 * stall and E2H; linear and 2-level CD tables; table addresses above 4 GiB
 * that differ from the base in one byte or in several.
 *
 * Included at the end of the arm-smmu-v3.c slice: it calls static functions.
 */

#include "kshim_scenario.h"

/* Needs the production writers; kshim_have.h says whether this tree has them. */
#if defined(KSHIM_FAMILY_sweep)

#define SW_SID 0x20
#define SW_MAX 32

static struct {
	struct device smmu_dev, master_dev;
	struct arm_smmu_device smmu;
	struct arm_smmu_stream stream;
	struct arm_smmu_master master;
} sw;

struct sw_domain {
	struct io_pgtable pgtable;
	struct arm_smmu_domain domain;
};

static struct arm_smmu_ste sw_stes[SW_MAX];
static struct arm_smmu_cd sw_cds[SW_MAX];
static char sw_ste_names[SW_MAX][64], sw_cd_names[SW_MAX][64];
static int sw_nstes, sw_ncds;
/* The live entries the SMMU may fetch while they are rewritten. */
static struct arm_smmu_ste sw_live_ste __attribute__((aligned(64)));
static struct arm_smmu_cd sw_live_cd __attribute__((aligned(64)));

static void sw_setup(u32 features, bool stall, u8 s1fmt, dma_addr_t cdtab)
{
	memset(&sw, 0, sizeof(sw));
	sw.smmu.dev = &sw.smmu_dev;
	sw.smmu.features = features;
	sw.smmu.sid_bits = 16;
	sw.smmu.ssid_bits = 20;
	sw.master.smmu = &sw.smmu;
	sw.master.dev = &sw.master_dev;
	sw.master.streams = &sw.stream;
	sw.master.num_streams = 1;
	sw.master.stall_enabled = stall;
	sw.master.ssid_bits = 20;
	sw.master.cd_table.cdtab_dma = cdtab;
	sw.master.cd_table.s1fmt = s1fmt;
	sw.master.cd_table.s1cdmax = 8;
	sw.stream.id = SW_SID;
	sw.stream.master = &sw.master;
}

/* A domain around a stack-free io_pgtable, as the KUnit test builds them. */
static void sw_domain(struct sw_domain *d, enum arm_smmu_domain_stage stage, u16 id, u64 ttb)
{
	memset(d, 0, sizeof(*d));
	d->domain.smmu = &sw.smmu;
	d->domain.stage = stage;
	d->domain.pgtbl_ops = &d->pgtable.ops;
	if (stage == ARM_SMMU_DOMAIN_S1) {
		d->domain.cd.asid = id;
		d->pgtable.cfg.arm_lpae_s1_cfg.ttbr = ttb;
		d->pgtable.cfg.arm_lpae_s1_cfg.tcr.ips = 5;
		d->pgtable.cfg.arm_lpae_s1_cfg.tcr.tg = 0;
		d->pgtable.cfg.arm_lpae_s1_cfg.tcr.sh = 3;
		d->pgtable.cfg.arm_lpae_s1_cfg.tcr.orgn = 1;
		d->pgtable.cfg.arm_lpae_s1_cfg.tcr.irgn = 1;
		d->pgtable.cfg.arm_lpae_s1_cfg.tcr.tsz = 16;
		d->pgtable.cfg.arm_lpae_s1_cfg.mair = 0x000000ff440c0400ULL;
	} else {
		d->domain.s2_cfg.vmid = id;
		d->pgtable.cfg.arm_lpae_s2_cfg.vttbr = ttb;
		d->pgtable.cfg.arm_lpae_s2_cfg.vtcr.ps = 5;
		d->pgtable.cfg.arm_lpae_s2_cfg.vtcr.tg = 0;
		d->pgtable.cfg.arm_lpae_s2_cfg.vtcr.sh = 3;
		d->pgtable.cfg.arm_lpae_s2_cfg.vtcr.orgn = 1;
		d->pgtable.cfg.arm_lpae_s2_cfg.vtcr.irgn = 1;
		d->pgtable.cfg.arm_lpae_s2_cfg.vtcr.sl = 2;
		d->pgtable.cfg.arm_lpae_s2_cfg.vtcr.tsz = 16;
	}
}

#define SW_BASE_FEATURES (ARM_SMMU_FEAT_STALLS | ARM_SMMU_FEAT_ATTR_TYPES_OVR | \
			  ARM_SMMU_FEAT_TRANS_S1 | ARM_SMMU_FEAT_TRANS_S2)
#define SW_CDTAB 0x812345000ULL            /* base CD table, above 4 GiB */
#define SW_CDTAB_1BYTE 0x812346000ULL      /* differs in one byte */
#define SW_CDTAB_NBYTES 0x987654000ULL     /* differs in several bytes */
#define SW_PGD 0x880000000ULL              /* base page table */
#define SW_PGD_1BYTE 0x880001000ULL
#define SW_PGD_NBYTES 0xabcdef000ULL

static void sw_name(char *dst, const char *what)
{
	int i = 0;
	for (; what[i] && i < 63; i++)
		dst[i] = what[i];
	dst[i] = 0;
}

static void sw_cdtable(const char *name, u32 features, bool stall, u8 s1fmt, dma_addr_t cdtab,
		       bool ats, unsigned int s1dss)
{
	sw_setup(features, stall, s1fmt, cdtab);
	arm_smmu_make_cdtable_ste(&sw_stes[sw_nstes], &sw.master, ats, s1dss);
	sw_name(sw_ste_names[sw_nstes++], name);
}

static void sw_s2(const char *name, bool stall, u16 vmid, u64 vttbr, bool ats)
{
	struct sw_domain d;

	sw_setup(SW_BASE_FEATURES, stall, 0, 0);
	sw_domain(&d, ARM_SMMU_DOMAIN_S2, vmid, vttbr);
	arm_smmu_make_s2_domain_ste(&sw_stes[sw_nstes], &sw.master, &d.domain, ats);
	sw_name(sw_ste_names[sw_nstes++], name);
}

static void sw_s1_cd(const char *name, bool stall, u16 asid, u64 ttbr)
{
	struct sw_domain d;

	sw_setup(SW_BASE_FEATURES, stall, 0, SW_CDTAB);
	sw_domain(&d, ARM_SMMU_DOMAIN_S1, asid, ttbr);
	arm_smmu_make_s1_cd(&sw_cds[sw_ncds], &sw.master, &d.domain);
	sw_name(sw_cd_names[sw_ncds++], name);
}

static void sw_build_grids(void)
{
	const u8 l2 = STRTAB_STE_0_S1FMT_64K_L2, linear = STRTAB_STE_0_S1FMT_LINEAR;

	sw_nstes = sw_ncds = 0;
	sw_setup(SW_BASE_FEATURES, false, 0, 0);
	arm_smmu_make_abort_ste(&sw_stes[sw_nstes]);
	sw_name(sw_ste_names[sw_nstes++], "abort");
	arm_smmu_make_bypass_ste(&sw.smmu, &sw_stes[sw_nstes]);
	sw_name(sw_ste_names[sw_nstes++], "bypass");

	sw_cdtable("cdtable", SW_BASE_FEATURES, false, l2, SW_CDTAB, false, STRTAB_STE_1_S1DSS_SSID0);
	sw_cdtable("cdtable.ptr-1byte", SW_BASE_FEATURES, false, l2, SW_CDTAB_1BYTE, false,
		   STRTAB_STE_1_S1DSS_SSID0);
	sw_cdtable("cdtable.ptr-nbytes", SW_BASE_FEATURES, false, l2, SW_CDTAB_NBYTES, false,
		   STRTAB_STE_1_S1DSS_SSID0);
	sw_cdtable("cdtable.linear", SW_BASE_FEATURES, false, linear, SW_CDTAB, false,
		   STRTAB_STE_1_S1DSS_SSID0);
	sw_cdtable("cdtable.s1dss-bypass", SW_BASE_FEATURES, false, l2, SW_CDTAB, false,
		   STRTAB_STE_1_S1DSS_BYPASS);
	sw_cdtable("cdtable.ats", SW_BASE_FEATURES, false, l2, SW_CDTAB, true, STRTAB_STE_1_S1DSS_SSID0);
	sw_cdtable("cdtable.stall", SW_BASE_FEATURES, true, l2, SW_CDTAB, false, STRTAB_STE_1_S1DSS_SSID0);
	sw_cdtable("cdtable.e2h", SW_BASE_FEATURES | ARM_SMMU_FEAT_E2H, false, l2, SW_CDTAB, false,
		   STRTAB_STE_1_S1DSS_SSID0);

	sw_s2("s2.vmid1", false, 1, SW_PGD, false);
	sw_s2("s2.vmid0", false, 0, SW_PGD, false);
	sw_s2("s2.vmid65535", false, 65535, SW_PGD, false);
	sw_s2("s2.vmid1.ttb-1byte", false, 1, SW_PGD_1BYTE, false);
	sw_s2("s2.vmid1.ttb-nbytes", false, 1, SW_PGD_NBYTES, false);
	sw_s2("s2.vmid1.ats", false, 1, SW_PGD, true);
	sw_s2("s2.vmid1.stall", true, 1, SW_PGD, false);

	memset(&sw_cds[sw_ncds], 0, sizeof(sw_cds[0]));
	sw_name(sw_cd_names[sw_ncds++], "cd.zero");
	sw_s1_cd("cd.asid1", false, 1, SW_PGD);
	sw_s1_cd("cd.asid2", false, 2, SW_PGD);
	sw_s1_cd("cd.asid256", false, 256, SW_PGD);
	sw_s1_cd("cd.asid65535", false, 65535, SW_PGD);
	sw_s1_cd("cd.asid1.ttb-1byte", false, 1, SW_PGD_1BYTE);
	sw_s1_cd("cd.asid1.ttb-nbytes", false, 1, SW_PGD_NBYTES);
	sw_s1_cd("cd.asid1.stall", true, 1, SW_PGD);
}

static void sw_note_pair(const char *from, const char *to)
{
	char text[160];
	int n = 0;
	for (int i = 0; from[i] && n < 70; i++)
		text[n++] = from[i];
	text[n++] = ' ';
	text[n++] = '-';
	text[n++] = '>';
	text[n++] = ' ';
	for (int i = 0; to[i] && n < 150; i++)
		text[n++] = to[i];
	text[n] = 0;
	kshim_note(text, NULL, 0);
}

KSHIM_SCENARIO(sweep_ste_pairs,
	       "every ordered pair of STEs from the parameter grid, through arm_smmu_write_ste")
{
	sw_build_grids();
	sw_setup(SW_BASE_FEATURES, false, STRTAB_STE_0_S1FMT_64K_L2, SW_CDTAB);
	kshim_desc_register(&sw_live_ste, sizeof(sw_live_ste), KSHIM_DESC_STE, "ste.sid0x20");
	for (int a = 0; a < sw_nstes; a++)
		for (int b = 0; b < sw_nstes; b++) {
			if (a == b)
				continue;
			sw_live_ste = sw_stes[a];
			sw_note_pair(sw_ste_names[a], sw_ste_names[b]);
			arm_smmu_write_ste(&sw.master, SW_SID, &sw_live_ste, &sw_stes[b]);
			KSHIM_CHECK(!memcmp(&sw_live_ste, &sw_stes[b], sizeof(sw_live_ste)),
				    "%s -> %s did not reach the target", sw_ste_names[a], sw_ste_names[b]);
		}
	return 0;
}

KSHIM_SCENARIO(sweep_cd_pairs,
	       "every ordered pair of CDs from the parameter grid, through arm_smmu_write_cd_entry (SSID 1)")
{
	sw_build_grids();
	sw_setup(SW_BASE_FEATURES, false, STRTAB_STE_0_S1FMT_64K_L2, SW_CDTAB);
	kshim_desc_register(&sw_live_cd, sizeof(sw_live_cd), KSHIM_DESC_CD, "cd.ssid1");
	for (int a = 0; a < sw_ncds; a++)
		for (int b = 0; b < sw_ncds; b++) {
			if (a == b)
				continue;
			sw_live_cd = sw_cds[a];
			sw_note_pair(sw_cd_names[a], sw_cd_names[b]);
			arm_smmu_write_cd_entry(&sw.master, 1, &sw_live_cd, &sw_cds[b]);
			KSHIM_CHECK(!memcmp(&sw_live_cd, &sw_cds[b], sizeof(sw_live_cd)),
				    "%s -> %s did not reach the target", sw_cd_names[a], sw_cd_names[b]);
		}
	return 0;
}

#endif
