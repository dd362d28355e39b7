// SPDX-License-Identifier: MIT
/*
 * Included at the end of io-pgtable-arm.c (6.12 signatures): another CPU's
 * arm_lpae_install_table, stopped right after its cmpxchg. The table comes
 * from the tree's own allocator (zeroed, cleaned by dma_map_single on a
 * non-coherent walk) and is published after a dma_wmb, as the tree does; its
 * descriptor is neither cleaned nor marked SW_SYNC yet, which is the state
 * __arm_lpae_map's SW_SYNC path exists for.
 */
int kshim_iopt_foreign_table(struct io_pgtable_ops *ops, kshim_u64 iova, int lvl)
{
	struct arm_lpae_io_pgtable *data = io_pgtable_ops_to_data(ops);
	struct io_pgtable_cfg *cfg = &data->iop.cfg;
	arm_lpae_iopte *ptep = (arm_lpae_iopte *)kshim_iopt_ptep(ops, iova, lvl);
	arm_lpae_iopte *table, pte;

	if (!ptep || READ_ONCE(*ptep))
		return -EEXIST;
	table = __arm_lpae_alloc_pages(ARM_LPAE_GRANULE(data), GFP_ATOMIC, cfg, data->iop.cookie);
	if (!table)
		return -ENOMEM;
	pte = paddr_to_iopte(__pa(table), data) | ARM_LPAE_PTE_TYPE_TABLE;
	if (cfg->quirks & IO_PGTABLE_QUIRK_ARM_NS)
		pte |= ARM_LPAE_PTE_NSTABLE;
	dma_wmb();
	return cmpxchg64_relaxed(ptep, 0, pte) ? -EBUSY : 0;
}
