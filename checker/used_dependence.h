// Which bits of an entry the tree's get_used reads: a bit is determining when
// flipping it can change used(e) for some entry e. Derived from the tree's own
// IR with Z3 (never listed by hand). used(e) is then a function of e's
// determining bits alone: two entries that agree on them are joined by a chain
// of single flips of other bits, none of which changes used.
#pragma once

#include <string>

#include "entry_semantics.h"

namespace smmu::checker {

struct UsedDependence {
  // Per qword, the determining bits, at byte resolution: a byte is marked when
  // one of its bits is determining, or when the solver could not decide
  // (a superset is sound: used is still a function of the marked bits).
  Entry bits{};
  std::string error;  // non-empty: not derived (no IR, IR not modelled)
};

// Cached per (IR, function): the derivation runs once per tree and kind, and
// once per slice with semantics.derived_cache set (a file named by a hash of
// the IR, the function and the timeout, so a changed IR derives anew).
UsedDependence used_dependence(const EntrySemantics &semantics, harness::DescKind kind,
                               unsigned timeout_ms = 10000);

}  // namespace smmu::checker
