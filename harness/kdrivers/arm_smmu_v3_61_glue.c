// SPDX-License-Identifier: MIT
/*
 * Included at the end of the 6.1 arm-smmu-v3.c slice (profile
 * writer-strtab-ent), so it sees the driver's static functions and types.
 *
 * - Command queue insertion is replaced: the real encoded commands and the
 *   CMD_SYNC built by the driver's own arm_smmu_cmdq_build_sync_cmd go to the
 *   recorder, with the kernel call site.
 * - arm_smmu_write_strtab_ent and arm_smmu_write_ctx_desc are wrapped: the
 *   entry becomes fetchable and the update is bracketed with its initial and
 *   target values, like arm_smmu_write_entry on 6.9+. The 6.1 writers take no
 *   target entry, so the target is what the real writer produces on a scratch
 *   copy with commands muted. arm_smmu_sync_ste_for_sid and arm_smmu_sync_cd
 *   (the 6.1 writers' syncs) are marked as update syncs.
 */

/* Nonzero while a writer runs on a scratch copy: its commands are not issued. */
static int kshim61_quiet;
/* Where arm_smmu_get_cd_ptr points the CD writer during its scratch run. */
static __le64 *kshim61_cd_scratch;
static int kshim61_update_depth;

#define KSHIM61_MAX_TRACKED 64
static const volatile void *kshim61_registered[KSHIM61_MAX_TRACKED];
static int kshim61_n_registered;

static struct {
	struct device *dev;
	void *priv;
} kshim61_devs[8];
static struct kshim61_fwspec kshim61_fwspec_of_any_dev;
static struct device *kshim61_pci_dev; /* the one ATS-capable PCI master, if any */

static struct {
	struct xarray *xa;
	unsigned long index;
	void *entry;
} kshim61_xa[64];

/* Scenario drivers call this first: a slice serves many runs in one process. */
static void kshim61_reset(void)
{
	kshim61_quiet = 0;
	kshim61_cd_scratch = NULL;
	kshim61_update_depth = 0;
	kshim61_n_registered = 0;
	memset(kshim61_devs, 0, sizeof(kshim61_devs));
	memset(kshim61_xa, 0, sizeof(kshim61_xa));
	kshim61_fwspec_of_any_dev.flags = 0;
	kshim61_pci_dev = NULL;
}

/* Makes `dev` an ATS-capable PCI function behind a root complex that supports ATS. */
static void kshim61_make_ats_capable(struct device *dev)
{
	kshim61_pci_dev = dev;
	kshim61_fwspec_of_any_dev.flags |= IOMMU_FWSPEC_PCI_RC_ATS;
}

static int kshim61_dev_is_pci(struct device *dev)
{
	return dev && dev == kshim61_pci_dev;
}

/* Registers a descriptor range once; later writes to it are recorded. */
static void kshim61_register(const volatile void *p, size_t size, int kind, const char *name)
{
	for (int i = 0; i < kshim61_n_registered; i++)
		if (kshim61_registered[i] == p)
			return;
	BUG_ON(kshim61_n_registered == KSHIM61_MAX_TRACKED);
	kshim61_registered[kshim61_n_registered++] = p;
	kshim_desc_register(p, size, kind, name);
}

/* ---- device, fwspec and xarray stand-ins (see arm_smmu_v3_61_glue.h) ---- */

static struct kshim61_fwspec *kshim61_dev_fwspec(struct device *dev)
{
	return dev ? &kshim61_fwspec_of_any_dev : NULL;
}

static void *kshim61_dev_priv(struct device *dev)
{
	for (int i = 0; i < (int)ARRAY_SIZE(kshim61_devs); i++)
		if (kshim61_devs[i].dev == dev)
			return kshim61_devs[i].priv;
	return NULL;
}

static void kshim61_dev_priv_set(struct device *dev, void *priv)
{
	for (int i = 0; i < (int)ARRAY_SIZE(kshim61_devs); i++)
		if (kshim61_devs[i].dev == dev || !kshim61_devs[i].dev) {
			kshim61_devs[i].dev = dev;
			kshim61_devs[i].priv = priv;
			return;
		}
	BUG();
}

/* Lowest free index in [min, max], as xa_alloc does for an XA_FLAGS_ALLOC array. */
static int kshim61_xa_alloc(struct xarray *xa, u32 *id, void *entry, struct kshim61_xa_limit limit)
{
	for (unsigned long index = limit.min; index <= limit.max; index++) {
		int free_slot = -1, used = 0;
		for (int i = 0; i < (int)ARRAY_SIZE(kshim61_xa); i++) {
			if (kshim61_xa[i].xa == xa && kshim61_xa[i].index == index)
				used = 1;
			if (!kshim61_xa[i].xa && free_slot < 0)
				free_slot = i;
		}
		if (used)
			continue;
		if (free_slot < 0)
			return -ENOMEM;
		kshim61_xa[free_slot].xa = xa;
		kshim61_xa[free_slot].index = index;
		kshim61_xa[free_slot].entry = entry;
		*id = index;
		return 0;
	}
	return -EBUSY;
}

