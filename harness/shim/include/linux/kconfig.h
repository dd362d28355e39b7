/* SPDX-License-Identifier: MIT */
/*
 * IS_ENABLED() and friends over the -DCONFIG_* options the profile defines
 * (the kernel build force-includes its kconfig.h; the shim is the prelude).
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_KCONFIG_H
#define KSHIM_LINUX_KCONFIG_H

#define __ARG_PLACEHOLDER_1 0,
#define __kshim_take_second_arg(__ignored, val, ...) val
#define __kshim_is_defined(x) ___kshim_is_defined(x)
#define ___kshim_is_defined(val) ____kshim_is_defined(__ARG_PLACEHOLDER_##val)
#define ____kshim_is_defined(arg1_or_junk) __kshim_take_second_arg(arg1_or_junk 1, 0)
#define IS_BUILTIN(option) __kshim_is_defined(option)
#define IS_MODULE(option) 0
#define IS_REACHABLE(option) IS_BUILTIN(option)
#define IS_ENABLED(option) IS_BUILTIN(option)

#endif
