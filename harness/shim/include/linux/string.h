/* SPDX-License-Identifier: MIT */
/*
 * String and memory functions as compiler builtins (no libc headers).
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_STRING_H
#define KSHIM_LINUX_STRING_H

#define memset(s, c, n) __builtin_memset((s), (c), (n))
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define strlen(s) __builtin_strlen(s)

#endif
