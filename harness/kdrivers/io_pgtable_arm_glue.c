// SPDX-License-Identifier: MIT
/*
 * Included at the end of io-pgtable-arm.c: exposes the tree's own walk
 * geometry and descriptor decoding (ARM_LPAE_LVL_IDX, iopte_leaf/iopte_type,
 * iopte_to_paddr, iopte_prot) so the checker's walker decodes exactly as the
 * kernel does, without re-implementing the format.
 */

#ifndef iopte_prot
/*
 * v6.14 dropped iopte_prot with the block split; a leaf's attributes are
 * still the lower (11:2) and upper (XN, DBM) attribute fields.
 */
#define iopte_prot(pte) ((pte) & ((((arm_lpae_iopte)0x3ff) << 2) | ARM_LPAE_PTE_XN | ARM_LPAE_PTE_DBM))
#endif

/* A data struct carrying only what the macros read. */
static void kshim_lpae_data(const struct kshim_walk_geom *g, struct arm_lpae_io_pgtable *d)
{
	memset(d, 0, sizeof(*d));
	d->start_level = g->start_level;
	d->pgd_bits = g->pgd_bits;
	d->bits_per_level = g->bits_per_level;
	d->iop.fmt = g->fmt;
	d->iop.cfg.ias = g->ias;
	d->iop.cfg.oas = g->oas;
}

unsigned long kshim_lpae_index(const struct kshim_walk_geom *g, kshim_u64 iova, int lvl)
{
	struct arm_lpae_io_pgtable d;

	kshim_lpae_data(g, &d);
	return ARM_LPAE_LVL_IDX(iova, lvl, &d);
}

int kshim_lpae_decode(const struct kshim_walk_geom *g, kshim_u64 iova, int lvl, kshim_u64 pte,
		      kshim_u64 *addr, kshim_u64 *attrs)
{
	struct arm_lpae_io_pgtable d;

	kshim_lpae_data(g, &d);
	if (iopte_leaf(pte, lvl, d.iop.fmt)) {
		*addr = iopte_to_paddr(pte, &d) | (iova & (ARM_LPAE_BLOCK_SIZE(lvl, &d) - 1));
		*attrs = iopte_prot(pte);
		return 1;
	}
	/* iopte_table() of 6.12, spelled with what 6.1 has too. */
	if (lvl < ARM_LPAE_MAX_LEVELS - 1 && iopte_type(pte) == ARM_LPAE_PTE_TYPE_TABLE) {
		*addr = iopte_to_paddr(pte, &d);
		*attrs = 0;
		return 0;
	}
	return -1;
}

kshim_u64 kshim_lpae_block_size(const struct kshim_walk_geom *g, int lvl)
{
	struct arm_lpae_io_pgtable d;

	kshim_lpae_data(g, &d);
	return ARM_LPAE_BLOCK_SIZE(lvl, &d);
}

/*
 * For scenario drivers: the descriptor slot of iova at lvl, found by walking
 * the live tables from the pgd (NULL when the walk ends above lvl).
 */
u64 *kshim_iopt_ptep(struct io_pgtable_ops *ops, kshim_u64 iova, int lvl)
{
	struct arm_lpae_io_pgtable *data = io_pgtable_ops_to_data(ops);
	arm_lpae_iopte *table = data->pgd;

	for (int l = data->start_level;; l++) {
		arm_lpae_iopte *ptep = table + ARM_LPAE_LVL_IDX(iova, l, data);

		if (l == lvl)
			return (u64 *)ptep;
		if (l == ARM_LPAE_MAX_LEVELS - 1 || iopte_type(*ptep) != ARM_LPAE_PTE_TYPE_TABLE)
			return NULL;
		table = iopte_deref(*ptep, data);
	}
}

/*
 * For scenario drivers: the walk context of ops as io-pgtable-arm set it up.
 * tags (may be NULL) adds the TLB tags and the STE/CD qword holding the pointer.
 */
void kshim_iopt_walk_context_tagged(struct io_pgtable_ops *ops, const struct kshim_walk_geom *tags,
				    const kshim_u64 *iovas, int n, const char *file, int line)
{
	struct arm_lpae_io_pgtable *data = io_pgtable_ops_to_data(ops);
	struct io_pgtable_cfg *cfg = &data->iop.cfg;
	struct kshim_walk_geom g = {
		.root = virt_to_phys(data->pgd),
		.start_level = data->start_level,
		.pgd_bits = data->pgd_bits,
		.bits_per_level = data->bits_per_level,
		.ias = cfg->ias,
		.oas = cfg->oas,
		.stage = data->iop.fmt == ARM_64_LPAE_S2 || data->iop.fmt == ARM_32_LPAE_S2 ? 2 : 1,
		.fmt = data->iop.fmt,
		.coherent_walk = cfg->coherent_walk,
	};

	if (tags) {
		g.asid = tags->asid;
		g.vmid = tags->vmid;
		g.root_desc = tags->root_desc;
		g.root_mask = tags->root_mask;
		g.tlbi_recorded = tags->tlbi_recorded;
		g.ats_nsids = tags->ats_nsids;
		for (int i = 0; i < 4; i++)
			g.ats_sids[i] = tags->ats_sids[i];
		g.ats_ssv = tags->ats_ssv;
		g.ats_ssid = tags->ats_ssid;
	}
	/* Drivers are named from kdrivers/ on, as runtime.c names them in notes. */
	const char *rel = file ? __builtin_strstr(file, "kdrivers/") : NULL;

	kshim_walk_context(&g, iovas, n, rel ? rel : file, line);
}

void kshim_iopt_walk_context(struct io_pgtable_ops *ops, const kshim_u64 *iovas, int n,
			     const char *file, int line)
{
	kshim_iopt_walk_context_tagged(ops, NULL, iovas, n, file, line);
}

/*
 * Descriptor bits the SMMU's walker ignores that io-pgtable-arm writes:
 * ARM_LPAE_PTE_SW_SYNC (software use), which the non-coherent table install
 * sets after the clean that published the table. A store changing only these
 * cannot change what a walk sees (the structure graph skips it).
 */
#ifdef ARM_LPAE_PTE_SW_SYNC
const u64 kshim_lpae_software_bits = ARM_LPAE_PTE_SW_SYNC;
#endif
