// SPDX-License-Identifier: MIT
/*
 * Written for smmu-check's lint test (not kernel code): for each check one
 * store it reports and one it must not, plus the provenance rules of docs/lint.md.
 */
#include <linux/types.h>

#define DEMO_SET_V(p) ((p)[0] = 1)

struct arm_smmu_strtab_cfg {
	__le64 *strtab;		/* an untyped table, as in 6.1 */
};

/* smmu-descriptor-plain-store */
static void demo_clear_pte(arm_lpae_iopte *ptep, int i)
{
	ptep[i] = 0;
	WRITE_ONCE(ptep[i + 1], 0);
}

static void demo_build_cmd(u64 *cmd, u64 op)
{
	cmd[0] = op;
}

/* smmu-descriptor-plain-rmw */
static void demo_set_stall(struct arm_smmu_ste *ste, u64 a, u64 b)
{
	ste->data[1] |= a | b;
}

void arm_smmu_make_demo_ste(struct arm_smmu_ste *target)
{
	memset(target, 0, sizeof(*target));
	target->data[0] = 1;
	target->data[1] |= 2;
}

/* smmu-descriptor-bulk-write */
static void demo_wipe(struct arm_smmu_ste *ste)
{
	memset(ste, 0, sizeof(*ste));
}

static void demo_wipe_local(void)
{
	struct arm_smmu_ste ste;

	memset(&ste, 0, sizeof(ste));
}

/* smmu-descriptor-struct-copy */
static void demo_copy(struct arm_smmu_ste *dst, const struct arm_smmu_ste *src)
{
	*dst = *src;
}

static void demo_copy_out(struct arm_smmu_ste *out, const struct arm_smmu_ste *live)
{
	*out = *live;
}

static void demo_snapshot(struct arm_smmu_ste *live)
{
	struct arm_smmu_ste copy;

	demo_copy_out(&copy, live);
}

/* Provenance: a table kept in driver state is live; fresh memory is not. */
static __le64 *demo_get_step(struct arm_smmu_strtab_cfg *cfg, unsigned int sid)
{
	return &cfg->strtab[sid * 8];
}

static void demo_fill(__le64 *dst)
{
	dst[1] = 5;
}

static void demo_install(struct arm_smmu_strtab_cfg *cfg, unsigned int sid)
{
	__le64 *step = demo_get_step(cfg, sid);

	demo_fill(step);
	DEMO_SET_V(step);
}

static int demo_init_table(struct arm_smmu_strtab_cfg *cfg)
{
	cfg->strtab = kzalloc(4096, 0);
	if (!cfg->strtab)
		return -1;
	cfg->strtab[0] = 0;
	return 0;
}