static void *kshim61_xa_load(struct xarray *xa, unsigned long index)
{
	for (int i = 0; i < (int)ARRAY_SIZE(kshim61_xa); i++)
		if (kshim61_xa[i].xa == xa && kshim61_xa[i].index == index)
			return kshim61_xa[i].entry;
	return NULL;
}

static void *kshim61_xa_erase(struct xarray *xa, unsigned long index)
{
	for (int i = 0; i < (int)ARRAY_SIZE(kshim61_xa); i++)
		if (kshim61_xa[i].xa == xa && kshim61_xa[i].index == index) {
			void *entry = kshim61_xa[i].entry;
			kshim61_xa[i].xa = NULL;
			return entry;
		}
	return NULL;
}

/* ---- command queue ---- */

static int __kshim_replaced_arm_smmu_cmdq_issue_cmdlist(const char *file, int line,
							 struct arm_smmu_device *smmu,
							 u64 *cmds, int n, bool sync)
{
	u64 cmd_sync[CMDQ_ENT_DWORDS] = { 0 };

	if (kshim61_quiet)
		return 0;
	/* The real insertion builds its CMD_SYNC for the slot after the n commands. */
	if (sync)
		arm_smmu_cmdq_build_sync_cmd(cmd_sync, smmu, &smmu->cmdq.q, n);
	kshim_cmdq_issue(cmds, n, sync, cmd_sync, file, line);
	return 0;
}

/* ---- update boundaries ---- */

static void arm_smmu_sync_ste_for_sid(struct arm_smmu_device *smmu, u32 sid)
{
	/* 0: a seeded bug leaves this sync out (smmu-check --inject drop-sync:K). */
	if (kshim61_update_depth && !kshim61_quiet && !kshim_update_sync(NULL, 0))
		return;
	__kshim_real_arm_smmu_sync_ste_for_sid(smmu, sid);
}

static void arm_smmu_sync_cd(struct arm_smmu_domain *smmu_domain, int ssid, bool leaf)
{
	/* 0: a seeded bug leaves this sync out (smmu-check --inject drop-sync:K). */
	if (kshim61_update_depth && !kshim61_quiet && !kshim_update_sync(NULL, 0))
		return;
	__kshim_real_arm_smmu_sync_cd(smmu_domain, ssid, leaf);
}

static __le64 *arm_smmu_get_cd_ptr(struct arm_smmu_domain *smmu_domain, u32 ssid)
{
	if (kshim61_cd_scratch)
		return kshim61_cd_scratch;
	return __kshim_real_arm_smmu_get_cd_ptr(smmu_domain, ssid);
}

static void arm_smmu_write_strtab_ent(struct arm_smmu_master *master, u32 sid, __le64 *dst)
{
	__le64 target[STRTAB_STE_DWORDS];

	kshim61_register(dst, sizeof(target), KSHIM_DESC_STE, "ste#");
	memcpy(target, dst, sizeof(target));
	kshim61_quiet++;
	__kshim_real_arm_smmu_write_strtab_ent(master, sid, target);
	kshim61_quiet--;

	kshim61_update_depth++;
	kshim_update_begin(KSHIM_DESC_STE, dst, target, STRTAB_STE_DWORDS, NULL, 0);
	__kshim_real_arm_smmu_write_strtab_ent(master, sid, dst);
	kshim_update_end(NULL, 0);
	kshim61_update_depth--;
}

#define KSHIM61_UNREACHABLE_CD "CD written while no STE points at its table (not observable)"

/* Does one of these STEs, as the CPU holds it, take its CDs from the table at cdtab? */
static bool kshim61_stes_point_at(const __le64 *ste, unsigned int n, dma_addr_t cdtab)
{
	for (unsigned int i = 0; i < n; i++, ste += STRTAB_STE_DWORDS) {
		u64 q0 = le64_to_cpu(ste[0]);

		/* CONFIG 0b1x1: stage 1 translates (S1_TRANS, or nested). */
		if ((q0 & STRTAB_STE_0_V) && (FIELD_GET(STRTAB_STE_0_CFG, q0) & 5) == 5 &&
		    (q0 & STRTAB_STE_0_S1CTXPTR_MASK) == (cdtab & STRTAB_STE_0_S1CTXPTR_MASK))
			return true;
	}
	return false;
}

/*
 * Can the SMMU fetch this domain's CDs? Only through an STE that points at
 * the CD table. The driver's own answer (arm_smmu_sync_cd) is the domain's
 * attached masters; we also scan the stream table, so that an STE the
 * driver forgot is not missed. A domain that is being finalised (its first
 * CD written before attach installs the STE) has neither.
 */
