/* SPDX-License-Identifier: MIT */
/*
 * Declarations the arm-smmu-v3.c slice needs before the kernel code: the
 * replacement of the command queue insertion (defined in the glue .c).
 */
struct arm_smmu_device;
struct arm_smmu_cmdq;
static int __kshim_replaced_arm_smmu_cmdq_issue_cmdlist(const char *file, int line,
							 struct arm_smmu_device *smmu,
							 struct arm_smmu_cmdq *cmdq,
							 u64 *cmds, int n, bool sync);
