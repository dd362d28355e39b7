/* SPDX-License-Identifier: MIT */
/*
 * Proposed page-table sequences ("cases", `smmu-check pt --case FILE.c`):
 * a small C file that sets up a table and performs one update through the
 * hooks of kshim_hooks.h, which stays the one ABI. This header only adds
 * macros and inline helpers over those hooks:
 *
 *   KSHIM_CASE(name, help)      an entry point, run like a scenario driver
 *   KSHIM_STORE / _BARRIER / _CLEAN   the hooks with the case's file:line
 *   kshim_case_s1_4k()          a 4K stage-1 table chain for one IOVA, as
 *                               io-pgtable-arm would build it, cleaned
 *   KSHIM_CASE_BOUNDARY()       an operation boundary (kshim_walk_context)
 *
 * A case is compiled with -nostdinc against harness/include only: no libc,
 * no kernel headers. See docs/walker.md, "Proposed sequences".
 */
#ifndef KSHIM_CASE_H
#define KSHIM_CASE_H

#include "kshim_hooks.h"

struct kshim_case {
	const char *name;
	const char *help;
	int (*run)(void); /* 0 when the case ran as its author intended */
};

/*
 * Registers an entry point in the "kshim_cases" section; the harness's case
 * runtime exports them as the kshim_slice_scenario_* entry points.
 */
#define KSHIM_CASE(fn, help_text)                                              \
	static int fn(void);                                                   \
	static const struct kshim_case __kshim_case_##fn                       \
		__attribute__((__used__, __section__("kshim_cases"),           \
			       __aligned__(8))) = { #fn, help_text, fn };      \
	static int fn(void)

/* The hooks, with the file:line of the case line that calls them. */
#define KSHIM_STORE(p, value, size, kind) \
	kshim_store((p), (value), (size), (kind), __FILE__, __LINE__)
#define KSHIM_BARRIER(kind) kshim_barrier((kind), __FILE__, __LINE__)
/* DC CVAC per line, then DSB SY: arm64's dma_sync_single_for_device. */
#define KSHIM_CLEAN(p, size) kshim_cmo((p), (size), KSHIM_CMO_CLEAN, __FILE__, __LINE__)

/* enum io_pgtable_fmt in include/linux/io-pgtable.h (the same in 6.1 and 6.12). */
#define KSHIM_FMT_ARM_64_LPAE_S1 2

/* VMSAv8-64, 4K granule: descriptor type bits 1:0 (DDI 0487 D8.3). */
#define KSHIM_PTE_TYPE_TABLE 3ULL /* a table at levels 0-2, a page at level 3 */
#define KSHIM_PTE_VALID 1ULL

/* The harness maps memory 1:1: a pointer is its physical address. */
static inline kshim_u64 kshim_case_pa(const volatile void *p)
{
	return (kshim_u64)(unsigned long)p;
}

/* A 4K stage-1 table chain for one IOVA: tables[0] is the TTBR's, tables[3] holds the PTE. */
struct kshim_case_s1 {
	kshim_u64 *tables[4];
	struct kshim_walk_geom geom;
};

/* Index of iova at level lvl: 48-bit IAS, 4K granule, 9 bits per level. */
static inline unsigned kshim_case_s1_index(kshim_u64 iova, int lvl)
{
	return (unsigned)((iova >> (39 - 9 * lvl)) & 511);
}

/*
 * What io-pgtable-arm sets up for ARM_64_LPAE_S1 with 48-bit IAS/OAS and a
 * 4K granule (start level 0, 9 PGD bits, 9 bits per level), for a walker
 * that is not coherent (coherent_walk=false): every table page is allocated
 * zeroed, registered as page-table memory and cleaned to PoC, and each table
 * descriptor on the way to iova is written with one single-copy-atomic store
 * and cleaned. The PTE of iova (in tables[3]) is left zero: the update is
 * the case's. Returns the PTE's address.
 */
static inline kshim_u64 *kshim_case_s1_4k_at(struct kshim_case_s1 *s, kshim_u64 iova,
					     const char *file, int line)
{
	for (int l = 0; l < 4; l++) {
		s->tables[l] = (kshim_u64 *)kshim_alloc(4096, 4096, 1, file, line);
		kshim_desc_register(s->tables[l], 4096, KSHIM_DESC_PGTABLE, "table#");
		kshim_cmo(s->tables[l], 4096, KSHIM_CMO_CLEAN, file, line);
	}
	for (int l = 0; l < 3; l++) {
		kshim_u64 *d = &s->tables[l][kshim_case_s1_index(iova, l)];

		kshim_store(d, kshim_case_pa(s->tables[l + 1]) | KSHIM_PTE_TYPE_TABLE, 8,
			    KSHIM_STORE_ONCE, file, line);
		kshim_cmo(d, 8, KSHIM_CMO_CLEAN, file, line);
	}
	/* Fields not set here (TLB tags, root_desc, ...) are 0: their documented default. */
	s->geom = (struct kshim_walk_geom){ 0 };
	s->geom.root = kshim_case_pa(s->tables[0]);
	s->geom.start_level = 0;
	s->geom.pgd_bits = 9;
	s->geom.bits_per_level = 9;
	s->geom.ias = 48;
	s->geom.oas = 48;
	s->geom.stage = 1;
	s->geom.fmt = KSHIM_FMT_ARM_64_LPAE_S1;
	s->geom.coherent_walk = 0;
	return &s->tables[3][kshim_case_s1_index(iova, 3)];
}
#define kshim_case_s1_4k(s, iova) kshim_case_s1_4k_at((s), (iova), __FILE__, __LINE__)

/*
 * An operation boundary: the tables here are a stable state (the caller's
 * TLBI + CMD_SYNC would sit here). A case has one before its update and one
 * after it; the checker walks every IOVA of iovas[0..n) in every operation.
 */
#define KSHIM_CASE_BOUNDARY(s, iovas, n) \
	kshim_walk_context(&(s)->geom, (iovas), (n), __FILE__, __LINE__)

#endif /* KSHIM_CASE_H */
