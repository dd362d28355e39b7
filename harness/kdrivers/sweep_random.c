// SPDX-License-Identifier: MIT
/*
 * Random STE/CD pairs, for validating the symbolic writer against the compiled
 * one: both entries of a pair are built by the tree's own make functions from
 * random parameters (kind, feature bits, stall, ATS, S1DSS, S1Fmt, S1CDMax, CD
 * table and page table addresses anywhere the field can hold them, VMID, ASID,
 * VTCR/TCR fields, MAIR, quirks), then written through the production writer
 * (arm_smmu_write_ste, arm_smmu_write_cd_entry). A note before each update
 * names both entries' parameters.
 *
 * The caller sets kshim_random_pairs_seed and kshim_random_pairs_count (read
 * by name from the loaded slice) before running a scenario. A target is half
 * the time fresh, else the current entry's parameters with one or two redrawn
 * (hitless candidates), or the same (no change).
 *
 * Included after sweep_612.c: it reuses its master, domains and live entries.
 */

#include "kshim_scenario.h"

#if defined(KSHIM_FAMILY_sweep)

unsigned long long kshim_random_pairs_seed = 1;
int kshim_random_pairs_count = 100;

static u64 rp_state;

static u64 rp_next(void) /* splitmix64 */
{
	u64 z = (rp_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rp_below(u64 n)
{
	return rp_next() % n;
}

/* An address of `bits` bits: uniform, sparse, or near the top and bottom. */
static u64 rp_addr(int bits)
{
	u64 mask = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
	switch (rp_below(4)) {
	case 0:
		return rp_next() & rp_next() & mask;
	case 1:
		return (rp_next() | rp_next()) & mask;
	default:
		return rp_next() & mask;
	}
}

enum { RP_STE_KIND, RP_STE_FEAT, RP_STE_STALL, RP_STE_S1FMT, RP_STE_S1CDMAX, RP_STE_CDTAB,
       RP_STE_ATS, RP_STE_S1DSS, RP_STE_VMID, RP_STE_VTTBR, RP_STE_VTCR, RP_STE_S2FWB, RP_STE_N };
enum { RP_CD_KIND, RP_CD_STALL, RP_CD_ASID, RP_CD_TTBR, RP_CD_TCR, RP_CD_MAIR, RP_CD_HD, RP_CD_N };

static const u32 rp_features[] = {
	ARM_SMMU_FEAT_STALLS, ARM_SMMU_FEAT_ATTR_TYPES_OVR, ARM_SMMU_FEAT_E2H,
	ARM_SMMU_FEAT_TRANS_S1, ARM_SMMU_FEAT_TRANS_S2, ARM_SMMU_FEAT_STALL_FORCE,
};

static u64 rp_ste_param(int i)
{
	switch (i) {
	case RP_STE_KIND: return rp_below(4); /* abort, bypass, cdtable, s2 */
	case RP_STE_FEAT: {
		u64 f = 0;
		for (unsigned int k = 0; k < ARRAY_SIZE(rp_features); k++)
			if (rp_below(2))
				f |= rp_features[k];
		return f;
	}
	case RP_STE_S1FMT: return rp_below(3);
	case RP_STE_S1CDMAX: return rp_below(21);
	case RP_STE_CDTAB: return rp_addr(64);
	case RP_STE_S1DSS: return rp_below(3);
	case RP_STE_VMID: return rp_below(4) ? rp_below(65536) : rp_below(3);
	case RP_STE_VTTBR: return rp_addr(64);
	case RP_STE_VTCR: return rp_next();
	default: return rp_below(2);
	}
}

static u64 rp_cd_param(int i)
{
	switch (i) {
	case RP_CD_KIND: return rp_below(8) != 0; /* mostly S1, sometimes the cleared CD */
	case RP_CD_ASID: return rp_below(4) ? rp_below(65536) : rp_below(3);
	case RP_CD_TTBR: return rp_addr(64);
	case RP_CD_TCR: return rp_next();
	case RP_CD_MAIR: return rp_next();
	default: return rp_below(2);
	}
}

static void rp_make_ste(const u64 *p, struct arm_smmu_ste *out)
{
	struct sw_domain d;

	sw_setup((u32)p[RP_STE_FEAT], p[RP_STE_STALL], (u8)p[RP_STE_S1FMT], p[RP_STE_CDTAB]);
	sw.master.cd_table.s1cdmax = (u8)p[RP_STE_S1CDMAX];
	switch (p[RP_STE_KIND]) {
	case 0:
		arm_smmu_make_abort_ste(out);
		break;
	case 1:
		arm_smmu_make_bypass_ste(&sw.smmu, out);
		break;
	case 2:
		arm_smmu_make_cdtable_ste(out, &sw.master, p[RP_STE_ATS], (unsigned int)p[RP_STE_S1DSS]);
		break;
	default:
		sw_domain(&d, ARM_SMMU_DOMAIN_S2, (u16)p[RP_STE_VMID], p[RP_STE_VTTBR]);
		d.pgtable.cfg.arm_lpae_s2_cfg.vtcr.tsz = p[RP_STE_VTCR];
		d.pgtable.cfg.arm_lpae_s2_cfg.vtcr.sl = p[RP_STE_VTCR] >> 6;
		d.pgtable.cfg.arm_lpae_s2_cfg.vtcr.irgn = p[RP_STE_VTCR] >> 8;
		d.pgtable.cfg.arm_lpae_s2_cfg.vtcr.orgn = p[RP_STE_VTCR] >> 10;
		d.pgtable.cfg.arm_lpae_s2_cfg.vtcr.sh = p[RP_STE_VTCR] >> 12;
		d.pgtable.cfg.arm_lpae_s2_cfg.vtcr.tg = p[RP_STE_VTCR] >> 14;
		d.pgtable.cfg.arm_lpae_s2_cfg.vtcr.ps = p[RP_STE_VTCR] >> 16;
#ifdef IO_PGTABLE_QUIRK_ARM_S2FWB
		if (p[RP_STE_S2FWB])
			d.pgtable.cfg.quirks |= IO_PGTABLE_QUIRK_ARM_S2FWB;
#endif
		arm_smmu_make_s2_domain_ste(out, &sw.master, &d.domain, p[RP_STE_ATS]);
		break;
	}
}

static void rp_make_cd(const u64 *p, struct arm_smmu_cd *out)
{
	struct sw_domain d;

	if (!p[RP_CD_KIND]) {
		memset(out, 0, sizeof(*out)); /* what arm_smmu_clear_cd writes */
		return;
	}
	sw_setup(SW_BASE_FEATURES, p[RP_CD_STALL], 0, SW_CDTAB);
	sw_domain(&d, ARM_SMMU_DOMAIN_S1, (u16)p[RP_CD_ASID], p[RP_CD_TTBR]);
	d.pgtable.cfg.arm_lpae_s1_cfg.tcr.tsz = p[RP_CD_TCR];
	d.pgtable.cfg.arm_lpae_s1_cfg.tcr.tg = p[RP_CD_TCR] >> 6;
	d.pgtable.cfg.arm_lpae_s1_cfg.tcr.irgn = p[RP_CD_TCR] >> 8;
	d.pgtable.cfg.arm_lpae_s1_cfg.tcr.orgn = p[RP_CD_TCR] >> 10;
	d.pgtable.cfg.arm_lpae_s1_cfg.tcr.sh = p[RP_CD_TCR] >> 12;
	d.pgtable.cfg.arm_lpae_s1_cfg.tcr.ips = p[RP_CD_TCR] >> 14;
	d.pgtable.cfg.arm_lpae_s1_cfg.mair = p[RP_CD_MAIR];
#ifdef IO_PGTABLE_QUIRK_ARM_HD
	if (p[RP_CD_HD])
		d.pgtable.cfg.quirks |= IO_PGTABLE_QUIRK_ARM_HD;
#endif
	arm_smmu_make_s1_cd(out, &sw.master, &d.domain);
}

/* b: a's parameters with one or two redrawn, the same, or all fresh. */
static void rp_pair(u64 *a, u64 *b, int n, u64 (*param)(int))
{
	for (int i = 0; i < n; i++)
		a[i] = param(i);
	switch (rp_below(8)) {
	case 0:
		for (int i = 0; i < n; i++)
			b[i] = a[i];
		break;
	case 1: case 2: case 3:
		for (int i = 0; i < n; i++)
			b[i] = a[i];
		for (int k = 1 + (int)rp_below(2); k > 0; k--) {
			int i = (int)rp_below(n);
			b[i] = param(i);
		}
		break;
	default:
		for (int i = 0; i < n; i++)
			b[i] = param(i);
	}
}

#define RP_X(p, i) ((unsigned long long)(p)[i])

static void rp_note_ste(int n, const u64 *a, const u64 *b)
{
	KSHIM_NOTE("ste pair %d: kind feat stall s1fmt s1cdmax cdtab ats s1dss vmid vttbr vtcr s2fwb "
		   "%llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx -> "
		   "%llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %llx", n,
		   RP_X(a, 0), RP_X(a, 1), RP_X(a, 2), RP_X(a, 3), RP_X(a, 4), RP_X(a, 5),
		   RP_X(a, 6), RP_X(a, 7), RP_X(a, 8), RP_X(a, 9), RP_X(a, 10), RP_X(a, 11),
		   RP_X(b, 0), RP_X(b, 1), RP_X(b, 2), RP_X(b, 3), RP_X(b, 4), RP_X(b, 5),
		   RP_X(b, 6), RP_X(b, 7), RP_X(b, 8), RP_X(b, 9), RP_X(b, 10), RP_X(b, 11));
}

static void rp_note_cd(int n, const u64 *a, const u64 *b)
{
	KSHIM_NOTE("cd pair %d: kind stall asid ttbr tcr mair hd "
		   "%llx %llx %llx %llx %llx %llx %llx -> %llx %llx %llx %llx %llx %llx %llx", n,
		   RP_X(a, 0), RP_X(a, 1), RP_X(a, 2), RP_X(a, 3), RP_X(a, 4), RP_X(a, 5), RP_X(a, 6),
		   RP_X(b, 0), RP_X(b, 1), RP_X(b, 2), RP_X(b, 3), RP_X(b, 4), RP_X(b, 5), RP_X(b, 6));
}

KSHIM_SCENARIO(sweep_random_ste_pairs,
	       "random STE pairs from the make functions (kshim_random_pairs_seed/_count), through arm_smmu_write_ste")
{
	static struct arm_smmu_ste a, b;
	u64 pa[RP_STE_N], pb[RP_STE_N];

	rp_state = kshim_random_pairs_seed;
	sw_setup(SW_BASE_FEATURES, false, STRTAB_STE_0_S1FMT_64K_L2, SW_CDTAB);
	kshim_desc_register(&sw_live_ste, sizeof(sw_live_ste), KSHIM_DESC_STE, "ste.sid0x20");
	for (int n = 0; n < kshim_random_pairs_count; n++) {
		rp_pair(pa, pb, RP_STE_N, rp_ste_param);
		rp_make_ste(pa, &a);
		rp_make_ste(pb, &b);
		sw_setup(SW_BASE_FEATURES, false, STRTAB_STE_0_S1FMT_64K_L2, SW_CDTAB);
		sw_live_ste = a;
		rp_note_ste(n, pa, pb);
		arm_smmu_write_ste(&sw.master, SW_SID, &sw_live_ste, &b);
		KSHIM_CHECK(!memcmp(&sw_live_ste, &b, sizeof(b)), "ste pair %d did not reach the target", n);
	}
	return 0;
}

KSHIM_SCENARIO(sweep_random_cd_pairs,
	       "random CD pairs from the make functions (kshim_random_pairs_seed/_count), through arm_smmu_write_cd_entry")
{
	static struct arm_smmu_cd a, b;
	u64 pa[RP_CD_N], pb[RP_CD_N];

	rp_state = kshim_random_pairs_seed;
	sw_setup(SW_BASE_FEATURES, false, STRTAB_STE_0_S1FMT_64K_L2, SW_CDTAB);
	kshim_desc_register(&sw_live_cd, sizeof(sw_live_cd), KSHIM_DESC_CD, "cd.ssid1");
	for (int n = 0; n < kshim_random_pairs_count; n++) {
		rp_pair(pa, pb, RP_CD_N, rp_cd_param);
		rp_make_cd(pa, &a);
		rp_make_cd(pb, &b);
		sw_setup(SW_BASE_FEATURES, false, STRTAB_STE_0_S1FMT_64K_L2, SW_CDTAB);
		sw_live_cd = a;
		rp_note_cd(n, pa, pb);
		arm_smmu_write_cd_entry(&sw.master, 1, &sw_live_cd, &b);
		KSHIM_CHECK(!memcmp(&sw_live_cd, &b, sizeof(b)), "cd pair %d did not reach the target", n);
	}
	return 0;
}

/*
 * One pair given by value (smmu-check prove replays a counterexample): the
 * caller writes kshim_replay_current/_target (read by name from the loaded
 * slice), the pair goes through the production writer as above.
 */
unsigned long long kshim_replay_current[8], kshim_replay_target[8];

KSHIM_SCENARIO(sweep_replay_ste_pair,
	       "one STE pair given by value (kshim_replay_current/_target), through arm_smmu_write_ste")
{
	static struct arm_smmu_ste b;

	sw_setup(SW_BASE_FEATURES, false, STRTAB_STE_0_S1FMT_64K_L2, SW_CDTAB);
	kshim_desc_register(&sw_live_ste, sizeof(sw_live_ste), KSHIM_DESC_STE, "ste.sid0x20");
	memcpy(&sw_live_ste, kshim_replay_current, sizeof(sw_live_ste));
	memcpy(&b, kshim_replay_target, sizeof(b));
	KSHIM_NOTE("ste pair given by value");
	arm_smmu_write_ste(&sw.master, SW_SID, &sw_live_ste, &b);
	return 0;
}

KSHIM_SCENARIO(sweep_replay_cd_pair,
	       "one CD pair given by value (kshim_replay_current/_target), through arm_smmu_write_cd_entry")
{
	static struct arm_smmu_cd b;

	sw_setup(SW_BASE_FEATURES, false, STRTAB_STE_0_S1FMT_64K_L2, SW_CDTAB);
	kshim_desc_register(&sw_live_cd, sizeof(sw_live_cd), KSHIM_DESC_CD, "cd.ssid1");
	memcpy(&sw_live_cd, kshim_replay_current, sizeof(sw_live_cd));
	memcpy(&b, kshim_replay_target, sizeof(b));
	KSHIM_NOTE("cd pair given by value");
	arm_smmu_write_cd_entry(&sw.master, 1, &sw_live_cd, &b);
	return 0;
}

#endif
