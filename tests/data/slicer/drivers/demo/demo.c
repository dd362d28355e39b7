// A small C file in kernel style (written for the slicer test, not kernel code).
#include <linux/unused.h>

#define DEMO_SHIFT 4
#define DEMO_STORE_IN_MACRO(p) ((p)[0] = 7)

struct demo_entry {
	unsigned long long q[2];
};

struct demo_unused {
	int x;
};

static int demo_helper(int v)
{
	return v << DEMO_SHIFT;
}

static int demo_not_needed(void)
{
	struct demo_unused u = { 1 };
	return u.x;
}

int demo_issue(int a, int b);

int demo_issue(int a, int b)
{
	return a + b;
}

void demo_write(struct demo_entry *e, unsigned long long *p)
{
	p[1] = demo_helper(3);
	*p |= 1;
	e->q[0] = 5;
	DEMO_STORE_IN_MACRO(p);
	demo_issue(1, 2);
}

void demo_wrapped(struct demo_entry *e)
{
	e->q[1] = 9;
}
