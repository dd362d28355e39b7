/* SPDX-License-Identifier: MIT */
/*
 * The one C ABI between kernel code run in user space (compiled as C into a
 * "slice" shared object) and smmu-check's C++ side.
 *
 * Direction 1, slice -> C++ (the recorder): every memory effect that the SMMU
 * could observe goes through a kshim_* hook with the kernel file:line it came
 * from. The hooks perform the effect and record it; they never judge.
 *
 * Direction 2, C++ -> slice: the slice exports the kshim_slice_* entry points
 * at the bottom (KUnit cases and scenario drivers), plus the kernel's own
 * functions (e.g. arm_smmu_get_ste_used) looked up by name.
 *
 * Plain C only: this header is included by kernel code compiled with
 * -nostdinc, so it must not include anything.
 */
#ifndef KSHIM_HOOKS_H
#define KSHIM_HOOKS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long long kshim_u64;
typedef unsigned long kshim_size;

enum kshim_store_kind {
	KSHIM_STORE_ONCE = 0,  /* WRITE_ONCE: never split */
	KSHIM_STORE_PLAIN = 1, /* plain C assignment: the compiler may split it */
	KSHIM_STORE_RMW = 2,   /* cmpxchg, set_bit: atomic read-modify-write */
};

enum kshim_barrier_kind {
	KSHIM_BARRIER_DMA_WMB = 0, /* DMB OSHST */
	KSHIM_BARRIER_DMA_RMB,     /* DMB OSHLD */
	KSHIM_BARRIER_DMA_MB,      /* DMB OSH */
	KSHIM_BARRIER_WMB,         /* DSB ST */
	KSHIM_BARRIER_RMB,         /* DSB LD */
	KSHIM_BARRIER_MB,          /* DSB SY */
	KSHIM_BARRIER_SMP_WMB,     /* DMB ISHST */
	KSHIM_BARRIER_SMP_RMB,     /* DMB ISHLD */
	KSHIM_BARRIER_SMP_MB,      /* DMB ISH */
};

enum kshim_cmo_kind {
	KSHIM_CMO_CLEAN = 0,   /* DC CVAC per line, then DSB SY (arch_sync_dma_for_device) */
	KSHIM_CMO_CLEAN_INVAL, /* DC CIVAC per line, then DSB SY */
	KSHIM_CMO_INVAL,       /* for DMA_FROM_DEVICE; not a publication */
};

/* What a registered range of memory holds; the SMMU may fetch it. */
enum kshim_desc_kind {
	KSHIM_DESC_STE = 0, /* 8 qwords */
	KSHIM_DESC_CD,      /* 8 qwords */
	KSHIM_DESC_L1STD,   /* 1 qword per level-1 stream table descriptor */
	KSHIM_DESC_L1CD,    /* 1 qword per level-1 CD table descriptor */
	KSHIM_DESC_PGTABLE, /* 1 qword per page-table entry */
};

/* Stores and loads. size is 1, 2, 4 or 8 bytes. */
void kshim_store(volatile void *p, kshim_u64 value, unsigned size, int kind,
		 const char *file, int line);
kshim_u64 kshim_load(const volatile void *p, unsigned size, const char *file,
		     int line);
/* Returns the old value; stores new_value only if it equalled expected. */
kshim_u64 kshim_cmpxchg(volatile void *p, kshim_u64 expected,
			kshim_u64 new_value, unsigned size, const char *file,
			int line);
/* Atomic *p = (*p & ~clear) | set on a naturally aligned unit. */
kshim_u64 kshim_rmw(volatile void *p, kshim_u64 clear, kshim_u64 set,
		    unsigned size, const char *file, int line);

void kshim_barrier(int kind, const char *file, int line);
void kshim_cmo(const volatile void *p, kshim_size size, int kind,
	       const char *file, int line);

/*
 * Memory the kernel code allocates. With zero == 0 the bytes are a
 * deterministic "old contents" pattern, never zeros, so code that forgets to
 * zero a fresh page is visible.
 */
void *kshim_alloc(kshim_size size, kshim_size align, int zero,
		  const char *file, int line);
