/* SPDX-License-Identifier: MIT */
/*
 * Module and export boilerplate, and initcalls, collected in an ELF section
 * that the runtime runs by name.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_MODULE_H
#define KSHIM_LINUX_MODULE_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)

#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_ALIAS(x)
#define MODULE_IMPORT_NS(x)
#define MODULE_DEVICE_TABLE(t, n)
#define MODULE_PARM_DESC(p, d)
#define module_param(name, type, perm)
#define module_param_named(name, value, type, perm)
#define THIS_MODULE ((void *)0)

/* Initcalls are collected in an ELF section; the runtime runs them by name. */
struct kshim_initcall {
	const char *name;
	int (*fn)(void);
};
#define __kshim_initcall(fn, id)                                             \
	static const struct kshim_initcall __PASTE(__kshim_initcall_, id)      \
		__attribute__((__used__, __section__("kshim_initcalls"), __aligned__(8))) = { #fn, fn }
#define subsys_initcall(fn) __kshim_initcall(fn, __COUNTER__)
#define module_init(fn) __kshim_initcall(fn, __COUNTER__)
#define module_exit(fn)
#define late_initcall(fn) __kshim_initcall(fn, __COUNTER__)

#endif
