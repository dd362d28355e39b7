/* SPDX-License-Identifier: MIT */
/*
 * Declarations the arm-smmu-v3.c slice needs before the kernel code: the
 * replacement of the command queue insertion (defined in the glue .c).
 *
 * cmds is void *: 6.9-6.18 pass u64[2] entries, 7.x struct arm_smmu_cmd
 * (a u64[2] too), so one prototype accepts the calls of both.
 */
struct arm_smmu_device;
struct arm_smmu_cmdq;
static int __kshim_replaced_arm_smmu_cmdq_issue_cmdlist(const char *file, int line,
							 struct arm_smmu_device *smmu,
							 struct arm_smmu_cmdq *cmdq,
							 void *cmds, int n, bool sync);
