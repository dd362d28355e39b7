// SPDX-License-Identifier: MIT
/*
 * A new level-2 table published before its zeroing is visible, when the
 * table was not the last allocation before its registration: another buffer
 * was allocated in between. It is still fresh memory (allocated, nothing
 * written), so a walker that follows the new pointer can read its old bytes.
 *
 * Expected: violation under coherent (no barrier orders the zeroing before
 * the pointer: misordered) and under cacheable-64 (the table is never
 * cleaned: its old bytes are at PoC).
 */
#include "kshim_case.h"

#define IOVA 0x80001000ULL

KSHIM_CASE(fresh_table_second_alloc, "a level-2 table registered after another allocation, published unzeroed")
{
	struct kshim_case_s1 s;
	kshim_u64 iovas[] = { IOVA };
	kshim_u64 *l2, *other;
	kshim_u64 *l1e;

	kshim_case_s1_4k(&s, IOVA);
	l1e = &s.tables[1][kshim_case_s1_index(IOVA, 1)];
	KSHIM_CASE_BOUNDARY(&s, iovas, 1);

	l2 = (kshim_u64 *)kshim_alloc(4096, 4096, 1, __FILE__, __LINE__);
	other = (kshim_u64 *)kshim_alloc(64, 64, 1, __FILE__, __LINE__);
	kshim_desc_register(l2, 4096, KSHIM_DESC_PGTABLE, "table#");
	/* No dma_wmb and no clean of l2: the pointer may be seen first. */
	KSHIM_STORE(l1e, kshim_case_pa(l2) | KSHIM_PTE_TYPE_TABLE, 8, KSHIM_STORE_ONCE);
	KSHIM_CLEAN(l1e, 8);

	KSHIM_CASE_BOUNDARY(&s, iovas, 1);
	kshim_free(other, __FILE__, __LINE__);
	return 0;
}
