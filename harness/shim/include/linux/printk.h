/* SPDX-License-Identifier: MIT */
/*
 * The kernel's messages (printk, pr_*, dev_*, hex dumps), all through
 * kshim_printf, which the runtime prints or drops by level.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_LINUX_PRINTK_H
#define KSHIM_LINUX_PRINTK_H

void kshim_printf(int level, const char *fmt, ...) __printf(2, 3);

#define KERN_ERR "<3>"
#define KERN_WARNING "<4>"
#define KERN_INFO "<6>"
#define KERN_DEBUG "<7>"
#define pr_fmt(fmt) fmt
#define printk(fmt, ...) kshim_printf(6, fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...) kshim_printf(3, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) kshim_printf(4, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) kshim_printf(6, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) kshim_printf(7, fmt, ##__VA_ARGS__)
#define pr_err_ratelimited pr_err
#define pr_warn_once pr_warn
#define pr_info_once pr_info
#define dev_err(dev, fmt, ...) kshim_printf(3, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) kshim_printf(4, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) kshim_printf(6, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) kshim_printf(7, fmt, ##__VA_ARGS__)
#define dev_notice dev_info
#define dev_warn_once dev_warn
#define dev_err_once dev_err
#define dev_err_ratelimited dev_err
#define dev_warn_ratelimited dev_warn
#define dev_info_ratelimited dev_info
#define DUMP_PREFIX_NONE 0
#define DUMP_PREFIX_ADDRESS 1
#define DUMP_PREFIX_OFFSET 2
void kshim_hex_dump(const char *prefix, int rowsize, int groupsize, const void *buf, size_t len);
#define print_hex_dump_debug(prefix, type, rowsize, groupsize, buf, len, ascii) \
	kshim_hex_dump(prefix, rowsize, groupsize, buf, len)
#define print_hex_dump(level, prefix, type, rowsize, groupsize, buf, len, ascii) \
	kshim_hex_dump(prefix, rowsize, groupsize, buf, len)

#endif
