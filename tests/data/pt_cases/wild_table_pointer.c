// SPDX-License-Identifier: MIT
/*
 * A level-2 table descriptor that points outside every table the case
 * allocated (a typo in the address): the walker would read memory the run
 * knows nothing about, so no verdict can be a pass.
 *
 * Expected: unknown, with a warning at the store that wrote the pointer.
 */
#include "kshim_case.h"

#define IOVA 0x80001000ULL
#define NOWHERE 0x12345000ULL /* not a table of this case */

KSHIM_CASE(wild_table_pointer, "a table pointer to memory no table occupies")
{
	struct kshim_case_s1 s;
	kshim_u64 iovas[] = { IOVA };
	kshim_u64 *l2e;

	kshim_case_s1_4k(&s, IOVA);
	l2e = &s.tables[2][kshim_case_s1_index(IOVA, 2)];
	KSHIM_CASE_BOUNDARY(&s, iovas, 1);

	KSHIM_STORE(l2e, NOWHERE | KSHIM_PTE_TYPE_TABLE, 8, KSHIM_STORE_ONCE); /* the wild pointer */
	KSHIM_CLEAN(l2e, 8);

	KSHIM_CASE_BOUNDARY(&s, iovas, 1);
	return 0;
}
