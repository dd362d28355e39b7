// SPDX-License-Identifier: MIT
/*
 * Scenario drivers for io-pgtable-arm through its public interface
 * (alloc_io_pgtable_ops and the ops table), with a coherent and a
 * non-coherent table walker. The non-coherent runs show the cache cleans
 * (dma_map_single of each new table, dma_sync_single_for_device after PTE
 * stores) and the SW_SYNC marking of table descriptors.
 *
 * The TLB callbacks issue nothing: they leave a note in the trace and log
 * their arguments, which the scenarios check.
 */
#include <kshim.h>

#include "kshim_scenario.h"

/* VMSAv8-64 descriptor fields, 4K granule (DDI 0487 D8.3). */
#define PT_TYPE_MASK 3ULL
#define PT_TYPE_BLOCK 1ULL
#define PT_TYPE_TABLE_OR_PAGE 3ULL
#define PT_ADDR_MASK 0x0000fffffffff000ULL /* 47:12 */
#define PT_AP_RDONLY (1ULL << 7)
#define PT_AF (1ULL << 10)
/* A software bit: io-pgtable-arm marks table descriptors it has cleaned to PoC. */
#define PT_SW_SYNC (1ULL << 55)

/* Output addresses in the second DRAM bank (0x8_8000_0000), above 4 GiB. */
#define IOPT_PA_PAGE 0x880123000ULL
#define IOPT_PA_BLOCK 0x880600000ULL
#define IOPT_IOVA_PAGE 0x80001000UL
#define IOPT_IOVA_BLOCK 0x80200000UL

enum iopt_tlb_op { IOPT_FLUSH_ALL, IOPT_FLUSH_WALK, IOPT_ADD_PAGE };

static struct {
	struct device dev;
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;
	int ntlb;
	struct {
		enum iopt_tlb_op op;
		unsigned long iova;
		size_t size;
	} tlb[16];
} iopt;

static void iopt_tlb_log(enum iopt_tlb_op op, unsigned long iova, size_t size)
{
	if (iopt.ntlb < ARRAY_SIZE(iopt.tlb)) {
		iopt.tlb[iopt.ntlb].op = op;
		iopt.tlb[iopt.ntlb].iova = iova;
		iopt.tlb[iopt.ntlb].size = size;
	}
	iopt.ntlb++;
}

static void iopt_tlb_flush_all(void *cookie)
{
	KSHIM_NOTE("tlb_flush_all (no command issued)");
	iopt_tlb_log(IOPT_FLUSH_ALL, 0, 0);
}

static void iopt_tlb_flush_walk(unsigned long iova, size_t size, size_t granule, void *cookie)
{
	KSHIM_NOTE("tlb_flush_walk iova=0x%lx size=0x%zx granule=0x%zx (no command issued)", iova,
		   size, granule);
	iopt_tlb_log(IOPT_FLUSH_WALK, iova, size);
}

static void iopt_tlb_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			      size_t granule, void *cookie)
{
	KSHIM_NOTE("tlb_add_page iova=0x%lx granule=0x%zx (no command issued)", iova, granule);
	iopt_tlb_log(IOPT_ADD_PAGE, iova, granule);
}

static const struct iommu_flush_ops iopt_tlb_ops = {
	.tlb_flush_all = iopt_tlb_flush_all,
	.tlb_flush_walk = iopt_tlb_flush_walk,
	.tlb_add_page = iopt_tlb_add_page,
};

/* An S1 table as arm-smmu-v3 configures it: 48-bit IAS and OAS, 4K granule. */
static void iopt_setup(bool coherent)
{
	memset(&iopt, 0, sizeof(iopt));
	iopt.cfg.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	iopt.cfg.ias = 48;
	iopt.cfg.oas = 48;
	iopt.cfg.coherent_walk = coherent;
	iopt.cfg.tlb = &iopt_tlb_ops;
	iopt.cfg.iommu_dev = &iopt.dev;
	KSHIM_NOTE("alloc_io_pgtable_ops(ARM_64_LPAE_S1), coherent_walk=%s", coherent ? "true" : "false");
	iopt.ops = alloc_io_pgtable_ops(ARM_64_LPAE_S1, &iopt.cfg, &iopt);
	KSHIM_CHECK(iopt.ops, "alloc_io_pgtable_ops failed");
}

