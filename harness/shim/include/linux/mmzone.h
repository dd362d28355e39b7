/* SPDX-License-Identifier: MIT */
/*
 * Pages: sizes, orders, GFP flags, the identity mapping between virtual and
 * physical addresses, and page-table pages.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_MMZONE_H
#define KSHIM_LINUX_MMZONE_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)
#define MAX_PAGE_ORDER 10
#define MAX_ORDER MAX_PAGE_ORDER
#define ___GFP_ZERO 0x100u
#define __GFP_ZERO ___GFP_ZERO
#define __GFP_HIGHMEM 0x02u
#define __GFP_NOWARN 0x200u
#define __GFP_NORETRY 0x1000u
#define GFP_KERNEL 0x0cc0u
#define GFP_ATOMIC 0x0820u
#define GFP_NOWAIT 0x0800u
#define GFP_DMA32 0x04u
#define __GFP_DMA32 GFP_DMA32
#define GFP_KERNEL_ACCOUNT GFP_KERNEL

static inline int get_order(unsigned long size)
{
	int order = 0;
	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}
/* Identity mapping: user addresses fit the descriptors' address fields. */
static inline phys_addr_t virt_to_phys(const volatile void *p) { return (phys_addr_t)(uintptr_t)p; }
static inline void *phys_to_virt(phys_addr_t pa) { return (void *)(uintptr_t)pa; }
#define __pa(x) virt_to_phys((void *)(x))
#define __va(x) phys_to_virt((phys_addr_t)(x))

/*
 * Page-table pages (iommu-pages.h in 6.12): zeroed, naturally aligned, and
 * registered as fetchable page-table memory.
 */
static inline void *__kshim_table_pages(gfp_t gfp, int order, const char *f, int l)
{
	size_t size = PAGE_SIZE << order;
	void *p = kshim_alloc(size, size, !!(gfp & __GFP_ZERO), f, l);
	if (p)
		kshim_desc_register(p, size, KSHIM_DESC_PGTABLE, "table#");
	return p;
}
#define iommu_alloc_pages_node(nid, gfp, order) \
	__kshim_table_pages((gfp) | __GFP_ZERO, (order), __FILE__, __LINE__)
#define iommu_alloc_pages(gfp, order) iommu_alloc_pages_node(0, gfp, order)
#define iommu_alloc_page(gfp) iommu_alloc_pages_node(0, gfp, 0)
#define iommu_alloc_page_node(nid, gfp) iommu_alloc_pages_node(nid, gfp, 0)
/* 6.12 passes the order too; 7.x only the address. */
#define iommu_free_pages(p, ...) kshim_free((p), __FILE__, __LINE__)
#define iommu_free_page(p) iommu_free_pages(p, 0)
/* 7.x sizes tables in bytes; the pages are a power of two, like a folio. */
#define iommu_alloc_pages_node_sz(nid, gfp, size) \
	__kshim_table_pages((gfp) | __GFP_ZERO, get_order(size), __FILE__, __LINE__)
/*
 * A non-coherent walker's table (7.x): arm64 maps it with the DMA API, which
 * cleans the whole allocation to PoC, as dma_map_single does in 6.12.
 */
#define iommu_pages_start_incoherent(virt, dev)                                \
	({                                                                     \
		void *__kshim_v = (virt);                                      \
		kshim_cmo(__kshim_v, kshim_alloc_size(__kshim_v), KSHIM_CMO_CLEAN, \
			  __FILE__, __LINE__);                                 \
		0;                                                             \
	})
#define iommu_pages_free_incoherent(virt, dev) iommu_free_pages(virt)
/* 6.1: struct page is the page itself. */
struct page;
#define alloc_pages_node(nid, gfp, order) \
	((struct page *)__kshim_table_pages((gfp), (order), __FILE__, __LINE__))
#define page_address(pg) ((void *)(pg))
#define virt_to_page(p) ((struct page *)(p))
#define __free_pages(pg, order) kshim_free((pg), __FILE__, __LINE__)
#define free_pages(addr, order) kshim_free((void *)(addr), __FILE__, __LINE__)

#endif
