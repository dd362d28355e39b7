/* SPDX-License-Identifier: MIT */
/*
 * kshim.h: the user-space stand-in for the kernel headers that the sliced
 * SMMUv3 and io-pgtable-arm code includes. Written for smmu-check; it holds
 * no kernel code. Real headers (bitfield.h, bits.h, io-pgtable.h, ...) come
 * unmodified from the kernel tree under test and are searched first.
 *
 * Everything the SMMU could observe is routed to a kshim_* hook with the
 * caller's file:line: WRITE_ONCE, plain stores through pointers (rewritten by
 * the slicer into KSHIM_PLAIN_STORE), cmpxchg and bit RMWs, barriers, DMA
 * cache maintenance, allocations and (in the glue) command queue entries.
 *
 * Each section lives in the header a kernel file would include for it
 * (linux/types.h, linux/slab.h, ...) or, with no such single header, in a
 * kshim_*.h; this file includes them in order, and each includes this file
 * first, so any of them gives the whole shim.
 *
 * Compiled with -nostdinc: no libc header may be pulled in, so glibc's
 * __BIG_ENDIAN (which would silently set the drivers' ENDI bits) never exists.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <kshim_hooks.h>

#undef __BIG_ENDIAN
#ifndef __LITTLE_ENDIAN
#define __LITTLE_ENDIAN 1234
#endif

/* The sections, in dependency order; each header includes this one first. */
#include <linux/kconfig.h>
#include <linux/types.h>
#include <linux/stddef.h>
#include <asm/bitsperlong.h>
#include <linux/compiler.h>
#include <kshim_access.h>
#include <kshim_sync.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <asm/byteorder.h>
#include <linux/string.h>
#include <linux/err.h>
#include <linux/printk.h>
#include <linux/bug.h>
#include <linux/jump_label.h>
#include <linux/module.h>
#include <kunit/visibility.h>
#include <linux/list.h>
#include <kshim_objects.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/dma-mapping.h>
#include <kshim_arch.h>

/* Built on the sections: the tree's own headers, and the shim's IOMMU API. */
#include <linux/overflow.h>
#include <linux/container_of.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/sizes.h>
#include <linux/iommu.h>
#include <linux/io-pgtable.h>

#endif /* KSHIM_H */