/*
 * The descriptor for iova at `level` (0-3), read from memory by walking the
 * table, or 0 when the walk ends above that level.
 */
static u64 iopt_desc(unsigned long iova, int level)
{
	/* alloc_io_pgtable_ops wrote the TTBR into our cfg. */
	const u64 *table = phys_to_virt(iopt.cfg.arm_lpae_s1_cfg.ttbr & PT_ADDR_MASK);

	for (int l = 0;; l++) {
		u64 d = table[(iova >> (39 - 9 * l)) & 511];

		if (l == level)
			return d;
		if ((d & PT_TYPE_MASK) != PT_TYPE_TABLE_OR_PAGE || l == 3)
			return 0;
		table = phys_to_virt(d & PT_ADDR_MASK);
	}
}

/* Table descriptors on the way to `leaf_level`: SW_SYNC set iff the walk is non-coherent. */
static void iopt_check_tables(unsigned long iova, int leaf_level)
{
	for (int l = 0; l < leaf_level; l++) {
		u64 d = iopt_desc(iova, l);

		KSHIM_CHECK((d & PT_TYPE_MASK) == PT_TYPE_TABLE_OR_PAGE,
			    "level %d descriptor for 0x%lx is 0x%llx, not a table", l, iova, d);
		KSHIM_CHECK(!!(d & PT_SW_SYNC) == !iopt.cfg.coherent_walk,
			    "level %d table descriptor 0x%llx: SW_SYNC %s", l, d,
			    iopt.cfg.coherent_walk ? "set with a coherent walk" : "missing");
	}
}

/*
 * Walk context for the checker's walker (io_pgtable_arm_glue.c): an operation
 * boundary, with the IOVAs of [iova, iova + size) and their neighbours.
 */
void kshim_iopt_walk_context(struct io_pgtable_ops *ops, const kshim_u64 *iovas, int n,
			     const char *file, int line);

static void iopt_walk_context(unsigned long iova, size_t size)
{
	kshim_u64 iovas[] = { iova, iova + size - 1, iova + size, iova - 1 };

	kshim_iopt_walk_context(iopt.ops, iovas, size ? (iova ? 4 : 3) : 0, __FILE__, __LINE__);
}

static void iopt_check_tlb(int i, enum iopt_tlb_op op, unsigned long iova, size_t size)
{
	KSHIM_CHECK(i < iopt.ntlb && iopt.tlb[i].op == op && iopt.tlb[i].iova == iova &&
			    iopt.tlb[i].size == size,
		    "TLB callback %d is not op %d iova=0x%lx size=0x%zx", i, op, iova, size);
}

static void iopt_map(unsigned long iova, phys_addr_t pa, size_t size)
{
	size_t mapped = 0;
	int ret;

	iopt_walk_context(iova, size);
	ret = iopt.ops->map_pages(iopt.ops, iova, pa, size, 1,
				      IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, GFP_KERNEL, &mapped);

	KSHIM_CHECK(!ret && mapped == size, "map_pages(0x%lx, 0x%zx) returned %d, mapped 0x%zx", iova,
		    size, ret, mapped);
}

static void iopt_unmap(unsigned long iova, size_t size)
{
	struct iommu_iotlb_gather gather;
	size_t unmapped;

	iopt_walk_context(iova, size);
	iommu_iotlb_gather_init(&gather);
	unmapped = iopt.ops->unmap_pages(iopt.ops, iova, size, 1, &gather);
	KSHIM_CHECK(unmapped == size, "unmap_pages(0x%lx, 0x%zx) unmapped 0x%zx", iova, size, unmapped);
}

static void iopt_check_phys(unsigned long iova, phys_addr_t want)
{
	phys_addr_t got = iopt.ops->iova_to_phys(iopt.ops, iova);

	KSHIM_CHECK(got == want, "iova_to_phys(0x%lx) = 0x%llx, expected 0x%llx", iova, got, want);
}

