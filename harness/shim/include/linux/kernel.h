/* SPDX-License-Identifier: MIT */
/*
 * Arithmetic helpers: min/max, alignment, rounding, word halves.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_KERNEL_H
#define KSHIM_LINUX_KERNEL_H

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

#endif
