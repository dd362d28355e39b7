// SPDX-License-Identifier: MIT
/*
 * Proposed sequence: install a level-3 PTE for a walker that reads
 * cacheable memory at PoC, publishing the valid bit last.
 *
 *   1. write the whole PTE with the valid bit (bit 0) clear, a plain store
 *   2. clean it to PoC (DC CVAC + DSB SY)
 *   3. write the one byte holding the valid bit (byte 0, little-endian)
 *   4. clean it again
 *
 * What it teaches: while V is clear, every mix of old and new bytes a walker
 * can read is an invalid descriptor, whatever the store's or the write-back's
 * granularity; once step 2 completes, only byte 0 differs between PoC and the
 * CPU, and a single byte cannot tear. So no walk sees a wrong output address.
 *
 * Expected (smmu-check pt --debian 6.12 --case cases/pte_valid_bit_last.c):
 *   coherent, nc, cacheable-64, cacheable-byte, and each +plain-tear32: pass.
 * Compare cases/pte_plain_one_store.c, the one-store version.
 */
#include "kshim_case.h"

#define IOVA 0x80001000ULL
/* Above 4 GiB, so the two 32-bit halves of the PTE differ from the zero PTE. */
#define PA 0x880123000ULL
/* What io-pgtable-arm 6.12 writes for IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE: page, AttrIndx 1, AP, SH, AF, nG. */
#define PTE (PA | 0xf47ULL)

KSHIM_CASE(pte_valid_bit_last, "PTE with V clear, clean, then the V byte, clean")
{
	struct kshim_case_s1 s;
	kshim_u64 *ptep = kshim_case_s1_4k(&s, IOVA);
	/* The IOVA, its neighbours in the same level-3 table. */
	kshim_u64 iovas[] = { IOVA, IOVA + 0x1000, IOVA - 1 };

	KSHIM_CASE_BOUNDARY(&s, iovas, 3); /* before: a translation fault */

	KSHIM_STORE(ptep, PTE & ~KSHIM_PTE_VALID, 8, KSHIM_STORE_PLAIN);
	KSHIM_CLEAN(ptep, 8);
	KSHIM_STORE((unsigned char *)ptep, PTE & 0xff, 1, KSHIM_STORE_ONCE);
	KSHIM_CLEAN(ptep, 8);

	KSHIM_CASE_BOUNDARY(&s, iovas, 3); /* after: IOVA -> PA */
	return 0;
}
