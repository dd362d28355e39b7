// The SMMU's structure graph (docs/model.md §4, property 4): the SMMU reaches
// structures through pointers (level-1 stream table descriptor -> level-2
// STEs, STE -> CD table or level-1 CD table, level-1 CD -> level-2 CDs, CD ->
// stage-1 tables, STE -> stage-2 tables) and may follow a pointer as soon as
// it can read it. So when a store makes a pointer followable, everything the
// structures it reaches hold (every store since their allocation or
// registration, and the allocation's zeroing) must already be visible to the
// SMMU: ordered before the store by a barrier or a completed CMD_SYNC
// (coherent, nc), cleaned to PoC (cacheable).
#pragma once

#include <string>
#include <vector>

#include "model.h"
#include "trace.h"
#include "verdict.h"

namespace smmu::checker {

// A field condition on the entry holding a pointer: (qword & mask) is one of
// values (negate: none of them). Values are in place, as the tree's macros give them.
struct GraphGuard {
  unsigned qword = 0;
  uint64_t mask = 0;
  std::vector<uint64_t> values;
  bool negate = false;
  bool holds(uint64_t q) const;
};

// One kind of pointer, handed over by the harness from the tree's own macros
// (kshim_slice_graph_edges): an entry of kind `from` (entry_qwords long) names
// a structure of kind `to` at (qword `qword` & mask) while every guard holds.
struct GraphEdge {
  std::string name;
  harness::DescKind from = harness::DescKind::L1Std, to = harness::DescKind::Ste;
  unsigned entry_qwords = 1;
  unsigned qword = 0;
  uint64_t mask = 0;
  std::vector<GraphGuard> guards;
  bool level1() const { return from == harness::DescKind::L1Std || from == harness::DescKind::L1Cd; }
};

struct StructureGraph {
  std::vector<GraphEdge> edges;
  std::vector<std::string> omitted;  // edges the tree's macros cannot express, and why
  // Page-table bits the walker ignores (io-pgtable-arm's ARM_LPAE_PTE_SW_SYNC):
  // a store changing only these need not be visible.
  uint64_t pgtable_software_bits = 0;
};

// The graph restricted to the level-1 descriptors (the sweep/l1 row) or to the others.
StructureGraph level1_edges(const StructureGraph &g);
StructureGraph non_level1_edges(const StructureGraph &g);

struct Publication {
  int pointer_event = -1;        // the store that makes the pointer followable (trace index)
  std::string edge;              // GraphEdge::name
  std::string pointer, table;    // descriptor names: the range holding the pointer, the one it reaches
  unsigned entry = 0;            // the entry of `pointer` (its range may hold several)
  uint64_t target = 0;           // the address it points at
  Outcome outcome = Outcome::Pass;
  ViolationKind kind = ViolationKind::None;
  std::string reason;
  int unordered_event = -1;      // violation: a store (or the allocation) not yet visible
  std::string unordered_in;      // the structure it belongs to (table, or one reached through it)
  std::string path;              // how the SMMU reaches it: "ste0 -> cdtab -> table1"
  uint64_t seen_value = 0, intended_value = 0;  // what the SMMU may read there, and what was written
  bool seen_fresh = false;       // it may read fresh memory (any value; seen/intended_value unused)
  size_t table_stores = 0;       // stores into `table` before the pointer
  size_t reached = 0;            // structures reached from `table` (itself included)
  std::vector<std::string> notes;
};

// Every store in the trace that makes a pointer of `edges` followable to a new
// target. Pointers inside the structures reached are followed with every edge
// of `follow` (default: `edges`), as the CPU holds them at that store.
// A followable pointer to memory no registered range starts at, or to a range
// of another kind than the edge names, is `unknown`: not checked.
std::vector<Publication> check_structure_graph(const harness::Trace &trace, const models::Model &model,
                                               const std::vector<GraphEdge> &edges,
                                               const std::vector<GraphEdge> *follow = nullptr,
                                               uint64_t pgtable_software_bits = 0);

}  // namespace smmu::checker
