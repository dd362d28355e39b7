// SPDX-License-Identifier: MIT
/*
 * Included at the end of the arm-smmu-v3.c slice (6.9+ writer), so it sees
 * the driver's static functions and types.
 *
 * - arm_smmu_write_entry is wrapped: the entry becomes fetchable, the update's
 *   initial and target values are recorded, and each call of the writer's
 *   sync op is marked, around the tree's own implementation (or left out,
 *   when smmu-check seeds a missing sync).
 * - Command queue insertion is replaced: the real encoded commands (and the
 *   CMD_SYNC built by the driver's own arm_smmu_cmdq_build_sync_cmd) go to
 *   the recorder instead of an MMIO ring, with the kernel call site.
 */

#define KSHIM_MAX_NESTED_UPDATES 8
static const struct arm_smmu_entry_writer_ops *kshim_writer_ops[KSHIM_MAX_NESTED_UPDATES];
static int kshim_writer_depth;

static void kshim_recorded_sync(struct arm_smmu_entry_writer *writer)
{
	if (!kshim_update_sync(NULL, 0))
		return; /* a seeded bug: the writer never makes this sync */
	kshim_writer_ops[kshim_writer_depth - 1]->sync(writer);
}

void arm_smmu_write_entry(struct arm_smmu_entry_writer *writer, __le64 *entry,
			  const __le64 *target)
{
	struct arm_smmu_entry_writer_ops recorded;
	int kind = writer->ops->get_used == arm_smmu_get_ste_used ? KSHIM_DESC_STE : KSHIM_DESC_CD;

	BUG_ON(kshim_writer_depth == KSHIM_MAX_NESTED_UPDATES);
	kshim_writer_ops[kshim_writer_depth++] = writer->ops;
	recorded = *writer->ops;
	recorded.sync = kshim_recorded_sync;
	writer->ops = &recorded;

	kshim_update_begin(kind, entry, target, NUM_ENTRY_QWORDS, NULL, 0);
	__kshim_real_arm_smmu_write_entry(writer, entry, target);
	kshim_update_end(NULL, 0);

	writer->ops = kshim_writer_ops[--kshim_writer_depth];
}

/*
 * The commands issued since a scenario driver last set kshim_cmdlog_len to 0,
 * so that the driver can check the kernel's encoding itself (the trace is the
 * recorder's). Entries past the end are counted, not stored.
 */
#define KSHIM_CMDLOG_MAX 1024
static u64 kshim_cmdlog[KSHIM_CMDLOG_MAX][CMDQ_ENT_DWORDS];
static int kshim_cmdlog_len;

static void kshim_cmdlog_add(const u64 *cmd)
{
	if (kshim_cmdlog_len < KSHIM_CMDLOG_MAX) {
		kshim_cmdlog[kshim_cmdlog_len][0] = cmd[0];
		kshim_cmdlog[kshim_cmdlog_len][1] = cmd[1];
	}
	kshim_cmdlog_len++;
}

static int __kshim_replaced_arm_smmu_cmdq_issue_cmdlist(const char *file, int line,
							 struct arm_smmu_device *smmu,
							 struct arm_smmu_cmdq *cmdq,
							 void *cmd_list, int n, bool sync)
{
	const u64 *cmds = cmd_list;
	u64 cmd_sync[CMDQ_ENT_DWORDS] = { 0 };

	/* The sync builder takes u64 * (6.9-6.18) or struct arm_smmu_cmd * (7.x). */
	if (sync)
		arm_smmu_cmdq_build_sync_cmd((void *)cmd_sync, smmu, cmdq, 0);
	kshim_cmdq_issue(cmds, n, sync, cmd_sync, file, line);
	for (int i = 0; i < n; i++)
		kshim_cmdlog_add(&cmds[i * CMDQ_ENT_DWORDS]);
	if (sync)
		kshim_cmdlog_add(cmd_sync);
	return 0;
}

/* The pointers the SMMU follows, for the checker's structure graph. */
#include "kshim_graph_edges.h"
