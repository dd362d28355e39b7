/* Prelude for lint_demo.c (the lint test's own code): the few kernel types and
 * macros it uses. WRITE_ONCE is the kernel's shape: a volatile store. */
typedef unsigned long long u64;
typedef u64 __le64;
typedef u64 arm_lpae_iopte;
#define WRITE_ONCE(x, val) (*(volatile typeof(x) *)&(x) = (val))
void *memset(void *s, int c, unsigned long n);
void *kzalloc(unsigned long size, unsigned int gfp);

struct arm_smmu_ste {
	__le64 data[8];
};
