/* SPDX-License-Identifier: MIT */
/*
 * Symbols a KUnit test reaches: every slice function is visible anyway.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_KUNIT_VISIBILITY_H
#define KSHIM_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(sym)
#define VISIBLE_IF_KUNIT

#endif
