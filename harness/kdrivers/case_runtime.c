// SPDX-License-Identifier: MIT
/*
 * Linked into every proposed-sequence case (smmu-check pt --case FILE.c):
 * exports the KSHIM_CASE entry points of the "kshim_cases" section as the
 * kshim_slice_scenario_* entry points of kshim_hooks.h, so a case runs
 * exactly like a scenario driver. Compiled like the case: against
 * harness/include only, no kernel code, no libc.
 */
#include "kshim_case.h"

extern const struct kshim_case __start_kshim_cases[] __attribute__((weak));
extern const struct kshim_case __stop_kshim_cases[] __attribute__((weak));

/* Static: calls between the exports never bind to another loaded object's. */
static int case_count(void)
{
	return __start_kshim_cases ? (int)(__stop_kshim_cases - __start_kshim_cases) : 0;
}

int kshim_slice_scenario_count(void)
{
	return case_count();
}

const char *kshim_slice_scenario_name(int index)
{
	return index >= 0 && index < case_count() ? __start_kshim_cases[index].name : 0;
}

const char *kshim_slice_scenario_help(int index)
{
	return index >= 0 && index < case_count() ? __start_kshim_cases[index].help : 0;
}

int kshim_slice_scenario_run(int index)
{
	if (index < 0 || index >= case_count())
		return KSHIM_RUN_BUG;
	return __start_kshim_cases[index].run() ? KSHIM_RUN_FAIL : KSHIM_RUN_PASS;
}
