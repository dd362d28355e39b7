/* SPDX-License-Identifier: MIT */
/*
 * The iommufd types that the SMMUv3 driver header (7.x) names for its nested
 * and vSMMU support, written for smmu-check. None of that code is sliced:
 * the objects only have to be complete types (struct arm_vsmmu embeds one).
 */
#ifndef KSHIM_LINUX_IOMMUFD_H
#define KSHIM_LINUX_IOMMUFD_H

#include <kshim.h>

enum iommu_hw_info_type {
	IOMMU_HW_INFO_TYPE_NONE = 0,
	IOMMU_HW_INFO_TYPE_DEFAULT = 0,
};

enum iommu_viommu_type {
	IOMMU_VIOMMU_TYPE_DEFAULT = 0,
};

/* Domain allocation flags that arm_smmu_domain_finalise tests. */
#define IOMMU_HWPT_ALLOC_NEST_PARENT (1 << 0)
#define IOMMU_HWPT_ALLOC_DIRTY_TRACKING (1 << 1)

struct iommufd_viommu { int unused; };
struct iommufd_vdevice { int unused; };
struct iommu_user_data { int unused; };
struct iommu_user_data_array { int unused; };

#endif
