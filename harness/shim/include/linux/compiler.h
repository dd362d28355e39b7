/* SPDX-License-Identifier: MIT */
/*
 * Compiler attributes, branch hints, compile-time assertions and the
 * preprocessor helpers (__PASTE, __stringify, ARRAY_SIZE) the headers use.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_COMPILER_H
#define KSHIM_LINUX_COMPILER_H

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

#endif
