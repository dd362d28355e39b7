/* SPDX-License-Identifier: MIT */
/*
 * Kernel objects that arm-smmu-v3.h embeds by value or points to: stand-ins
 * with only the members the sliced code and the harness touch.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_OBJECTS_H
#define KSHIM_OBJECTS_H

struct rb_node { unsigned long __rb_parent_color; struct rb_node *rb_right, *rb_left; };
struct rb_root { struct rb_node *rb_node; };
#define RB_ROOT (struct rb_root) { NULL, }
struct ida { int unused; };
struct xarray { int unused; };
struct completion { int done; };
struct work_struct { int unused; };
struct mm_struct { void *pgd; };
struct mmu_notifier;
/* The members of linux/mmu_notifier.h's ops that the SMMUv3 SVA code fills. */
struct mmu_notifier_ops {
	void (*release)(struct mmu_notifier *subscription, struct mm_struct *mm);
	void (*arch_invalidate_secondary_tlbs)(struct mmu_notifier *subscription,
					       struct mm_struct *mm, unsigned long start,
					       unsigned long end);
	void (*free_notifier)(struct mmu_notifier *subscription);
};
struct mmu_notifier { const struct mmu_notifier_ops *ops; struct mm_struct *mm; };
struct iommu_fwspec;
struct device { void *driver_data; int numa_node; bool dma_coherent; struct iommu_fwspec *iommu_fwspec; };
struct iommu_group;
struct fwnode_handle;
struct msi_desc;
struct msi_msg;
struct platform_device;
struct pci_dev;
struct iopf_queue;
struct iommu_fault;
struct iommufd_ctx;
struct seq_file;
#define DEFINE_XARRAY_ALLOC1(name) struct xarray name
#define DEFINE_IDA(name) struct ida name
#define dev_to_node(dev) 0
#define set_dev_node(dev, node) ((void)(dev), (void)(node))
#define NUMA_NO_NODE (-1)
#define dev_name(dev) "smmu-check-device"
#define dev_get_drvdata(dev) ((dev)->driver_data)

#endif
