/* SPDX-License-Identifier: MIT */
/*
 * A KUnit stand-in for running a tree's own KUnit test file in user space.
 * Suites are collected in an ELF section (like the kernel's .kunit_test_suites)
 * because C constructors feeding a C++ registry run in an unreliable order.
 * The runner lives in harness/kdrivers/runtime.c.
 */
#ifndef KSHIM_KUNIT_TEST_H
#define KSHIM_KUNIT_TEST_H

#include <kshim.h>

struct kunit {
	const char *name;
	int failures;
	void *jump_buffer[5]; /* __builtin_setjmp buffer, for KUNIT_ASSERT_* */
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(test_name) { .run_case = test_name, .name = #test_name }

#define kunit_test_suites(...)                                                 \
	static struct kunit_suite *__PASTE(__kshim_kunit_suites_, __COUNTER__)[] \
		__attribute__((__used__, __section__("kshim_kunit_suites"), __aligned__(8))) = { __VA_ARGS__ }
#define kunit_test_suite(suite) kunit_test_suites(&suite)

void kshim_kunit_fail(struct kunit *test, int fatal, const char *file, int line,
		      const char *fmt, ...) __printf(5, 6);

#define kunit_kzalloc(test, size, gfp) kzalloc(size, gfp)
#define kunit_kmalloc(test, size, gfp) kmalloc(size, gfp)
#define kunit_kfree(test, p) kfree(p)
#define kunit_info(test, fmt, ...) kshim_printf(6, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) kshim_printf(3, fmt, ##__VA_ARGS__)

#define __KSHIM_KUNIT_CHECK(test, fatal, cond, fmt, ...)                       \
	do {                                                                   \
		if (!(cond))                                                   \
			kshim_kunit_fail(test, fatal, __FILE__, __LINE__, fmt, ##__VA_ARGS__); \
	} while (0)
#define __KSHIM_KUNIT_BINARY(test, fatal, a, op, b)                            \
	do {                                                                   \
		long long __ka = (long long)(a), __kb = (long long)(b);        \
		__KSHIM_KUNIT_CHECK(test, fatal, __ka op __kb,                 \
				    "Expected " #a " " #op " " #b ", but " #a " == %lld (0x%llx), " #b " == %lld (0x%llx)", \
				    __ka, __ka, __kb, __kb);                   \
	} while (0)

#define KUNIT_EXPECT_TRUE(test, c) __KSHIM_KUNIT_CHECK(test, 0, (c), "Expected " #c " to be true, but is false")
#define KUNIT_EXPECT_FALSE(test, c) __KSHIM_KUNIT_CHECK(test, 0, !(c), "Expected " #c " to be false, but is true")
#define KUNIT_ASSERT_TRUE(test, c) __KSHIM_KUNIT_CHECK(test, 1, (c), "Expected " #c " to be true, but is false")
#define KUNIT_ASSERT_FALSE(test, c) __KSHIM_KUNIT_CHECK(test, 1, !(c), "Expected " #c " to be false, but is true")
#define KUNIT_EXPECT_EQ(test, a, b) __KSHIM_KUNIT_BINARY(test, 0, a, ==, b)
#define KUNIT_EXPECT_NE(test, a, b) __KSHIM_KUNIT_BINARY(test, 0, a, !=, b)
#define KUNIT_EXPECT_LT(test, a, b) __KSHIM_KUNIT_BINARY(test, 0, a, <, b)
#define KUNIT_EXPECT_LE(test, a, b) __KSHIM_KUNIT_BINARY(test, 0, a, <=, b)
#define KUNIT_EXPECT_GT(test, a, b) __KSHIM_KUNIT_BINARY(test, 0, a, >, b)
#define KUNIT_EXPECT_GE(test, a, b) __KSHIM_KUNIT_BINARY(test, 0, a, >=, b)
#define KUNIT_ASSERT_EQ(test, a, b) __KSHIM_KUNIT_BINARY(test, 1, a, ==, b)
#define KUNIT_ASSERT_NE(test, a, b) __KSHIM_KUNIT_BINARY(test, 1, a, !=, b)
#define KUNIT_EXPECT_NULL(test, p) __KSHIM_KUNIT_CHECK(test, 0, (p) == NULL, "Expected " #p " to be NULL")
#define KUNIT_EXPECT_NOT_NULL(test, p) __KSHIM_KUNIT_CHECK(test, 0, (p) != NULL, "Expected " #p " not to be NULL")
#define KUNIT_ASSERT_NOT_NULL(test, p) __KSHIM_KUNIT_CHECK(test, 1, (p) != NULL, "Expected " #p " not to be NULL")
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p) __KSHIM_KUNIT_CHECK(test, 1, !IS_ERR_OR_NULL(p), "Expected " #p " not to be an error or NULL")
#define KUNIT_EXPECT_MEMEQ(test, a, b, size) \
	__KSHIM_KUNIT_CHECK(test, 0, __builtin_memcmp((a), (b), (size)) == 0, "Expected " #a " == " #b " over " #size " bytes, but they differ")
#define KUNIT_FAIL(test, fmt, ...) kshim_kunit_fail(test, 0, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#endif
