/* SPDX-License-Identifier: MIT */
/*
 * What the driver reads of the CPU: arm64 system registers and features (the
 * SVA CD), set by the harness, and time (the command queue replacement never
 * polls).
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_ARCH_H
#define KSHIM_ARCH_H

extern u64 kshim_sysreg_mair_el1;
extern u64 kshim_sysreg_id_aa64mmfr0_el1;
extern u64 vabits_actual;
#ifndef VA_BITS
#define VA_BITS 48 /* CONFIG_ARM64_VA_BITS, Debian's arm64 config */
#endif
#define read_sysreg(r) kshim_sysreg_##r
#define SYS_ID_AA64MMFR0_EL1 0
#define ID_AA64MMFR0_EL1_PARANGE_SHIFT 0
#define read_sanitised_ftr_reg(id) kshim_sysreg_id_aa64mmfr0_el1
/* CPU features the 7.x SVA CD checks: a CPU without HAFT, POE and GCS. */
#define system_supports_haft() false
#define system_supports_poe() false
#define system_supports_gcs() false
static inline unsigned int cpuid_feature_extract_unsigned_field(u64 features, int field)
{
	return (features >> field) & 0xf;
}

/* ---- time: the command queue replacement never polls ---- */
#define ktime_get() ((ktime_t)0)
#define ktime_add_us(t, us) ((t) + (us) * 1000)
#define ktime_compare(a, b) ((a) < (b) ? -1 : (a) > (b))
#define udelay(us) do { } while (0)
#define cpu_relax() do { } while (0)
#define wfe() do { } while (0)
#define sev() do { } while (0)

#endif
