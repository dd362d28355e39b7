/* SPDX-License-Identifier: MIT */
/*
 * Included before the 6.1 arm-smmu-v3.c slice (profile writer-strtab-ent).
 *
 * - The replacement of command queue insertion; 6.1's issue_cmdlist has no
 *   cmdq parameter. Defined in arm_smmu_v3_61_glue.c.
 * - Stand-ins for the device, fwspec, PCI and xarray APIs that attach_dev and
 *   domain finalise call. They are macros onto kshim61_* names so that they
 *   override, rather than clash with, whatever kshim.h may define later.
 */
#ifndef ARM_SMMU_V3_61_GLUE_H
#define ARM_SMMU_V3_61_GLUE_H

struct arm_smmu_device;
static int __kshim_replaced_arm_smmu_cmdq_issue_cmdlist(const char *file, int line,
							 struct arm_smmu_device *smmu,
							 u64 *cmds, int n, bool sync);

/* dev->iommu: the fwspec and the driver's per-device pointer (the master). */
struct kshim61_fwspec {
	u32 flags;
};
#define IOMMU_FWSPEC_PCI_RC_ATS (1 << 0)
static struct kshim61_fwspec *kshim61_dev_fwspec(struct device *dev);
static void *kshim61_dev_priv(struct device *dev);
static void kshim61_dev_priv_set(struct device *dev, void *priv);
#undef dev_iommu_fwspec_get
#undef dev_iommu_priv_get
#undef dev_iommu_priv_set
/* `struct iommu_fwspec *f = dev_iommu_fwspec_get(dev)` only reads f->flags. */
#define iommu_fwspec kshim61_fwspec
#define dev_iommu_fwspec_get(dev) kshim61_dev_fwspec(dev)
#define dev_iommu_priv_get(dev) kshim61_dev_priv(dev)
#define dev_iommu_priv_set(dev, priv) kshim61_dev_priv_set((dev), (priv))

/*
 * A master is a platform device unless a scenario declares it an ATS-capable
 * PCI function. Enabling and disabling ATS at the endpoint are notes in the
 * trace, at the driver's line: their order against ATC_INV matters.
 */
static int kshim61_dev_is_pci(struct device *dev);
#undef dev_is_pci
#undef to_pci_dev
#undef pci_ats_supported
#undef pci_enable_ats
#undef pci_disable_ats
#define dev_is_pci(dev) kshim61_dev_is_pci(dev)
#define to_pci_dev(dev) ((struct pci_dev *)(dev))
#define pci_ats_supported(pdev) kshim61_dev_is_pci((struct device *)(pdev))
#define pci_enable_ats(pdev, stu) \
	((void)(pdev), (void)(stu), kshim_note("pci_enable_ats (endpoint)", __FILE__, __LINE__), 0)
#define pci_disable_ats(pdev) \
	((void)(pdev), kshim_note("pci_disable_ats (endpoint)", __FILE__, __LINE__))

/* xarray, as the ASID allocator uses it (arm_smmu_asid_xa). */
struct kshim61_xa_limit {
	u32 min, max;
};
#undef XA_LIMIT
#undef xa_alloc
#undef xa_erase
#undef xa_load
#define XA_LIMIT(lo, hi) ((struct kshim61_xa_limit){ (lo), (hi) })
static int kshim61_xa_alloc(struct xarray *xa, u32 *id, void *entry, struct kshim61_xa_limit limit);
static void *kshim61_xa_erase(struct xarray *xa, unsigned long index);
static void *kshim61_xa_load(struct xarray *xa, unsigned long index);
#define xa_alloc(xa, id, entry, limit, gfp) kshim61_xa_alloc((xa), (id), (entry), (limit))
#define xa_erase(xa, index) kshim61_xa_erase((xa), (index))
#define xa_load(xa, index) kshim61_xa_load((xa), (index))

#endif
