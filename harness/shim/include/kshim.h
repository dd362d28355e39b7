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

/* ---- kconfig ---- */
#define __ARG_PLACEHOLDER_1 0,
#define __kshim_take_second_arg(__ignored, val, ...) val
#define __kshim_is_defined(x) ___kshim_is_defined(x)
#define ___kshim_is_defined(val) ____kshim_is_defined(__ARG_PLACEHOLDER_##val)
#define ____kshim_is_defined(arg1_or_junk) __kshim_take_second_arg(arg1_or_junk 1, 0)
#define IS_BUILTIN(option) __kshim_is_defined(option)
#define IS_MODULE(option) 0
#define IS_REACHABLE(option) IS_BUILTIN(option)
#define IS_ENABLED(option) IS_BUILTIN(option)

/* ---- types ---- */
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef unsigned long long u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef long long s64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s8 __s8;
typedef s16 __s16;
typedef s32 __s32;
typedef s64 __s64;
typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;
typedef u16 __be16;
typedef u32 __be32;
typedef u64 __be64;
typedef _Bool bool;
#define true 1
#define false 0
typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __INTPTR_TYPE__ intptr_t;
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef u64 resource_size_t;
typedef unsigned int gfp_t;
typedef unsigned long pgoff_t;
typedef long long loff_t;
typedef u32 ioasid_t;
typedef int pid_t;
typedef s64 ktime_t;
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { s64 counter; } atomic64_t;
typedef struct { unsigned int refs; } refcount_t;
typedef struct { int locked; } spinlock_t;
typedef struct { int locked; } raw_spinlock_t;
typedef struct { int locked; } rwlock_t;
#define NULL ((void *)0)
#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)
typedef __builtin_va_list va_list;
#define va_start(v, l) __builtin_va_start(v, l)
#define va_end(v) __builtin_va_end(v)
#define va_arg(v, l) __builtin_va_arg(v, l)

#define BITS_PER_LONG 64
#define BITS_PER_LONG_LONG 64
#define __BITS_PER_LONG 64
#define __BITS_PER_LONG_LONG 64
#define BITS_PER_BYTE 8
#define U8_MAX ((u8)~0U)
#define U16_MAX ((u16)~0U)
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)
#define S32_MAX ((s32)(U32_MAX >> 1))
#define INT_MAX ((int)(~0U >> 1))
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX (~0U)
#define LONG_MAX ((long)(~0UL >> 1))
#define ULONG_MAX (~0UL)
#define SIZE_MAX (~(size_t)0)

/* ---- compiler ---- */
#undef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#define noinline __attribute__((__noinline__))
#define __noreturn __attribute__((__noreturn__))
#define __maybe_unused __attribute__((__unused__))
#define __always_unused __attribute__((__unused__))
#define __used __attribute__((__used__))
#define __must_check __attribute__((__warn_unused_result__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __attribute_const__ __attribute__((__const__))
#define __pure __attribute__((__pure__))
#define __cold __attribute__((__cold__))
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#define __counted_by(member)
#define __nonstring
#define __force
#define __iomem
#define __user
#define __rcu
#define __percpu
#define __bitwise
#define __private
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __init
#define __exit
#define __initdata
#define __initconst
#define __ro_after_init
#define __read_mostly
#define __visible
#define notrace
#define fallthrough __attribute__((__fallthrough__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" : : : "memory")
#define SMP_CACHE_BYTES 64
#define L1_CACHE_BYTES 64
#define ____cacheline_aligned __attribute__((__aligned__(SMP_CACHE_BYTES)))
#define ____cacheline_aligned_in_smp ____cacheline_aligned
#define __cacheline_aligned ____cacheline_aligned
#define __same_type(a, b) __builtin_types_compatible_p(typeof(a), typeof(b))
#define __must_be_array(a) 0
#define __is_constexpr(x) (sizeof(int) == sizeof(*(8 ? ((void *)((long)(x) * 0l)) : (int *)8)))
#define __compiletime_error(msg) __attribute__((__error__(msg)))
#define __compiletime_warning(msg)
#ifndef KSHIM_COVERAGE
#define __compiletime_assert(condition, msg, prefix, suffix)            \
	do {                                                            \
		__noreturn extern void prefix##suffix(void)              \
			__compiletime_error(msg);                        \
		if (!(condition))                                       \
			prefix##suffix();                               \
	} while (0)
