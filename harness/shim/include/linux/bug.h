/* SPDX-License-Identifier: MIT */
/*
 * WARN and BUG: a warning is recorded with its file:line; a BUG stops the
 * running case, as it would stop the kernel thread.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_BUG_H
#define KSHIM_LINUX_BUG_H

void kshim_bug_jump(void) __noreturn; /* leaves the running case (runtime.c) */

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

#endif
