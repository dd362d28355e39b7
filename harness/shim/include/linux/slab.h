/* SPDX-License-Identifier: MIT */
/*
 * Object allocators, through kshim_alloc with the caller's file:line.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_SLAB_H
#define KSHIM_LINUX_SLAB_H

#define KSHIM_ALLOC(size, align, gfp) \
	kshim_alloc((size), (align), !!((gfp) & __GFP_ZERO), __FILE__, __LINE__)
#define kmalloc(size, gfp) KSHIM_ALLOC(size, 16, gfp)
#define kzalloc(size, gfp) KSHIM_ALLOC(size, 16, (gfp) | __GFP_ZERO)
#define kmalloc_array(n, size, gfp) KSHIM_ALLOC((n) * (size), 16, gfp)
#define kcalloc(n, size, gfp) KSHIM_ALLOC((n) * (size), 16, (gfp) | __GFP_ZERO)
#define kzalloc_node(size, gfp, node) kzalloc(size, gfp)
#define kfree(p) kshim_free((p), __FILE__, __LINE__)
#define kvfree(p) kfree(p)
/* Typed allocators (7.x): the object's type, an optional gfp (ignored). */
#define kmalloc_obj(P, ...) ((typeof(P) *)kmalloc(sizeof(typeof(P)), GFP_KERNEL))
#define kzalloc_obj(P, ...) ((typeof(P) *)kzalloc(sizeof(typeof(P)), GFP_KERNEL))
#define kzalloc_objs(P, n, ...) ((typeof(P) *)kcalloc((n), sizeof(typeof(P)), GFP_KERNEL))
#define kzalloc_flex(P, fam, n, ...) \
	((typeof(P) *)kzalloc(sizeof(typeof(P)) + (n) * sizeof(((typeof(P) *)0)->fam[0]), GFP_KERNEL))
#define devm_kzalloc(dev, size, gfp) kzalloc(size, gfp)
#define devm_kcalloc(dev, n, size, gfp) kcalloc(n, size, gfp)
#define devm_kfree(dev, p) kfree(p)

#endif