static bool kshim61_cd_table_reachable(struct arm_smmu_domain *smmu_domain)
{
	struct arm_smmu_device *smmu = smmu_domain->smmu;
	struct arm_smmu_strtab_cfg *cfg = &smmu->strtab_cfg;
	dma_addr_t cdtab = smmu_domain->s1_cfg.cdcfg.cdtab_dma;

	if (!list_empty(&smmu_domain->devices))
		return true;
	if (!(smmu->features & ARM_SMMU_FEAT_2_LVL_STRTAB))
		return cfg->strtab && kshim61_stes_point_at(cfg->strtab, cfg->num_l1_ents, cdtab);
	for (unsigned int i = 0; i < cfg->num_l1_ents; i++) {
		struct arm_smmu_strtab_l1_desc *d = &cfg->l1_desc[i];

		if (d->l2ptr && kshim61_stes_point_at(d->l2ptr, 1u << (d->span - 1), cdtab))
			return true;
	}
	return false;
}

int arm_smmu_write_ctx_desc(struct arm_smmu_domain *smmu_domain, int ssid,
			    struct arm_smmu_ctx_desc *cd)
{
	struct arm_smmu_ctx_desc_cfg *cdcfg = &smmu_domain->s1_cfg.cdcfg;
	__le64 target[CTXDESC_CD_DWORDS], *cdptr;
	int ret;

	/* An SSID out of range: the writer WARNs and fails before touching a CD. */
	if (ssid >= (1 << smmu_domain->s1_cfg.s1cdmax))
		return __kshim_real_arm_smmu_write_ctx_desc(smmu_domain, ssid, cd);

	if (smmu_domain->s1_cfg.s1fmt == STRTAB_STE_0_S1FMT_64K_L2)
		kshim61_register(cdcfg->cdtab, cdcfg->num_l1_ents * (CTXDESC_L1_DESC_DWORDS << 3),
				 KSHIM_DESC_L1CD, "l1cd#");
	/*
	 * The writer's first step: find the CD, allocating its leaf table (and
	 * publishing the L1 descriptor) if needed. The real call below then
	 * finds it in place.
	 */
	cdptr = arm_smmu_get_cd_ptr(smmu_domain, ssid);
	if (!cdptr)
		return __kshim_real_arm_smmu_write_ctx_desc(smmu_domain, ssid, cd);
	kshim61_register(cdptr, sizeof(target), KSHIM_DESC_CD, "cd#");

	/*
	 * No STE points at the CD table yet: the SMMU cannot fetch this CD, so
	 * this is initialisation, not an update it could observe. It is still
	 * bracketed (the trace shows the protocol); this note names it, and
	 * cli/kernel_checks.cpp keys on the note's text to leave it unjudged.
	 */
	if (!kshim61_cd_table_reachable(smmu_domain))
		kshim_note(KSHIM61_UNREACHABLE_CD, __FILE__, __LINE__);

	memcpy(target, cdptr, sizeof(target));
	kshim61_quiet++;
	kshim61_cd_scratch = target;
	__kshim_real_arm_smmu_write_ctx_desc(smmu_domain, ssid, cd);
	kshim61_cd_scratch = NULL;
	kshim61_quiet--;

	kshim61_update_depth++;
	kshim_update_begin(KSHIM_DESC_CD, cdptr, target, CTXDESC_CD_DWORDS, NULL, 0);
	ret = __kshim_real_arm_smmu_write_ctx_desc(smmu_domain, ssid, cd);
	kshim_update_end(NULL, 0);
	kshim61_update_depth--;
	return ret;
}

/* ---- what an entry means, for the checker ---- */

/*
 * 6.1 has no arm_smmu_get_ste_used / arm_smmu_get_cd_used. The checker needs
 * the bits the SMMU acts on (cli/kernel_semantics.cpp loads these two when the
 * tree has none of its own), so we claim the most it could read: of an
 * invalid entry only V, of a valid one every bit. Any two entries the SMMU
 * could tell apart differ here too, so this can add violations, never hide
 * one. V is the tree's own STRTAB_STE_0_V / CTXDESC_CD_0_V.
 */
static void kshim61_all_bits_if_valid(const __le64 *ent, __le64 *used, u64 v, size_t qwords)
{
	if (le64_to_cpu(ent[0]) & v) {
		memset(used, 0xff, qwords * sizeof(*used));
		return;
	}
	memset(used, 0, qwords * sizeof(*used));
	used[0] = cpu_to_le64(v);
}

void kshim_conservative_ste_used(const __le64 *ent, __le64 *used)
{
	kshim61_all_bits_if_valid(ent, used, STRTAB_STE_0_V, STRTAB_STE_DWORDS);
}

void kshim_conservative_cd_used(const __le64 *ent, __le64 *used)
{
	kshim61_all_bits_if_valid(ent, used, CTXDESC_CD_0_V, CTXDESC_CD_DWORDS);
}

/* The pointers the SMMU follows, for the checker's structure graph. */
#include "kshim_graph_edges.h"
