// SPDX-License-Identifier: MIT
/*
 * The structure graph's edges (kshim_hooks.h, checker/structure_graph.h),
 * built from the tree's own macros. Included at the end of each driver glue
 * (6.9+ and 6.1), after the tree's arm-smmu-v3.h. A macro the tree lacks
 * leaves its edge (or one value of a guard) out, with a line saying so.
 *
 * Level-1 descriptors have no guard here: any new L2Ptr counts, as the
 * publication check always judged them (a descriptor's Span/V only narrows
 * when the SMMU may follow it).
 */

#define KSHIM_GRAPH_MAX_EDGES 8
#define KSHIM_GRAPH_MAX_OMITTED 8
static struct kshim_graph_edge kshim_graph_edge_table[KSHIM_GRAPH_MAX_EDGES];
static const char *kshim_graph_omitted_table[KSHIM_GRAPH_MAX_OMITTED];
static int kshim_graph_nedges, kshim_graph_nomitted;

static struct kshim_graph_edge *kshim_graph_add(const char *name, int from, int to, unsigned entry_qwords,
						unsigned qword, u64 mask)
{
	struct kshim_graph_edge *e;

	BUG_ON(kshim_graph_nedges == KSHIM_GRAPH_MAX_EDGES);
	e = &kshim_graph_edge_table[kshim_graph_nedges++];

	e->name = name;
	e->from = from;
	e->to = to;
	e->entry_qwords = entry_qwords;
	e->qword = qword;
	e->mask = mask;
	return e;
}

static struct kshim_graph_guard *kshim_graph_guard(struct kshim_graph_edge *e, unsigned qword, u64 mask,
						   int negate)
{
	struct kshim_graph_guard *g;

	BUG_ON(e->nguards == KSHIM_GRAPH_MAX_GUARDS);
	g = &e->guards[e->nguards++];

	g->qword = qword;
	g->mask = mask;
	g->negate = negate;
	return g;
}

static void kshim_graph_value(struct kshim_graph_guard *g, u64 v)
{
	BUG_ON(g->nvalues == KSHIM_GRAPH_MAX_VALUES);
	g->values[g->nvalues++] = v;
}

static void kshim_graph_omit(const char *why)
{
	BUG_ON(kshim_graph_nomitted == KSHIM_GRAPH_MAX_OMITTED);
	kshim_graph_omitted_table[kshim_graph_nomitted++] = why;
}

/* STE V=1 and Config one of the values for a stage (qword 0). */
static void kshim_graph_ste_config(struct kshim_graph_edge *e, u64 stage_config)
{
	struct kshim_graph_guard *g;

	kshim_graph_value(kshim_graph_guard(e, 0, STRTAB_STE_0_V, 0), STRTAB_STE_0_V);
	g = kshim_graph_guard(e, 0, STRTAB_STE_0_CFG, 0);
	kshim_graph_value(g, FIELD_PREP(STRTAB_STE_0_CFG, stage_config));
#ifdef STRTAB_STE_0_CFG_NESTED
	kshim_graph_value(g, FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_NESTED));
#endif
}