/* A valid leaf (page or block) for pa, accessed, writable. */
static void iopt_check_leaf(unsigned long iova, int level, phys_addr_t pa)
{
	u64 d = iopt_desc(iova, level);
	u64 type = level == 3 ? PT_TYPE_TABLE_OR_PAGE : PT_TYPE_BLOCK;

	KSHIM_CHECK((d & PT_TYPE_MASK) == type && (d & PT_ADDR_MASK) == pa && (d & PT_AF) &&
			    !(d & PT_AP_RDONLY),
		    "level %d descriptor for 0x%lx is 0x%llx", level, iova, d);
}

static void iopt_finish(void)
{
	iopt_walk_context(0, 0); /* the last stable state */
	KSHIM_NOTE("free_io_pgtable_ops");
	free_io_pgtable_ops(iopt.ops);
	iopt.ops = NULL;
}

/*
 * ---- map a page into an empty table (three new tables, then the PTE), or a
 * 2M block (two new tables, then the block descriptor) ----
 */

static int iopt_map_leaf(bool coherent, const char *what, unsigned long iova, phys_addr_t pa,
			 size_t size, int level, unsigned long offset)
{
	iopt_setup(coherent);
	KSHIM_NOTE("map %s at IOVA 0x%lx -> PA 0x%llx", what, iova, pa);
	iopt_map(iova, pa, size);
	iopt_check_phys(iova + offset, pa + offset);
	iopt_check_phys(iova + size, 0);
	iopt_check_tables(iova, level);
	iopt_check_leaf(iova, level, pa);
	KSHIM_CHECK(iopt.ntlb == 0, "mapping invoked %d TLB callbacks", iopt.ntlb);
	iopt_finish();
	return 0;
}

static int iopt_map_page(bool coherent)
{
	return iopt_map_leaf(coherent, "4K", IOPT_IOVA_PAGE, IOPT_PA_PAGE, SZ_4K, 3, 0x234);
}

static int iopt_map_block(bool coherent)
{
	return iopt_map_leaf(coherent, "2M", IOPT_IOVA_BLOCK, IOPT_PA_BLOCK, SZ_2M, 2, 0x12345);
}

KSHIM_SCENARIO(iopt_map_page_coherent, "io-pgtable-arm: map 4K into an empty table, coherent walk")
{
	return iopt_map_page(true);
}

KSHIM_SCENARIO(iopt_map_page_noncoherent,
	       "io-pgtable-arm: map 4K into an empty table, non-coherent walk (cache cleans)")
{
	return iopt_map_page(false);
}

KSHIM_SCENARIO(iopt_map_block_coherent, "io-pgtable-arm: map a 2M block, coherent walk")
{
	return iopt_map_block(true);
}

KSHIM_SCENARIO(iopt_map_block_noncoherent, "io-pgtable-arm: map a 2M block, non-coherent walk")
{
	return iopt_map_block(false);
}

/* ---- unmap a page ---- */

static int iopt_unmap_page(bool coherent)
{
	iopt_setup(coherent);
	KSHIM_NOTE("map 2 x 4K at IOVA 0x%lx", IOPT_IOVA_PAGE);
	iopt_map(IOPT_IOVA_PAGE, IOPT_PA_PAGE, SZ_4K);
	iopt_map(IOPT_IOVA_PAGE + SZ_4K, IOPT_PA_PAGE + SZ_4K, SZ_4K);
	KSHIM_NOTE("unmap the first page");
	iopt_unmap(IOPT_IOVA_PAGE, SZ_4K);
	iopt_check_phys(IOPT_IOVA_PAGE, 0);
	iopt_check_phys(IOPT_IOVA_PAGE + SZ_4K, IOPT_PA_PAGE + SZ_4K);
	KSHIM_CHECK(iopt_desc(IOPT_IOVA_PAGE, 3) == 0, "the unmapped PTE is not zero");
	/* The level-3 table stays: io-pgtable-arm frees tables only when a whole block is unmapped. */
	iopt_check_tables(IOPT_IOVA_PAGE, 3);
	KSHIM_CHECK(iopt.ntlb == 1, "%d TLB callbacks, expected 1", iopt.ntlb);
	iopt_check_tlb(0, IOPT_ADD_PAGE, IOPT_IOVA_PAGE, SZ_4K);
	iopt_finish();
	return 0;
}