#else
/*
 * Coverage slices: Clang 14 counts the line after a statement expression
 * holding a noreturn call (FIELD_PREP's checks) as never executed. The
 * normal slice of the same tree keeps the checks.
 */
#define __compiletime_assert(condition, msg, prefix, suffix) do { } while (0)
#endif
#define _compiletime_assert(condition, msg, prefix, suffix) \
	__compiletime_assert(condition, msg, prefix, suffix)
#define compiletime_assert(condition, msg) \
	_compiletime_assert(condition, msg, __compiletime_assert_, __COUNTER__)
#define __native_word(t) \
	(sizeof(t) == sizeof(char) || sizeof(t) == sizeof(short) || \
	 sizeof(t) == sizeof(int) || sizeof(t) == sizeof(long))
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#define sizeof_field(TYPE, MEMBER) sizeof((((TYPE *)0)->MEMBER))
#define typeof_member(T, m) typeof(((T *)0)->m)
#define __scalar_type_to_unsigned_cases(type) \
	unsigned type : (unsigned type)0, signed type : (unsigned type)0
#define __unqual_scalar_typeof(x) typeof(x)
#define is_signed_type(type) (((type)(-1)) < (type)1)
#define statically_true(x) (__builtin_constant_p(x) && (x))
/* 0, or a compile error with msg when e holds (7.x build_bug.h builds on it). */
#define __BUILD_BUG_ON_ZERO_MSG(e, msg, ...) ((int)sizeof(struct { _Static_assert(!(e), msg); }))
/* x when it is an integer constant expression, else false: usable in BUILD_BUG_ON_ZERO. */
#define const_true(x) __builtin_choose_expr(__is_constexpr(x), x, false)
#define data_race(expr) (expr)

/* ---- memory accesses the SMMU can observe ---- */
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

/* Single-threaded user space: atomics that no SMMU observes are plain. */
#define ATOMIC_INIT(i) { (i) }
#define atomic_read(v) READ_ONCE((v)->counter)
#define atomic_set(v, i) ((v)->counter = (i))
#define atomic_inc(v) ((void)((v)->counter++))
#define atomic_dec(v) ((void)((v)->counter--))
#define atomic_add(i, v) ((void)((v)->counter += (i)))
#define atomic_sub(i, v) ((void)((v)->counter -= (i)))
#define atomic_inc_return(v) (++(v)->counter)
#define atomic_dec_return(v) (--(v)->counter)
#define atomic_dec_and_test(v) (--(v)->counter == 0)
#define atomic_long_read(v) ((v)->counter)
#define atomic64_read(v) ((v)->counter)
#define refcount_set(r, n) ((r)->refs = (n))
#define refcount_inc(r) ((void)((r)->refs++))
#define refcount_dec_and_test(r) (--(r)->refs == 0)

/* ---- bit operations ---- */
#define ffs(x) __builtin_ffs(x)
static inline unsigned long __ffs(unsigned long word) { return __builtin_ctzl(word); }
static inline unsigned long __fls(unsigned long word) { return BITS_PER_LONG - 1 - __builtin_clzl(word); }
static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline int fls64(u64 x) { return x ? 64 - __builtin_clzll(x) : 0; }
static inline unsigned int fls_long(unsigned long l) { return fls64(l); }
static inline unsigned long ffz(unsigned long word) { return __ffs(~word); }
#define hweight8(w) ((unsigned int)__builtin_popcount((u8)(w)))
#define hweight16(w) ((unsigned int)__builtin_popcount((u16)(w)))
#define hweight32(w) ((unsigned int)__builtin_popcount((u32)(w)))
#define hweight64(w) ((unsigned int)__builtin_popcountll((u64)(w)))
#define hweight_long(w) hweight64(w)
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
#define for_each_set_bit(bit, addr, size)                              \
	for ((bit) = 0; (bit) < (size); (bit)++)                        \
		if (test_bit((bit), (addr)))

