/* SPDX-License-Identifier: MIT */
/*
 * Memory accesses the SMMU can observe, each routed to a kshim_* hook with
 * the caller's file:line: WRITE_ONCE, plain stores through pointers
 * (rewritten by the slicer into KSHIM_PLAIN_STORE), barriers, cmpxchg and
 * bit read-modify-writes.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_ACCESS_H
#define KSHIM_ACCESS_H

#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, val)                                                   \
	do {                                                                 \
		typeof(x) *__kshim_p = &(x);                                 \
		typeof(x) __kshim_v = (val);                                 \
		kshim_store(__kshim_p, (kshim_u64)(__kshim_v), sizeof(*__kshim_p), \
			    KSHIM_STORE_ONCE, __FILE__, __LINE__);           \
	} while (0)

/* Plain `*p op= v` rewritten by the slicer; `line` is the store's own line. */
#define KSHIM_PLAIN_OP_set(old, v) (v)
#define KSHIM_PLAIN_OP_or(old, v) ((old) | (v))
#define KSHIM_PLAIN_OP_and(old, v) ((old) & (v))
#define KSHIM_PLAIN_OP_xor(old, v) ((old) ^ (v))
#define KSHIM_PLAIN_OP_add(old, v) ((old) + (v))
#define KSHIM_PLAIN_OP_sub(old, v) ((old) - (v))
#define KSHIM_PLAIN_OP_shl(old, v) ((old) << (v))
#define KSHIM_PLAIN_OP_shr(old, v) ((old) >> (v))
#define KSHIM_PLAIN_OP_mul(old, v) ((old) * (v))
#define KSHIM_PLAIN_OP_div(old, v) ((old) / (v))
#define KSHIM_PLAIN_OP_rem(old, v) ((old) % (v))
#define KSHIM_PLAIN_STORE(op, lhs, rhs, line)                                 \
	({                                                                    \
		typeof(lhs) *__kshim_pp = &(lhs);                             \
		typeof(lhs) __kshim_pv = KSHIM_PLAIN_OP_##op(*__kshim_pp, (rhs)); \
		kshim_store(__kshim_pp, (kshim_u64)__kshim_pv, sizeof(*__kshim_pp), \
			    KSHIM_STORE_PLAIN, __FILE__, line);                \
		__kshim_pv;                                                   \
	})

#ifdef KSHIM_IR_ONLY
/*
 * function_ir() (the symbolic engine's input): pure functions such as get_used
 * must compile to plain integer code, so these stores are ordinary
 * assignments; WRITE_ONCE stays a volatile one, as in the kernel, so that the
 * IR tells it from a plain store (the proof under +plain-tear32).
 */
#undef WRITE_ONCE
#undef KSHIM_PLAIN_STORE
#define WRITE_ONCE(x, val)                                                   \
	do {                                                                 \
		volatile typeof(x) *__kshim_p = &(x);                        \
		*__kshim_p = (val);                                          \
	} while (0)
#define KSHIM_PLAIN_STORE(op, lhs, rhs, line)                                 \
	({                                                                    \
		typeof(lhs) *__kshim_pp = &(lhs);                             \
		*__kshim_pp = KSHIM_PLAIN_OP_##op(*__kshim_pp, (rhs));        \
	})
#endif

#define KSHIM_BARRIER(kind) kshim_barrier(kind, __FILE__, __LINE__)
#define dma_wmb() KSHIM_BARRIER(KSHIM_BARRIER_DMA_WMB)
#define dma_rmb() KSHIM_BARRIER(KSHIM_BARRIER_DMA_RMB)
#define dma_mb() KSHIM_BARRIER(KSHIM_BARRIER_DMA_MB)
#define wmb() KSHIM_BARRIER(KSHIM_BARRIER_WMB)
#define rmb() KSHIM_BARRIER(KSHIM_BARRIER_RMB)
#define mb() KSHIM_BARRIER(KSHIM_BARRIER_MB)
#define smp_wmb() KSHIM_BARRIER(KSHIM_BARRIER_SMP_WMB)
#define smp_rmb() KSHIM_BARRIER(KSHIM_BARRIER_SMP_RMB)
#define smp_mb() KSHIM_BARRIER(KSHIM_BARRIER_SMP_MB)
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()
#define __iomb() dma_mb()

#define cmpxchg64_relaxed(ptr, o, n) \
	((typeof(*(ptr)))kshim_cmpxchg((ptr), (kshim_u64)(o), (kshim_u64)(n), sizeof(*(ptr)), __FILE__, __LINE__))
#define cmpxchg64(ptr, o, n) cmpxchg64_relaxed(ptr, o, n)
#define cmpxchg_relaxed(ptr, o, n) cmpxchg64_relaxed(ptr, o, n)
#define cmpxchg(ptr, o, n) cmpxchg64_relaxed(ptr, o, n)

static inline void __kshim_set_bit(long nr, volatile unsigned long *addr, const char *f, int l)
{
	kshim_rmw(addr + nr / BITS_PER_LONG, 0, 1UL << (nr % BITS_PER_LONG), sizeof(long), f, l);
}
static inline void __kshim_clear_bit(long nr, volatile unsigned long *addr, const char *f, int l)
{
	kshim_rmw(addr + nr / BITS_PER_LONG, 1UL << (nr % BITS_PER_LONG), 0, sizeof(long), f, l);
}
#define set_bit(nr, addr) __kshim_set_bit((nr), (volatile unsigned long *)(addr), __FILE__, __LINE__)
#define clear_bit(nr, addr) __kshim_clear_bit((nr), (volatile unsigned long *)(addr), __FILE__, __LINE__)
#define __set_bit(nr, addr) set_bit(nr, addr)
#define __clear_bit(nr, addr) clear_bit(nr, addr)
static inline int test_bit(long nr, const volatile unsigned long *addr)
{
	return 1UL & (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG));
}
static inline int test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	int old = test_bit(nr, addr);
	if (old)
		clear_bit(nr, addr);
	return old;
}
/* 6.1's VMID allocator (arm_smmu_bitmap_alloc). */
static inline int test_and_set_bit(long nr, volatile unsigned long *addr)
{
	int old = test_bit(nr, addr);
	if (!old)
		set_bit(nr, addr);
	return old;
}
static inline unsigned long find_first_zero_bit(const unsigned long *addr, unsigned long size)
{
	for (unsigned long i = 0; i < size; i++)
		if (!test_bit(i, addr))
			return i;
	return size;
}

#endif
