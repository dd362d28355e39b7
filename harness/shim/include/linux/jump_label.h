/* SPDX-License-Identifier: MIT */
/*
 * Static keys: a plain flag (no code patching in user space).
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_JUMP_LABEL_H
#define KSHIM_LINUX_JUMP_LABEL_H

struct static_key_false { int enabled; };
struct static_key_true { int enabled; };
#define DEFINE_STATIC_KEY_FALSE(name) struct static_key_false name = { 0 }
#define DEFINE_STATIC_KEY_TRUE(name) struct static_key_true name = { 1 }
#define static_branch_unlikely(k) unlikely((k)->enabled)
#define static_branch_likely(k) likely((k)->enabled)
#define static_branch_enable(k) ((k)->enabled = 1)
#define static_branch_disable(k) ((k)->enabled = 0)

#endif