/* ---- arithmetic ---- */
#define min(x, y) ({ typeof(x) __kx = (x); typeof(y) __ky = (y); __kx < __ky ? __kx : __ky; })
#define max(x, y) ({ typeof(x) __kx = (x); typeof(y) __ky = (y); __kx > __ky ? __kx : __ky; })
#define min_t(type, x, y) ({ type __kx = (x); type __ky = (y); __kx < __ky ? __kx : __ky; })
#define max_t(type, x, y) ({ type __kx = (x); type __ky = (y); __kx > __ky ? __kx : __ky; })
#define clamp(val, lo, hi) min(max(val, lo), hi)
#define cmp_int(l, r) (((l) > (r)) - ((l) < (r)))
#define swap(a, b) do { typeof(a) __kt = (a); (a) = (b); (b) = __kt; } while (0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define __KSHIM_ALIGN_MASK(x, mask) (((x) + (mask)) & ~(mask))
#define ALIGN(x, a) __KSHIM_ALIGN_MASK(x, (typeof(x))(a) - 1)
#define ALIGN_DOWN(x, a) ((x) & ~((typeof(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((typeof(x))(a) - 1)) == 0)
#define round_up(x, y) ((((x) - 1) | ((typeof(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((typeof(x))((y) - 1)))
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))
#define abs(x) __builtin_llabs(x)

/* ---- byte order: arm64 and x86-64 are both little-endian ---- */
#define cpu_to_le64(x) ((__le64)(u64)(x))
#define le64_to_cpu(x) ((u64)(__le64)(x))
#define cpu_to_le32(x) ((__le32)(u32)(x))
#define le32_to_cpu(x) ((u32)(__le32)(x))
#define cpu_to_le16(x) ((__le16)(u16)(x))
#define le16_to_cpu(x) ((u16)(__le16)(x))
#define cpu_to_be64(x) ((__be64)__builtin_bswap64(x))
#define be64_to_cpu(x) ((u64)__builtin_bswap64(x))
#define cpu_to_be32(x) ((__be32)__builtin_bswap32(x))
#define be32_to_cpu(x) ((u32)__builtin_bswap32(x))
#define cpu_to_be16(x) ((__be16)__builtin_bswap16(x))
#define be16_to_cpu(x) ((u16)__builtin_bswap16(x))
#define __cpu_to_le64 cpu_to_le64
#define __le64_to_cpu le64_to_cpu
#define __cpu_to_le32 cpu_to_le32
#define __le32_to_cpu le32_to_cpu
#define __cpu_to_le16 cpu_to_le16
#define __le16_to_cpu le16_to_cpu
#define __cpu_to_be64 cpu_to_be64
#define __be64_to_cpu be64_to_cpu
#define __cpu_to_be32 cpu_to_be32
#define __be32_to_cpu be32_to_cpu
#define __cpu_to_be16 cpu_to_be16
#define __be16_to_cpu be16_to_cpu

/* ---- strings (compiler builtins; no libc headers) ---- */
#define memset(s, c, n) __builtin_memset((s), (c), (n))
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define strlen(s) __builtin_strlen(s)

/* ---- errors ---- */
#define EPERM 1
#define ENOENT 2
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define ETIMEDOUT 110
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }
static inline void *ERR_CAST(const void *ptr) { return (void *)ptr; }

/* ---- diagnostics ---- */
void kshim_printf(int level, const char *fmt, ...) __printf(2, 3);
void kshim_bug_jump(void) __noreturn; /* leaves the running case (runtime.c) */
#define KERN_ERR "<3>"
#define KERN_WARNING "<4>"
#define KERN_INFO "<6>"
#define KERN_DEBUG "<7>"
#define pr_fmt(fmt) fmt
#define printk(fmt, ...) kshim_printf(6, fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...) kshim_printf(3, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) kshim_printf(4, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) kshim_printf(6, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) kshim_printf(7, fmt, ##__VA_ARGS__)
#define pr_err_ratelimited pr_err
#define pr_warn_once pr_warn
#define pr_info_once pr_info
#define dev_err(dev, fmt, ...) kshim_printf(3, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) kshim_printf(4, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) kshim_printf(6, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) kshim_printf(7, fmt, ##__VA_ARGS__)
#define dev_notice dev_info
#define dev_warn_once dev_warn
#define dev_err_once dev_err
#define dev_err_ratelimited dev_err
#define dev_warn_ratelimited dev_warn
#define dev_info_ratelimited dev_info
#define DUMP_PREFIX_NONE 0
#define DUMP_PREFIX_ADDRESS 1
#define DUMP_PREFIX_OFFSET 2
void kshim_hex_dump(const char *prefix, int rowsize, int groupsize, const void *buf, size_t len);
#define print_hex_dump_debug(prefix, type, rowsize, groupsize, buf, len, ascii) \
	kshim_hex_dump(prefix, rowsize, groupsize, buf, len)
