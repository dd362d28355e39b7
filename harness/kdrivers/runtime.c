// SPDX-License-Identifier: MIT
/*
 * The slice's runtime: runs KUnit cases, scenario drivers and initcalls that
 * the kernel code and our drivers registered in ELF sections, and turns
 * BUG_ON and failed KUnit assertions into a clean stop of the current run.
 */
#include <kshim.h>
#include <kunit/test.h>

#include "kshim_scenario.h"

/* libc, declared here because the slice is compiled without libc headers. */
int vsnprintf(char *buf, unsigned long size, const char *fmt, va_list ap);

u64 kshim_sysreg_mair_el1 = 0x000000ff440c0400ULL; /* Linux's MAIR_EL1 */
u64 kshim_sysreg_id_aa64mmfr0_el1 = 0x5;          /* PARange: 48 bits */
u64 vabits_actual = 48;

extern struct kunit_suite *__start_kshim_kunit_suites[] __attribute__((weak));
extern struct kunit_suite *__stop_kshim_kunit_suites[] __attribute__((weak));
extern const struct kshim_scenario __start_kshim_scenarios[] __attribute__((weak));
extern const struct kshim_scenario __stop_kshim_scenarios[] __attribute__((weak));
extern const struct kshim_initcall __start_kshim_initcalls[] __attribute__((weak));
extern const struct kshim_initcall __stop_kshim_initcalls[] __attribute__((weak));

static void *jump_buffer[5];
static int jump_armed;
static struct kunit *current_test;
static int scenario_failed;

void kshim_bug_jump(void)
{
	if (jump_armed)
		__builtin_longjmp(jump_buffer, 1);
	__builtin_trap();
}

void kshim_printf(int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kshim_print(level, buf);
}

void kshim_hex_dump(const char *prefix, int rowsize, int groupsize, const void *buf, size_t len)
{
	const u64 *q = buf;
	char line[256];
	for (size_t i = 0; i + 8 <= len; i += 16) {
		int n = 0;
		n += __builtin_snprintf(line + n, sizeof(line) - n, "%s%016llx", prefix, q[i / 8]);
		if (i + 16 <= len)
			n += __builtin_snprintf(line + n, sizeof(line) - n, " %016llx", q[i / 8 + 1]);
		__builtin_snprintf(line + n, sizeof(line) - n, "\n");
		kshim_print(7, line);
	}
}

/* A failed expectation of a KUnit case or a scenario, formatted, to the trace. */
static void format_failure(const char *file, int line, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	kshim_kunit_failure(buf, file, line);
}

void kshim_kunit_fail(struct kunit *test, int fatal, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format_failure(file, line, fmt, ap);
	va_end(ap);
	test->failures++;
	if (fatal)
		kshim_bug_jump();
}

void kshim_scenario_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format_failure(file, line, fmt, ap);
	va_end(ap);
	scenario_failed = 1;
	kshim_bug_jump();
}

void kshim_scenario_note(const char *file, int line, const char *fmt, ...)
{
	char buf[512];
	const char *rel = file ? __builtin_strstr(file, "kdrivers/") : NULL;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Our drivers are named from kdrivers/ on, like kernel files from the tree root. */
	kshim_note(buf, rel ? rel : file, line);
}

/*
 * Runs fn(arg) so that BUG_ON or a fatal assertion returns here. noinline:
 * inlined into kshim_slice_scenario_run's if/else, clang 14 -O1 branched on
 * EFLAGS clobbered around __builtin_setjmp and ran the wrong scenario.
 */
static __attribute__((__noinline__)) int guarded(void (*fn)(void *), void *arg)
{
	jump_armed = 1;
	if (__builtin_setjmp(jump_buffer)) {
		jump_armed = 0;
		return 1;
	}
	fn(arg);
	jump_armed = 0;
	return 0;
}

/* ---- KUnit ---- */

struct kunit_ref {
	struct kunit_suite *suite;
	struct kunit_case *kcase;
};

static int kunit_lookup(int index, struct kunit_ref *ref)
{
	if (!__start_kshim_kunit_suites)
		return 0;
	for (struct kunit_suite **s = __start_kshim_kunit_suites; s < __stop_kshim_kunit_suites; s++)
		for (struct kunit_case *c = (*s)->test_cases; c && c->run_case; c++)
			if (index-- == 0) {
				ref->suite = *s;
				ref->kcase = c;
				return 1;
			}
	return 0;
}

int kshim_slice_kunit_count(void)
{
	struct kunit_ref ref;
	int n = 0;
	while (kunit_lookup(n, &ref))
		n++;
	return n;
}

const char *kshim_slice_kunit_suite(int index)
{
	struct kunit_ref ref;
	return kunit_lookup(index, &ref) ? ref.suite->name : NULL;
}

const char *kshim_slice_kunit_case(int index)
{
	struct kunit_ref ref;
	return kunit_lookup(index, &ref) ? ref.kcase->name : NULL;
}

static struct kunit_suite *initialised[64];
static int n_initialised;