void kshim_free(const void *p, const char *file, int line);
/* The size kshim_alloc gave the allocation at p (0: not one of its allocations). */
kshim_size kshim_alloc_size(const volatile void *p);

/*
 * Commands as the driver encoded them (n commands of 2 qwords each). When
 * sync is set, sync_cmd holds the CMD_SYNC the driver's own
 * build_sync_cmd produced and it follows the n commands.
 */
void kshim_cmdq_issue(const kshim_u64 *cmds, int n, int sync,
		      const kshim_u64 *sync_cmd, const char *file, int line);

/* Descriptor ranges the SMMU can fetch; only stores into them are events. */
void kshim_desc_register(const volatile void *p, kshim_size size, int kind,
			 const char *name);
void kshim_desc_unregister(const volatile void *p);

/*
 * Update boundaries around arm_smmu_write_entry and the points where the
 * writer calls its sync op: the structure of an STE/CD update.
 * kshim_update_sync returns 0 when a seeded bug (smmu-check --inject
 * drop-sync:K) leaves this sync out: the caller must then not sync, so that
 * the kernel's own checks (KUnit's sync count) see the broken writer too.
 */
void kshim_update_begin(int desc_kind, const volatile void *entry,
			const kshim_u64 *target, unsigned nqwords,
			const char *file, int line);
int kshim_update_sync(const char *file, int line);
void kshim_update_end(const char *file, int line);

/* Diagnostics from WARN_ON, BUG_ON and printk. */
void kshim_warn(const char *what, const char *file, int line);
void kshim_bug_report(const char *what, const char *file, int line);
void kshim_print(int level, const char *text);

/* A note in the trace, e.g. the name of a scenario step. */
void kshim_note(const char *text, const char *file, int line);

/*
 * Page-table walk context, as the tree's io-pgtable-arm configured it: where a
 * device walker starts (TTBR/VTTBR table) and the IOVAs a scenario step
 * touches. Each call marks an operation boundary: the tables' content there is
 * a stable state (the caller's TLBI + CMD_SYNC would sit there).
 */
struct kshim_walk_geom {
	kshim_u64 root;     /* physical address of the start-level table */
	int start_level;    /* 0..3 */
	int pgd_bits;       /* index bits at the start level (concatenated PGDs) */
	int bits_per_level; /* granule = 8 << bits_per_level */
	int ias, oas;
	int stage;          /* 1 or 2 */
	int fmt;            /* enum io_pgtable_fmt */
	int coherent_walk;
	/* TLB tags of the translations (stage 1: ASID and VMID 0; stage 2: VMID). */
	int asid, vmid;
	/*
	 * 0, or the address of the STE/CD qword that holds the table pointer: the
	 * walk then starts by reading it (the pointer is that qword & root_mask),
	 * so an update of the pointer is observed together with the walk.
	 */
	kshim_u64 root_desc, root_mask;
	/*
	 * 1: the caller's TLB invalidations are in the trace as real commands, so
	 * TLB and walk caches are modelled; 0: each boundary stands for a
	 * TLBI + CMD_SYNC of everything.
	 */
	int tlbi_recorded;
	/*
	 * ATS: the walks' device has ATS enabled and may keep each translation in
	 * its ATC, one per StreamID (ats_nsids 0: no ATS). Its Translation Requests
	 * carry PASID ats_ssid when ats_ssv is set, none otherwise.
	 */
	int ats_nsids;
	unsigned int ats_sids[4];
	int ats_ssv;
	unsigned int ats_ssid;
};
void kshim_walk_context(const struct kshim_walk_geom *g, const kshim_u64 *iovas, int n,
			const char *file, int line);

/* KUnit: one expectation failed (the case goes on) or an assertion (it stops). */
void kshim_kunit_failure(const char *message, const char *file, int line);

/* ---- exported by every slice (kernel code + harness drivers) ---- */

