// SPDX-License-Identifier: MIT
/*
 * A new level-3 table (all its PTEs zero: every IOVA it maps faults)
 * replaces the old one, published before its zeroing is visible. Both stable
 * states fault, but a walker that follows the new pointer reads the page's
 * old bytes, which may hold a valid page descriptor: a translation nobody
 * mapped.
 *
 * Expected: violation under coherent (misordered: no barrier between the
 * allocation's zeroing and the pointer) and cacheable-64 (stale: the table
 * is never cleaned to PoC).
 */
#include "kshim_case.h"

#define IOVA 0x80001000ULL

KSHIM_CASE(fresh_leaf_table, "a zeroed level-3 table published before its zeroing is visible")
{
	struct kshim_case_s1 s;
	kshim_u64 iovas[] = { IOVA };
	kshim_u64 *l3;
	kshim_u64 *l2e;

	kshim_case_s1_4k(&s, IOVA);
	l2e = &s.tables[2][kshim_case_s1_index(IOVA, 2)];
	KSHIM_CASE_BOUNDARY(&s, iovas, 1);

	l3 = (kshim_u64 *)kshim_alloc(4096, 4096, 1, __FILE__, __LINE__);
	kshim_desc_register(l3, 4096, KSHIM_DESC_PGTABLE, "table#");
	/* No dma_wmb and no clean of l3: the pointer may be seen first. */
	KSHIM_STORE(l2e, kshim_case_pa(l3) | KSHIM_PTE_TYPE_TABLE, 8, KSHIM_STORE_ONCE);
	KSHIM_CLEAN(l2e, 8);

	KSHIM_CASE_BOUNDARY(&s, iovas, 1);
	return 0;
}
