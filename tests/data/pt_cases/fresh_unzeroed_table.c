// SPDX-License-Identifier: MIT
/*
 * A level-3 table allocated without zeroing (kmalloc rather than a zeroed
 * page) and never written, published correctly otherwise: cleaned, then a
 * barrier, then the pointer. Its entries are whatever the page held before,
 * so even the final stable state walks into bytes nobody initialised.
 *
 * Expected: violation under every model (a walk reads the old bytes as a
 * valid page).
 */
#include "kshim_case.h"

#define IOVA 0x80001000ULL

KSHIM_CASE(fresh_unzeroed_table, "a level-3 table never zeroed nor written, published")
{
	struct kshim_case_s1 s;
	kshim_u64 iovas[] = { IOVA };
	kshim_u64 *l3;
	kshim_u64 *l2e;

	kshim_case_s1_4k(&s, IOVA);
	l2e = &s.tables[2][kshim_case_s1_index(IOVA, 2)];
	KSHIM_CASE_BOUNDARY(&s, iovas, 1);

	l3 = (kshim_u64 *)kshim_alloc(4096, 4096, 0, __FILE__, __LINE__); /* not zeroed */
	kshim_desc_register(l3, 4096, KSHIM_DESC_PGTABLE, "table#");
	KSHIM_CLEAN(l3, 4096);
	KSHIM_BARRIER(KSHIM_BARRIER_DMA_WMB);
	KSHIM_STORE(l2e, kshim_case_pa(l3) | KSHIM_PTE_TYPE_TABLE, 8, KSHIM_STORE_ONCE);
	KSHIM_CLEAN(l2e, 8);

	KSHIM_CASE_BOUNDARY(&s, iovas, 1);
	return 0;
}
