/* SPDX-License-Identifier: MIT */
/*
 * Prelude of the arm-smmu-v3.c slice (6.9+ writer) for the scenario drivers
 * in scenarios_612_smmu.c (defined there, at the end of the slice).
 *
 * The driver's coherent allocations (stream and CD tables) go through
 * kshim_sc_dma_alloc: one that a scenario announced with sc_expect_alloc()
 * becomes fetchable descriptor memory the moment it exists, so the stores
 * that initialise it before it is published (the abort STEs of a level-2
 * stream table, say) are events. Unannounced ones behave as in kshim.h.
 */
static void *kshim_sc_dma_alloc(size_t size, dma_addr_t *handle, const char *file, int line);
#undef dma_alloc_coherent
#define dma_alloc_coherent(dev, size, handle, gfp) \
	kshim_sc_dma_alloc((size), (handle), __FILE__, __LINE__)

/* Single-threaded: the iommu group mutex is always held. */
#ifndef iommu_group_mutex_assert
#define iommu_group_mutex_assert(dev) ((void)(dev))
#endif
