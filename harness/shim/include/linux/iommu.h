/* SPDX-License-Identifier: MIT */
/*
 * The part of the IOMMU core API that the SMMUv3 driver and io-pgtable-arm
 * use, written for smmu-check. Gather helpers follow the documented
 * semantics of iommu_iotlb_gather (one contiguous range, one page size).
 */
#ifndef KSHIM_LINUX_IOMMU_H
#define KSHIM_LINUX_IOMMU_H

#include <kshim.h>

#define IOMMU_READ (1 << 0)
#define IOMMU_WRITE (1 << 1)
#define IOMMU_CACHE (1 << 2)
#define IOMMU_NOEXEC (1 << 3)
#define IOMMU_MMIO (1 << 4)
#define IOMMU_PRIV (1 << 5)
#define IOMMU_NO_PASID (0U)
/* Domain types (6.1's arm_smmu_domain_alloc and domain_finalise switch on them). */
#ifndef IOMMU_DOMAIN_BLOCKED
#define __IOMMU_DOMAIN_PAGING (1U << 0)
#define __IOMMU_DOMAIN_DMA_API (1U << 1)
#define __IOMMU_DOMAIN_PT (1U << 2)
#define __IOMMU_DOMAIN_DMA_FQ (1U << 3)
#define IOMMU_DOMAIN_BLOCKED (0U)
#define IOMMU_DOMAIN_IDENTITY (__IOMMU_DOMAIN_PT)
#define IOMMU_DOMAIN_UNMANAGED (__IOMMU_DOMAIN_PAGING)
#define IOMMU_DOMAIN_DMA (__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API)
#define IOMMU_DOMAIN_DMA_FQ (__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API | __IOMMU_DOMAIN_DMA_FQ)
/* 7.x's to_smmu_domain_devices tells SVA and nested domains apart. */
#define __IOMMU_DOMAIN_SVA (1U << 4)
#define __IOMMU_DOMAIN_NESTED (1U << 6)
#define IOMMU_DOMAIN_SVA (__IOMMU_DOMAIN_SVA)
#define IOMMU_DOMAIN_NESTED (__IOMMU_DOMAIN_NESTED)
#endif
#define IOMMU_PASID_INVALID (-1U)
#define IOMMU_DIRTY_NO_CLEAR (1 << 0)
#define IOMMU_FAULT_PERM_READ (1 << 0)
#define IOMMU_FAULT_PERM_WRITE (1 << 1)
#define IOMMU_FAULT_PERM_EXEC (1 << 2)
#define IOMMU_FAULT_PERM_PRIV (1 << 3)

struct iommu_domain;
struct iommu_iotlb_gather;

struct iommu_domain_geometry {
	dma_addr_t aperture_start;
	dma_addr_t aperture_end;
	bool force_aperture;
};

struct iommu_domain_ops {
	void (*iotlb_sync)(struct iommu_domain *domain, struct iommu_iotlb_gather *iotlb_gather);
	void (*flush_iotlb_all)(struct iommu_domain *domain);
};

struct iommu_domain {
	unsigned type;
	const struct iommu_domain_ops *ops;
	const void *dirty_ops;
	unsigned long pgsize_bitmap;
	struct iommu_domain_geometry geometry;
	void *iova_cookie;
	struct mm_struct *mm;
};

struct iommu_device { int unused; };
struct iommu_ops { int unused; };
/* The firmware's description of a master: its stream IDs, and flags. */
#define IOMMU_FWSPEC_PCI_RC_ATS (1 << 0)
#define IOMMU_FWSPEC_PCI_RC_CANWBS (1 << 1)
struct iommu_fwspec {
	u32 flags;
	unsigned int num_ids;
	u32 ids[8];
};
#define dev_iommu_fwspec_get(dev) ((dev)->iommu_fwspec)
struct iommu_sva { int unused; };
struct iommu_user_data;

struct iommu_iotlb_gather {
	unsigned long start;
	unsigned long end;
	size_t pgsize;
	struct list_head freelist;
	bool queued;
};

struct iommu_dirty_bitmap {
	void *bitmap;
	struct iommu_iotlb_gather *gather;
};

static inline void iommu_iotlb_gather_init(struct iommu_iotlb_gather *g)
{
	g->start = ULONG_MAX;
	g->end = 0;
	g->pgsize = 0;
	INIT_LIST_HEAD(&g->freelist);
	g->queued = false;
}

static inline bool iommu_iotlb_gather_queued(struct iommu_iotlb_gather *g)
{
	return g && g->queued;
}

static inline void iommu_iotlb_gather_add_range(struct iommu_iotlb_gather *g,
						unsigned long iova, size_t size)
{
	unsigned long end = iova + size - 1;
	if (g->start > iova)
		g->start = iova;
	if (g->end < end)
		g->end = end;
}

static inline bool iommu_iotlb_gather_is_disjoint(struct iommu_iotlb_gather *g,
						  unsigned long iova, size_t size)
{
	unsigned long start = iova, end = start + size - 1;
	return g->end != 0 && (end + 1 < g->start || start > g->end + 1);
}

static inline void iommu_iotlb_sync(struct iommu_domain *domain, struct iommu_iotlb_gather *g)
{
	if (domain->ops && domain->ops->iotlb_sync)
		domain->ops->iotlb_sync(domain, g);
	iommu_iotlb_gather_init(g);
}

static inline void iommu_iotlb_gather_add_page(struct iommu_domain *domain,
					       struct iommu_iotlb_gather *g,
					       unsigned long iova, size_t size)
{
	/* A new page size, or a range that would merge across a hole, flushes first. */
	if ((g->pgsize && g->pgsize != size) || iommu_iotlb_gather_is_disjoint(g, iova, size))
		iommu_iotlb_sync(domain, g);
	g->pgsize = size;
	iommu_iotlb_gather_add_range(g, iova, size);
}

static inline void iommu_dirty_bitmap_record(struct iommu_dirty_bitmap *dirty,
					     unsigned long iova, unsigned long length)
{
	if (dirty->gather)
		iommu_iotlb_gather_add_range(dirty->gather, iova, length);
}

#endif