enum kshim_run_status {
	KSHIM_RUN_PASS = 0,
	KSHIM_RUN_FAIL = 1,         /* expectations failed; the code ran to its end */
	KSHIM_RUN_SKIP = 2,
	KSHIM_RUN_BUG = 3,          /* BUG_ON stopped the code part way */
	KSHIM_RUN_FAIL_STOPPED = 4, /* a failed assertion (or a BUG_ON after a failed
				       expectation) stopped the code part way */
};

/* KUnit cases of every registered suite, flattened. */
int kshim_slice_kunit_count(void);
const char *kshim_slice_kunit_suite(int index);
const char *kshim_slice_kunit_case(int index);
/* Runs suite_init once per suite before its first case, like KUnit. */
int kshim_slice_kunit_run(int index);

/* Scenario drivers: harness C code that calls the real kernel functions. */
int kshim_slice_scenario_count(void);
const char *kshim_slice_scenario_name(int index);
const char *kshim_slice_scenario_help(int index);
int kshim_slice_scenario_run(int index);

/*
 * Generated operation sequences (smmu-check explore): the driver's own
 * map_pages / unmap_pages / iotlb_sync / flush_iotlb_all over one domain,
 * in the order the C++ generator chose. Exported by slices whose driver
 * glue defines kshim_explore_driver (kdrivers/explore_pt.c).
 */
enum kshim_explore_op_kind {
	KSHIM_XOP_MAP = 0,       /* map_pages(iova, pa, pgsize, count) */
	KSHIM_XOP_UNMAP,         /* unmap_pages(iova, pgsize, count) into the gather */
	KSHIM_XOP_IOTLB_SYNC,    /* iotlb_sync of the gather, as iommu_unmap ends */
	KSHIM_XOP_FLUSH_ALL,     /* flush_iotlb_all */
	KSHIM_XOP_EXPECT_PHYS,   /* iova_to_phys(iova) must be pa (0: unmapped) */
	/*
	 * SVA: the mm's mmu_notifier_arch_invalidate_secondary_tlbs(mm, start, end)
	 * with start = iova, end = pa (exclusive; ~0 with start 0: flush_tlb_mm).
	 */
	KSHIM_XOP_NOTIFY,
	/*
	 * Attach a domain to the master's RID (kdrivers/explore_attach.c):
	 * iova is a KSHIM_XDOM_*. Only with config.attach.
	 */
	KSHIM_XOP_ATTACH,
};
/*
 * The domains an ATTACH names: blocked and identity (arm_smmu_attach_dev_blocked
 * / _identity), A (the sequence's domain, which MAP and UNMAP change), B
 * (another domain of A's stage with its own tables) and X (a domain of the
 * other stage: S2 when A is S1, S1 when A is S2).
 */
/*
 * The note a driver puts right before a CD update that no STE can reach (its
 * CD table is in no STE): the SMMU cannot fetch that CD, so the update is not
 * judged on its own; the STE store that later publishes the table is (the
 * structure graph). The 6.1 glue's KSHIM61_UNREACHABLE_CD starts alike.
 */
#define KSHIM_NOTE_UNREACHABLE_CD "CD written while no STE points at its table"
enum { KSHIM_XDOM_BLOCKED = 0, KSHIM_XDOM_IDENTITY, KSHIM_XDOM_A, KSHIM_XDOM_B, KSHIM_XDOM_X, KSHIM_XDOM_COUNT };
struct kshim_explore_op {
	int kind;
	kshim_u64 iova, pa, pgsize, count;
};
struct kshim_explore_config {
	kshim_u64 granule;  /* 4K, 16K or 64K */
	int stage;          /* 1 or 2 */
	int coherent_walk;  /* ARM_SMMU_FEAT_COHERENCY */
	int range_inv;      /* ARM_SMMU_FEAT_RANGE_INV */
	int ias_bits;       /* input (and output) address bits: 40 or 48 */
	/*
	 * 1: an SVA domain over an mm (kdrivers/explore_sva.c): map and unmap are
	 * the CPU's, and NOTIFY is how the SMMU hears of them.
	 */
	int sva;
	int ats;            /* the master has ATS enabled (ARM_SMMU_FEAT_ATS): ATC_INVs follow TLBIs */
	/*
	 * 1: the master has STEs in a stream table and ATTACH ops run; its CD
	 * table is 2-level (cd_2lvl, ARM_SMMU_FEAT_2_LVL_CDTAB, 20 SSID bits)
	 * or linear, and it may stall (stall: ARM_SMMU_FEAT_STALLS, stall_enabled).
	 */
	int attach, cd_2lvl, stall;
};
/*
 * What the tree can do: a partial unmap of a block splits it (until 6.14);
 * the SVA unit's mmu notifier is in the slice (domain=sva); its invalidation
 * paths send ATC_INVs to an ATS master (KSHIM_FAMILY_ats).
 */
