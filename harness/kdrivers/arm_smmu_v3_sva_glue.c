// SPDX-License-Identifier: MIT
/*
 * Included at the end of the arm-smmu-v3-sva.c slice, so it sees the unit's
 * static mmu_notifier ops. The explore driver (explore_sva.c, in the
 * arm-smmu-v3.c slice) installs them in an SVA domain as
 * arm_smmu_sva_domain_alloc does, and the mm's invalidations then reach
 * arm_smmu_mm_arch_invalidate_secondary_tlbs through the ops, as
 * mmu_notifier_arch_invalidate_secondary_tlbs calls it.
 */

#ifdef KSHIM_FAMILY_sva
const struct mmu_notifier_ops *kshim_sva_notifier_ops(void)
{
	return &arm_smmu_mmu_notifier_ops;
}
#endif
