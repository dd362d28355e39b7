// SPDX-License-Identifier: MIT
/*
 * Proposed sequence: install a level-3 PTE with one plain 64-bit store, then
 * clean it to PoC (what io-pgtable-arm's `*ptep = pte` at :318 followed by
 * __arm_lpae_sync_pte does for a non-coherent walker).
 *
 * What it teaches: one store is enough only if the walker can never see
 * part of it. A plain store may be split by the compiler (+plain-tear32:
 * two 32-bit halves), and a walker reading cacheable memory at PoC may see
 * each byte from a different write-back (cacheable-byte). Either way the
 * valid bit can arrive with the low half of the output address and the old
 * (zero) upper bits: IOVA 0x80001000 translates to 0x80123000, not
 * 0x880123000. The output address is above 4 GiB so that the halves differ.
 *
 * Expected (smmu-check pt --debian 6.12 --case cases/pte_plain_one_store.c):
 *   coherent, nc, cacheable-64: pass (the store reaches the walker whole);
 *   cacheable-byte, coherent+plain-tear32: violation (torn).
 * Compare cases/pte_valid_bit_last.c, which is safe under all of them.
 */
#include "kshim_case.h"

#define IOVA 0x80001000ULL
#define PA 0x880123000ULL
/* What io-pgtable-arm 6.12 writes for IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE. */
#define PTE (PA | 0xf47ULL)

KSHIM_CASE(pte_plain_one_store, "PTE written with one plain store, then cleaned")
{
	struct kshim_case_s1 s;
	kshim_u64 *ptep = kshim_case_s1_4k(&s, IOVA);
	kshim_u64 iovas[] = { IOVA, IOVA + 0x1000, IOVA - 1 };

	KSHIM_CASE_BOUNDARY(&s, iovas, 3); /* before: a translation fault */

	KSHIM_STORE(ptep, PTE, 8, KSHIM_STORE_PLAIN);
	KSHIM_CLEAN(ptep, 8);

	KSHIM_CASE_BOUNDARY(&s, iovas, 3); /* after: IOVA -> PA */
	return 0;
}