#define print_hex_dump(level, prefix, type, rowsize, groupsize, buf, len, ascii) \
	kshim_hex_dump(prefix, rowsize, groupsize, buf, len)

#define WARN(cond, fmt...)                                                   \
	({                                                                   \
		int __kshim_c = !!(cond);                                    \
		if (unlikely(__kshim_c))                                     \
			kshim_warn(#cond, __FILE__, __LINE__);               \
		unlikely(__kshim_c);                                         \
	})
#define WARN_ON(cond) WARN(cond, "")
#define WARN_ONCE(cond, fmt...) WARN(cond, fmt)
#define WARN_ON_ONCE(cond) WARN(cond, "")
#define BUG()                                                                \
	do {                                                                 \
		kshim_bug_report("BUG()", __FILE__, __LINE__);              \
		kshim_bug_jump();                                            \
	} while (0)
#define BUG_ON(cond)                                                         \
	do {                                                                 \
		if (unlikely(cond)) {                                        \
			kshim_bug_report("BUG_ON(" #cond ")", __FILE__, __LINE__); \
			kshim_bug_jump();                                    \
		}                                                            \
	} while (0)
#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_WARN_ON(cond) WARN_ON(cond)
#define lockdep_assert_held(l) ((void)(l))
#define might_sleep() do { } while (0)
#define cond_resched() do { } while (0)

/* Static keys: a plain flag (no code patching in user space). */
struct static_key_false { int enabled; };
struct static_key_true { int enabled; };
#define DEFINE_STATIC_KEY_FALSE(name) struct static_key_false name = { 0 }
#define DEFINE_STATIC_KEY_TRUE(name) struct static_key_true name = { 1 }
#define static_branch_unlikely(k) unlikely((k)->enabled)
#define static_branch_likely(k) likely((k)->enabled)
#define static_branch_enable(k) ((k)->enabled = 1)
#define static_branch_disable(k) ((k)->enabled = 0)

/* ---- module and export boilerplate ---- */
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#define VISIBLE_IF_KUNIT
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_ALIAS(x)
#define MODULE_IMPORT_NS(x)
#define MODULE_DEVICE_TABLE(t, n)
#define MODULE_PARM_DESC(p, d)
#define module_param(name, type, perm)
#define module_param_named(name, value, type, perm)
#define THIS_MODULE ((void *)0)

/* Initcalls are collected in an ELF section; the runtime runs them by name. */
struct kshim_initcall {
	const char *name;
	int (*fn)(void);
};
#define __kshim_initcall(fn, id)                                             \
	static const struct kshim_initcall __PASTE(__kshim_initcall_, id)      \
		__attribute__((__used__, __section__("kshim_initcalls"), __aligned__(8))) = { #fn, fn }
#define subsys_initcall(fn) __kshim_initcall(fn, __COUNTER__)
#define module_init(fn) __kshim_initcall(fn, __COUNTER__)
#define module_exit(fn)
#define late_initcall(fn) __kshim_initcall(fn, __COUNTER__)

/* ---- locks: single-threaded no-ops ---- */
struct mutex { int locked; };
struct lock_class_key { int unused; };
#define DEFINE_MUTEX(m) struct mutex m = { 0 }
#define mutex_init(m) ((m)->locked = 0)
#define mutex_lock(m) ((void)(m))
#define mutex_unlock(m) ((void)(m))
#define mutex_lock_interruptible(m) ((void)(m), 0)
#define DEFINE_SPINLOCK(l) spinlock_t l = { 0 }
#define spin_lock_init(l) ((l)->locked = 0)
#define spin_lock(l) ((void)(l))
#define spin_unlock(l) ((void)(l))
#define spin_lock_irqsave(l, f) do { (void)(l); (f) = 0; } while (0)
#define spin_unlock_irqrestore(l, f) do { (void)(l); (void)(f); } while (0)
#define read_lock_irqsave(l, f) spin_lock_irqsave(l, f)
#define read_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
#define write_lock_irqsave(l, f) spin_lock_irqsave(l, f)
#define write_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
#define local_irq_save(f) ((f) = 0)
#define local_irq_restore(f) ((void)(f))
#define rwlock_init(l) ((l)->locked = 0)
#define read_lock(l) ((void)(l))
#define read_unlock(l) ((void)(l))
#define write_lock(l) ((void)(l))
#define write_unlock(l) ((void)(l))
#define lockdep_is_held(l) 1
/* RCU without concurrent readers: publication is a plain pointer store. */
struct rcu_head { void *next; void (*func)(struct rcu_head *head); };
#define rcu_assign_pointer(p, v) ((p) = (v))
#define rcu_dereference(p) (p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_dereference_raw(p) (p)
#define kfree_rcu(p, field) kfree(p)
#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)

/* ---- lists ---- */
struct list_head { struct list_head *next, *prev; };
struct hlist_node { struct hlist_node *next, **pprev; };
#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l; l->prev = l; }
static inline void __kshim_list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n; n->next = next; n->prev = prev; prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *head) { __kshim_list_add(n, head, head->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *head) { __kshim_list_add(n, head->prev, head); }
static inline void list_del(struct list_head *e) { e->next->prev = e->prev; e->prev->next = e->next; }
static inline int list_empty(const struct list_head *h) { return h->next == h; }
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member) list_entry((pos)->member.next, typeof(*(pos)), member)
#define list_for_each_entry(pos, head, member)                                \
	for (pos = list_first_entry(head, typeof(*pos), member); &pos->member != (head); \
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)                        \
	for (pos = list_first_entry(head, typeof(*pos), member), n = list_next_entry(pos, member); \
	     &pos->member != (head); pos = n, n = list_next_entry(n, member))
#define list_add_rcu list_add
#define list_del_rcu list_del
#define list_for_each_entry_rcu(pos, head, member, ...) list_for_each_entry(pos, head, member)

/* Dummy kernel objects that arm-smmu-v3.h embeds by value. */
struct rb_node { unsigned long __rb_parent_color; struct rb_node *rb_right, *rb_left; };
struct rb_root { struct rb_node *rb_node; };
#define RB_ROOT (struct rb_root) { NULL, }
struct ida { int unused; };
struct xarray { int unused; };
struct completion { int done; };
struct work_struct { int unused; };
struct mm_struct { void *pgd; };
struct mmu_notifier;
/* The members of linux/mmu_notifier.h's ops that the SMMUv3 SVA code fills. */
struct mmu_notifier_ops {
	void (*release)(struct mmu_notifier *subscription, struct mm_struct *mm);
	void (*arch_invalidate_secondary_tlbs)(struct mmu_notifier *subscription,
					       struct mm_struct *mm, unsigned long start,
					       unsigned long end);
	void (*free_notifier)(struct mmu_notifier *subscription);
};
struct mmu_notifier { const struct mmu_notifier_ops *ops; struct mm_struct *mm; };
struct iommu_fwspec;
struct device { void *driver_data; int numa_node; bool dma_coherent; struct iommu_fwspec *iommu_fwspec; };
struct iommu_group;
struct fwnode_handle;
struct msi_desc;
struct msi_msg;
struct platform_device;
struct pci_dev;
struct iopf_queue;
struct iommu_fault;
struct iommufd_ctx;
struct seq_file;
#define DEFINE_XARRAY_ALLOC1(name) struct xarray name
#define DEFINE_IDA(name) struct ida name
#define dev_to_node(dev) 0
#define set_dev_node(dev, node) ((void)(dev), (void)(node))
#define NUMA_NO_NODE (-1)
#define dev_name(dev) "smmu-check-device"
#define dev_get_drvdata(dev) ((dev)->driver_data)

/* ---- memory ---- */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)
#define MAX_PAGE_ORDER 10
#define MAX_ORDER MAX_PAGE_ORDER
#define ___GFP_ZERO 0x100u
#define __GFP_ZERO ___GFP_ZERO
#define __GFP_HIGHMEM 0x02u
#define __GFP_NOWARN 0x200u
#define __GFP_NORETRY 0x1000u
#define GFP_KERNEL 0x0cc0u
#define GFP_ATOMIC 0x0820u
#define GFP_NOWAIT 0x0800u
#define GFP_DMA32 0x04u
#define __GFP_DMA32 GFP_DMA32
#define GFP_KERNEL_ACCOUNT GFP_KERNEL

static inline int get_order(unsigned long size)
{
	int order = 0;
	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}
/* Identity mapping: user addresses fit the descriptors' address fields. */
static inline phys_addr_t virt_to_phys(const volatile void *p) { return (phys_addr_t)(uintptr_t)p; }
static inline void *phys_to_virt(phys_addr_t pa) { return (void *)(uintptr_t)pa; }
#define __pa(x) virt_to_phys((void *)(x))
#define __va(x) phys_to_virt((phys_addr_t)(x))

#define KSHIM_ALLOC(size, align, gfp) \
	kshim_alloc((size), (align), !!((gfp) & __GFP_ZERO), __FILE__, __LINE__)
#define kmalloc(size, gfp) KSHIM_ALLOC(size, 16, gfp)
#define kzalloc(size, gfp) KSHIM_ALLOC(size, 16, (gfp) | __GFP_ZERO)
#define kmalloc_array(n, size, gfp) KSHIM_ALLOC((n) * (size), 16, gfp)
#define kcalloc(n, size, gfp) KSHIM_ALLOC((n) * (size), 16, (gfp) | __GFP_ZERO)
#define kzalloc_node(size, gfp, node) kzalloc(size, gfp)
#define kfree(p) kshim_free((p), __FILE__, __LINE__)
#define kvfree(p) kfree(p)
/* Typed allocators (7.x): the object's type, an optional gfp (ignored). */
#define kmalloc_obj(P, ...) ((typeof(P) *)kmalloc(sizeof(typeof(P)), GFP_KERNEL))
#define kzalloc_obj(P, ...) ((typeof(P) *)kzalloc(sizeof(typeof(P)), GFP_KERNEL))
#define kzalloc_objs(P, n, ...) ((typeof(P) *)kcalloc((n), sizeof(typeof(P)), GFP_KERNEL))
#define kzalloc_flex(P, fam, n, ...) \
	((typeof(P) *)kzalloc(sizeof(typeof(P)) + (n) * sizeof(((typeof(P) *)0)->fam[0]), GFP_KERNEL))
#define devm_kzalloc(dev, size, gfp) kzalloc(size, gfp)
#define devm_kcalloc(dev, n, size, gfp) kcalloc(n, size, gfp)
#define devm_kfree(dev, p) kfree(p)

/*
 * Page-table pages (iommu-pages.h in 6.12): zeroed, naturally aligned, and
 * registered as fetchable page-table memory.
 */
static inline void *__kshim_table_pages(gfp_t gfp, int order, const char *f, int l)
{
	size_t size = PAGE_SIZE << order;
	void *p = kshim_alloc(size, size, !!(gfp & __GFP_ZERO), f, l);
	if (p)
		kshim_desc_register(p, size, KSHIM_DESC_PGTABLE, "table#");
	return p;
}
#define iommu_alloc_pages_node(nid, gfp, order) \
	__kshim_table_pages((gfp) | __GFP_ZERO, (order), __FILE__, __LINE__)
#define iommu_alloc_pages(gfp, order) iommu_alloc_pages_node(0, gfp, order)
#define iommu_alloc_page(gfp) iommu_alloc_pages_node(0, gfp, 0)
#define iommu_alloc_page_node(nid, gfp) iommu_alloc_pages_node(nid, gfp, 0)
/* 6.12 passes the order too; 7.x only the address. */
#define iommu_free_pages(p, ...) kshim_free((p), __FILE__, __LINE__)
#define iommu_free_page(p) iommu_free_pages(p, 0)
/* 7.x sizes tables in bytes; the pages are a power of two, like a folio. */
#define iommu_alloc_pages_node_sz(nid, gfp, size) \
	__kshim_table_pages((gfp) | __GFP_ZERO, get_order(size), __FILE__, __LINE__)
/*
 * A non-coherent walker's table (7.x): arm64 maps it with the DMA API, which
 * cleans the whole allocation to PoC, as dma_map_single does in 6.12.
 */
#define iommu_pages_start_incoherent(virt, dev)                                \
	({                                                                     \
		void *__kshim_v = (virt);                                      \
		kshim_cmo(__kshim_v, kshim_alloc_size(__kshim_v), KSHIM_CMO_CLEAN, \
			  __FILE__, __LINE__);                                 \
		0;                                                             \
	})
#define iommu_pages_free_incoherent(virt, dev) iommu_free_pages(virt)
/* 6.1: struct page is the page itself. */
struct page;
#define alloc_pages_node(nid, gfp, order) \
	((struct page *)__kshim_table_pages((gfp), (order), __FILE__, __LINE__))
#define page_address(pg) ((void *)(pg))
#define virt_to_page(p) ((struct page *)(p))
#define __free_pages(pg, order) kshim_free((pg), __FILE__, __LINE__)
#define free_pages(addr, order) kshim_free((void *)(addr), __FILE__, __LINE__)

/* ---- DMA: cache maintenance for non-coherent walkers ---- */
enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)
#define KSHIM_CMO_FOR(dir) ((dir) == DMA_FROM_DEVICE ? KSHIM_CMO_INVAL : KSHIM_CMO_CLEAN)
/* arm64 arch_sync_dma_for_device: DC CVAC per line, then DSB SY. */
#define dma_map_single(dev, ptr, size, dir)                                   \
	({                                                                    \
		void *__kshim_m = (ptr);                                      \
		kshim_cmo(__kshim_m, (size), KSHIM_CMO_FOR(dir), __FILE__, __LINE__); \
		(dma_addr_t)virt_to_phys(__kshim_m);                          \
	})
