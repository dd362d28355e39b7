/* SPDX-License-Identifier: MIT */
/*
 * Type limits and checked sizes, written for smmu-check: the tree's bits.h
 * (7.x GENMASK_TYPE) builds masks from type_max, and its allocators size
 * objects with size_mul/struct_size. The shim's sizes never overflow.
 */
#ifndef KSHIM_LINUX_OVERFLOW_H
#define KSHIM_LINUX_OVERFLOW_H

#include <kshim.h>

/* The largest value of t's type: all ones, less the sign bit if it is signed. */
#define __kshim_type_max(T) \
	((T)(is_signed_type(T) ? (T)(~0ULL >> (65 - 8 * sizeof(T))) : (T)~(T)0))
#define type_max(t) __kshim_type_max(typeof(t))
#define type_min(t) ((typeof(t))(is_signed_type(typeof(t)) ? -type_max(t) - 1 : 0))
#define size_mul(a, b) ((size_t)(a) * (size_t)(b))
#define size_add(a, b) ((size_t)(a) + (size_t)(b))
#define struct_size(p, member, n) (sizeof(*(p)) + (n) * sizeof((p)->member[0]))
#define struct_size_t(T, member, n) (sizeof(T) + (n) * sizeof(((T *)0)->member[0]))

#endif