KSHIM_SCENARIO(iopt_unmap_page_coherent, "io-pgtable-arm: unmap one 4K page of two, coherent walk")
{
	return iopt_unmap_page(true);
}

KSHIM_SCENARIO(iopt_unmap_page_noncoherent,
	       "io-pgtable-arm: unmap one 4K page of two, non-coherent walk")
{
	return iopt_unmap_page(false);
}

/* ---- unmap a block ---- */

static int iopt_unmap_block(bool coherent)
{
	iopt_setup(coherent);
	KSHIM_NOTE("map 2M at IOVA 0x%lx", IOPT_IOVA_BLOCK);
	iopt_map(IOPT_IOVA_BLOCK, IOPT_PA_BLOCK, SZ_2M);
	KSHIM_NOTE("unmap it");
	iopt_unmap(IOPT_IOVA_BLOCK, SZ_2M);
	iopt_check_phys(IOPT_IOVA_BLOCK, 0);
	iopt_check_phys(IOPT_IOVA_BLOCK + SZ_2M - 1, 0);
	KSHIM_CHECK(iopt_desc(IOPT_IOVA_BLOCK, 2) == 0, "the unmapped block descriptor is not zero");
	KSHIM_CHECK(iopt.ntlb == 1, "%d TLB callbacks, expected 1", iopt.ntlb);
	iopt_check_tlb(0, IOPT_ADD_PAGE, IOPT_IOVA_BLOCK, SZ_2M);
	iopt_finish();
	return 0;
}

KSHIM_SCENARIO(iopt_unmap_block_coherent, "io-pgtable-arm: unmap a 2M block, coherent walk")
{
	return iopt_unmap_block(true);
}

KSHIM_SCENARIO(iopt_unmap_block_noncoherent, "io-pgtable-arm: unmap a 2M block, non-coherent walk")
{
	return iopt_unmap_block(false);
}

/* ---- split a block by a partial unmap (trees that still split: KSHIM_FAMILY_split) ---- */

#ifdef KSHIM_FAMILY_split

static int iopt_split_block(bool coherent)
{
	unsigned long hole = IOPT_IOVA_BLOCK + 5 * SZ_4K;

	iopt_setup(coherent);
	KSHIM_NOTE("map 2M at IOVA 0x%lx", IOPT_IOVA_BLOCK);
	iopt_map(IOPT_IOVA_BLOCK, IOPT_PA_BLOCK, SZ_2M);
	KSHIM_NOTE("unmap 4K at IOVA 0x%lx: the block becomes a table of 511 pages", hole);
	iopt_unmap(hole, SZ_4K);
	iopt_check_phys(hole, 0);
	iopt_check_phys(hole - SZ_4K + 0x10, IOPT_PA_BLOCK + 4 * SZ_4K + 0x10);
	iopt_check_phys(hole + SZ_4K, IOPT_PA_BLOCK + 6 * SZ_4K);
	iopt_check_phys(IOPT_IOVA_BLOCK + SZ_2M - 1, IOPT_PA_BLOCK + SZ_2M - 1);
	iopt_check_tables(hole, 3);
	for (int i = 0; i < 512; i++) {
		unsigned long iova = IOPT_IOVA_BLOCK + i * SZ_4K;

		if (iova == hole)
			KSHIM_CHECK(iopt_desc(iova, 3) == 0, "the PTE of the hole is not zero");
		else
			iopt_check_leaf(iova, 3, IOPT_PA_BLOCK + i * SZ_4K);
	}
	KSHIM_CHECK(iopt.ntlb == 1, "%d TLB callbacks, expected 1", iopt.ntlb);
	iopt_check_tlb(0, IOPT_ADD_PAGE, hole, SZ_4K);
	iopt_finish();
	return 0;
}

KSHIM_SCENARIO(iopt_split_block_coherent,
	       "io-pgtable-arm: unmap 4K inside a 2M block (split into a table), coherent walk")
{
	return iopt_split_block(true);
}

KSHIM_SCENARIO(iopt_split_block_noncoherent,
	       "io-pgtable-arm: unmap 4K inside a 2M block (split into a table), non-coherent walk")
{
	return iopt_split_block(false);
}
#endif /* KSHIM_FAMILY_split */