static void run_suite_init(void *arg)
{
	struct kunit_suite *suite = arg;
	if (suite->suite_init && suite->suite_init(suite))
		kshim_kunit_failure("suite_init failed", suite->name, 0);
}

static void run_case(void *arg)
{
	struct kunit_ref *ref = arg;
	if (ref->suite->init && ref->suite->init(current_test))
		kshim_kunit_fail(current_test, 1, ref->suite->name, 0, "init failed");
	ref->kcase->run_case(current_test);
	if (ref->suite->exit)
		ref->suite->exit(current_test);
}

int kshim_slice_kunit_run(int index)
{
	struct kunit_ref ref;
	struct kunit test = { 0 };
	int stopped, seen = 0;

	if (!kunit_lookup(index, &ref))
		return KSHIM_RUN_SKIP;
	/* suite_init runs once per suite, before its first case, as in KUnit. */
	for (int i = 0; i < n_initialised; i++)
		seen |= initialised[i] == ref.suite;
	if (!seen && n_initialised < 64) {
		initialised[n_initialised++] = ref.suite;
		if (guarded(run_suite_init, ref.suite))
			return KSHIM_RUN_BUG;
	}
	test.name = ref.kcase->name;
	current_test = &test;
	stopped = guarded(run_case, &ref);
	current_test = NULL;
	if (stopped)
		return test.failures ? KSHIM_RUN_FAIL_STOPPED : KSHIM_RUN_BUG;
	return test.failures ? KSHIM_RUN_FAIL : KSHIM_RUN_PASS;
}

/* ---- scenarios and initcalls ---- */

static int n_scenarios(void)
{
	return __start_kshim_scenarios ? (int)(__stop_kshim_scenarios - __start_kshim_scenarios) : 0;
}

static int n_initcalls(void)
{
	return __start_kshim_initcalls ? (int)(__stop_kshim_initcalls - __start_kshim_initcalls) : 0;
}

int kshim_slice_scenario_count(void)
{
	return n_scenarios() + n_initcalls();
}

const char *kshim_slice_scenario_name(int index)
{
	if (index < n_scenarios())
		return __start_kshim_scenarios[index].name;
	return __start_kshim_initcalls[index - n_scenarios()].name;
}

const char *kshim_slice_scenario_help(int index)
{
	if (index < n_scenarios())
		return __start_kshim_scenarios[index].help;
	return "the tree's own initcall (a built-in selftest)";
}

static int run_result;

static void run_scenario(void *arg)
{
	const struct kshim_scenario *s = arg;
	run_result = s->run();
}

static void run_initcall(void *arg)
{
	const struct kshim_initcall *c = arg;
	run_result = c->fn();
}

int kshim_slice_scenario_run(int index)
{
	int stopped;
	scenario_failed = 0;
	run_result = 0;
	if (index < 0 || index >= kshim_slice_scenario_count())
		return KSHIM_RUN_SKIP;
	if (index < n_scenarios())
		stopped = guarded(run_scenario, (void *)&__start_kshim_scenarios[index]);
	else
		stopped = guarded(run_initcall, (void *)&__start_kshim_initcalls[index - n_scenarios()]);
	if (stopped)
		return scenario_failed ? KSHIM_RUN_FAIL_STOPPED : KSHIM_RUN_BUG;
	return run_result ? KSHIM_RUN_FAIL : KSHIM_RUN_PASS;
}

/* ---- generated operation sequences (kdrivers/explore_pt.c in the driver glue) ---- */

struct kshim_explore_call {
	const struct kshim_explore_config *cfg;
	const struct kshim_explore_op *ops;
	int n;
};

int kshim_explore_driver(const struct kshim_explore_config *cfg, const struct kshim_explore_op *ops,
			 int n) __attribute__((weak));
int kshim_explore_driver_caps(void) __attribute__((weak));
int kshim_explore_driver_geometry(const struct kshim_explore_config *cfg, kshim_u64 *base,
				  kshim_u64 *pgsizes) __attribute__((weak));

static void run_explore(void *arg)
{
	const struct kshim_explore_call *c = arg;
	run_result = kshim_explore_driver(c->cfg, c->ops, c->n);
}

int kshim_slice_explore_caps(void)
{
	return kshim_explore_driver_caps ? kshim_explore_driver_caps() : -1;
}

int kshim_slice_explore_geometry(const struct kshim_explore_config *cfg, kshim_u64 *base,
				 kshim_u64 *pgsizes)
{
	return kshim_explore_driver_geometry ? kshim_explore_driver_geometry(cfg, base, pgsizes) : -1;
}

int kshim_slice_explore_run(const struct kshim_explore_config *cfg,
			    const struct kshim_explore_op *ops, int n)
{
	struct kshim_explore_call call = { cfg, ops, n };

	if (!kshim_explore_driver)
		return KSHIM_RUN_SKIP;
	scenario_failed = 0;
	run_result = 0;
	if (guarded(run_explore, &call))
		return scenario_failed ? KSHIM_RUN_FAIL_STOPPED : KSHIM_RUN_BUG;
	return run_result ? KSHIM_RUN_FAIL : KSHIM_RUN_PASS;
}
