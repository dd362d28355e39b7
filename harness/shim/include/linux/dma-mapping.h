/* SPDX-License-Identifier: MIT */
/*
 * The DMA API: cache maintenance for non-coherent walkers, recorded as CMOs,
 * and coherent allocations.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_DMA_MAPPING_H
#define KSHIM_LINUX_DMA_MAPPING_H

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)
#define KSHIM_CMO_FOR(dir) ((dir) == DMA_FROM_DEVICE ? KSHIM_CMO_INVAL : KSHIM_CMO_CLEAN)
/* arm64 arch_sync_dma_for_device: DC CVAC per line, then DSB SY. */
#define dma_map_single(dev, ptr, size, dir)                                   \
	({                                                                    \
		void *__kshim_m = (ptr);                                      \
		kshim_cmo(__kshim_m, (size), KSHIM_CMO_FOR(dir), __FILE__, __LINE__); \
		(dma_addr_t)virt_to_phys(__kshim_m);                          \
	})
#define dma_unmap_single(dev, addr, size, dir) ((void)(addr))
#define dma_mapping_error(dev, addr) ((addr) == DMA_MAPPING_ERROR)
#define dma_sync_single_for_device(dev, addr, size, dir) \
	kshim_cmo(phys_to_virt(addr), (size), KSHIM_CMO_FOR(dir), __FILE__, __LINE__)
#define dma_alloc_coherent(dev, size, handle, gfp)                            \
	({                                                                    \
		void *__kshim_c = KSHIM_ALLOC(size, PAGE_SIZE, (gfp) | __GFP_ZERO); \
		*(handle) = virt_to_phys(__kshim_c);                          \
		__kshim_c;                                                    \
	})
#define dmam_alloc_coherent dma_alloc_coherent
#define dma_free_coherent(dev, size, cpu, handle) kfree(cpu)
#define dmam_free_coherent dma_free_coherent

#endif
