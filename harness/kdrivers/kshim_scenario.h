/* SPDX-License-Identifier: MIT */
/*
 * Scenario drivers: harness C code that calls a tree's real functions with
 * fake devices and domains, for code paths no KUnit case covers. Registered
 * in an ELF section and run by name ("smmu-check trace <name>").
 */
#ifndef KSHIM_SCENARIO_H
#define KSHIM_SCENARIO_H

struct kshim_scenario {
	const char *name;
	const char *help;
	int (*run)(void); /* 0 when the kernel code behaved as the driver expected */
};

#define KSHIM_SCENARIO(fn, help_text)                                          \
	static int fn(void);                                                   \
	static const struct kshim_scenario __kshim_scenario_##fn                \
		__attribute__((__used__, __section__("kshim_scenarios"), __aligned__(8))) = \
			{ #fn, help_text, fn };                                \
	static int fn(void)

/* Stops the scenario with a failure message (file:line of the check). */
void kshim_scenario_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((__format__(printf, 3, 4)));
#define KSHIM_CHECK(cond, fmt, ...)                                             \
	do {                                                                   \
		if (!(cond))                                                   \
			kshim_scenario_fail(__FILE__, __LINE__, fmt, ##__VA_ARGS__); \
	} while (0)

/* A formatted note in the trace (a step's name), at the driver's file:line. */
void kshim_scenario_note(const char *file, int line, const char *fmt, ...)
	__attribute__((__format__(printf, 3, 4)));
#define KSHIM_NOTE(fmt, ...) kshim_scenario_note(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

#endif