static void kshim_graph_build(void)
{
	struct kshim_graph_edge *e;

	if (kshim_graph_nedges || kshim_graph_nomitted)
		return;
	/* One 64-bit descriptor per level-1 entry (IHI 0070 §3.3.2, §3.4.3). */
#ifdef STRTAB_L1_DESC_L2PTR_MASK
	kshim_graph_add("L1STD.L2Ptr", KSHIM_DESC_L1STD, KSHIM_DESC_STE, 1, 0, STRTAB_L1_DESC_L2PTR_MASK);
#else
	kshim_graph_omit("L1STD.L2Ptr: the tree defines no STRTAB_L1_DESC_L2PTR_MASK");
#endif
#ifdef CTXDESC_L1_DESC_L2PTR_MASK
	kshim_graph_add("L1CD.L2Ptr", KSHIM_DESC_L1CD, KSHIM_DESC_CD, 1, 0, CTXDESC_L1_DESC_L2PTR_MASK);
#else
	kshim_graph_omit("L1CD.L2Ptr: the tree defines no CTXDESC_L1_DESC_L2PTR_MASK");
#endif

	/* S1ContextPtr: a linear CD table, or the level-1 CD table (S1Fmt). */
#if defined(STRTAB_STE_0_S1CTXPTR_MASK) && defined(STRTAB_STE_0_S1FMT_LINEAR)
	e = kshim_graph_add("STE.S1ContextPtr (linear)", KSHIM_DESC_STE, KSHIM_DESC_CD, STRTAB_STE_DWORDS, 0,
			    STRTAB_STE_0_S1CTXPTR_MASK);
	kshim_graph_ste_config(e, STRTAB_STE_0_CFG_S1_TRANS);
	kshim_graph_value(kshim_graph_guard(e, 0, STRTAB_STE_0_S1FMT, 0),
			  FIELD_PREP(STRTAB_STE_0_S1FMT, STRTAB_STE_0_S1FMT_LINEAR));
	e = kshim_graph_add("STE.S1ContextPtr (2-level)", KSHIM_DESC_STE, KSHIM_DESC_L1CD, STRTAB_STE_DWORDS, 0,
			    STRTAB_STE_0_S1CTXPTR_MASK);
	kshim_graph_ste_config(e, STRTAB_STE_0_CFG_S1_TRANS);
	kshim_graph_value(kshim_graph_guard(e, 0, STRTAB_STE_0_S1FMT, 1),
			  FIELD_PREP(STRTAB_STE_0_S1FMT, STRTAB_STE_0_S1FMT_LINEAR));
#else
	kshim_graph_omit("STE.S1ContextPtr: the tree defines no STRTAB_STE_0_S1CTXPTR_MASK or S1FMT_LINEAR");
#endif

	/* S2TTB in qword 3, guarded by Config in qword 0. */
#ifdef STRTAB_STE_3_S2TTB_MASK
	e = kshim_graph_add("STE.S2TTB", KSHIM_DESC_STE, KSHIM_DESC_PGTABLE, STRTAB_STE_DWORDS, 3,
			    STRTAB_STE_3_S2TTB_MASK);
	kshim_graph_ste_config(e, STRTAB_STE_0_CFG_S2_TRANS);
#else
	kshim_graph_omit("STE.S2TTB: the tree defines no STRTAB_STE_3_S2TTB_MASK");
#endif
#ifndef STRTAB_STE_0_CFG_NESTED
	kshim_graph_omit("STE Config nested (stage 1 and 2): the tree defines no STRTAB_STE_0_CFG_NESTED, "
			 "so an STE with it is followed neither to its CD table nor to its stage-2 tables");
#endif

	/* TTB0 in qword 1, guarded by V and EPD0 in qword 0 (EPD0=1: no TTB0 walks). */
#ifdef CTXDESC_CD_1_TTB0_MASK
	e = kshim_graph_add("CD.TTB0", KSHIM_DESC_CD, KSHIM_DESC_PGTABLE, CTXDESC_CD_DWORDS, 1,
			    CTXDESC_CD_1_TTB0_MASK);
	kshim_graph_value(kshim_graph_guard(e, 0, CTXDESC_CD_0_V, 0), CTXDESC_CD_0_V);
	kshim_graph_value(kshim_graph_guard(e, 0, CTXDESC_CD_0_TCR_EPD0, 1), CTXDESC_CD_0_TCR_EPD0);
#else
	kshim_graph_omit("CD.TTB0: the tree defines no CTXDESC_CD_1_TTB0_MASK");
#endif
	kshim_graph_omit("CD.TTB1: the tree defines no TTB1 field (the driver keeps EPD1 set)");
}

int kshim_slice_graph_edges(const struct kshim_graph_edge **edges)
{
	kshim_graph_build();
	*edges = kshim_graph_edge_table;
	return kshim_graph_nedges;
}

int kshim_slice_graph_omitted(const char *const **why)
{
	kshim_graph_build();
	*why = kshim_graph_omitted_table;
	return kshim_graph_nomitted;
}
