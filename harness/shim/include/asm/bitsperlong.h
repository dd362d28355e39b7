/* SPDX-License-Identifier: MIT */
/*
 * Word sizes of arm64 (and of the x86-64 host).
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_ASM_BITSPERLONG_H
#define KSHIM_ASM_BITSPERLONG_H

#define BITS_PER_LONG 64
#define BITS_PER_LONG_LONG 64
#define __BITS_PER_LONG 64
#define __BITS_PER_LONG_LONG 64
#define BITS_PER_BYTE 8

#endif