enum { KSHIM_XCAP_SPLIT = 1, KSHIM_XCAP_SVA = 2, KSHIM_XCAP_ATS = 4, KSHIM_XCAP_ATTACH = 8, KSHIM_XCAP_CD_2LVL = 16 };
/* -1: the slice has no explore driver. */
int kshim_slice_explore_caps(void);
/* Window of IOVAs the generator uses (the domain's tables for cfg): *base, and *pgsizes. */
int kshim_slice_explore_geometry(const struct kshim_explore_config *cfg, kshim_u64 *base,
				 kshim_u64 *pgsizes);
/* A run status (enum kshim_run_status); a failed call or EXPECT_PHYS stops it: KSHIM_RUN_FAIL_STOPPED. */
int kshim_slice_explore_run(const struct kshim_explore_config *cfg,
			    const struct kshim_explore_op *ops, int n);

/*
 * Exported by slices with io-pgtable-arm (harness/kdrivers/io_pgtable_arm_glue.c):
 * the tree's own ARM_LPAE_LVL_IDX, iopte_leaf/iopte_type and iopte_to_paddr.
 * decode returns -1 for a fault, 0 for a table (*addr = next table), 1 for a
 * leaf (*addr = output address of iova, *attrs = iopte_prot).
 */
unsigned long kshim_lpae_index(const struct kshim_walk_geom *g, kshim_u64 iova, int lvl);
int kshim_lpae_decode(const struct kshim_walk_geom *g, kshim_u64 iova, int lvl, kshim_u64 pte,
		      kshim_u64 *addr, kshim_u64 *attrs);
/* ARM_LPAE_BLOCK_SIZE: the IOVA span of one descriptor at lvl. */
kshim_u64 kshim_lpae_block_size(const struct kshim_walk_geom *g, int lvl);

/*
 * The structure graph (checker/structure_graph.h): the pointers the SMMU
 * follows from one descriptor to the structure it names, exported by slices
 * whose glue knows the tree's layouts (kdrivers/kshim_graph_edges.h), every
 * mask and value taken from the tree's own macros. An entry of kind `from`
 * (entry_qwords qwords) points at (qword `qword` & mask) when every guard
 * holds; the target is a structure of kind `to`.
 */
#define KSHIM_GRAPH_MAX_GUARDS 3
#define KSHIM_GRAPH_MAX_VALUES 2
struct kshim_graph_guard {
	unsigned qword;                            /* of the entry */
	kshim_u64 mask;                            /* the field */
	kshim_u64 values[KSHIM_GRAPH_MAX_VALUES];  /* in place (already shifted) */
	int nvalues;
	int negate; /* holds when the field is none of the values */
};
struct kshim_graph_edge {
	const char *name; /* "STE.S1ContextPtr (linear)" */
	int from, to;     /* enum kshim_desc_kind */
	unsigned entry_qwords;
	unsigned qword;
	kshim_u64 mask;
	int nguards;
	struct kshim_graph_guard guards[KSHIM_GRAPH_MAX_GUARDS];
};
/* The edges; returns how many. */
int kshim_slice_graph_edges(const struct kshim_graph_edge **edges);
/* One line per edge (or guard value) the tree's macros cannot express. */
int kshim_slice_graph_omitted(const char *const **why);

#ifdef __cplusplus
}
#endif

#endif /* KSHIM_HOOKS_H */