#define dma_unmap_single(dev, addr, size, dir) ((void)(addr))
#define dma_mapping_error(dev, addr) ((addr) == DMA_MAPPING_ERROR)
#define dma_sync_single_for_device(dev, addr, size, dir) \
	kshim_cmo(phys_to_virt(addr), (size), KSHIM_CMO_FOR(dir), __FILE__, __LINE__)
#define dma_alloc_coherent(dev, size, handle, gfp)                            \
	({                                                                    \
		void *__kshim_c = KSHIM_ALLOC(size, PAGE_SIZE, (gfp) | __GFP_ZERO); \
		*(handle) = virt_to_phys(__kshim_c);                          \
		__kshim_c;                                                    \
	})
#define dmam_alloc_coherent dma_alloc_coherent
#define dma_free_coherent(dev, size, cpu, handle) kfree(cpu)
#define dmam_free_coherent dma_free_coherent

/* ---- arm64 system registers the SVA CD reads (set by the harness) ---- */
extern u64 kshim_sysreg_mair_el1;
extern u64 kshim_sysreg_id_aa64mmfr0_el1;
extern u64 vabits_actual;
#ifndef VA_BITS
#define VA_BITS 48 /* CONFIG_ARM64_VA_BITS, Debian's arm64 config */
#endif
#define read_sysreg(r) kshim_sysreg_##r
#define SYS_ID_AA64MMFR0_EL1 0
#define ID_AA64MMFR0_EL1_PARANGE_SHIFT 0
#define read_sanitised_ftr_reg(id) kshim_sysreg_id_aa64mmfr0_el1
/* CPU features the 7.x SVA CD checks: a CPU without HAFT, POE and GCS. */
#define system_supports_haft() false
#define system_supports_poe() false
#define system_supports_gcs() false
static inline unsigned int cpuid_feature_extract_unsigned_field(u64 features, int field)
{
	return (features >> field) & 0xf;
}

/* ---- time: the command queue replacement never polls ---- */
#define ktime_get() ((ktime_t)0)
#define ktime_add_us(t, us) ((t) + (us) * 1000)
#define ktime_compare(a, b) ((a) < (b) ? -1 : (a) > (b))
#define udelay(us) do { } while (0)
#define cpu_relax() do { } while (0)
#define wfe() do { } while (0)
#define sev() do { } while (0)

#include <linux/overflow.h>
#include <linux/container_of.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/sizes.h>
#include <linux/iommu.h>
#include <linux/io-pgtable.h>

#endif /* KSHIM_H */
