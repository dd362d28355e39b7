#include "entry_semantics.h"

#include <stdexcept>

namespace smmu::checker {

Entry EntrySemantics::used(harness::DescKind kind, const Entry &e) const {
  const UsedFn &fn = kind == harness::DescKind::Cd ? cd_used : ste_used;
  if (!fn) throw std::logic_error("no get_used function for this descriptor kind");
  Entry u{};  // callers of get_used zero the array first (arm_smmu_entry_qword_diff)
  fn(e.data(), u.data());
  return u;
}

Entry EntrySemantics::meaning(harness::DescKind kind, const Entry &e) const {
  Entry u = used(kind, e);
  for (int i = 0; i < kEntryQwords; ++i) u[i] &= e[i];
  return u;
}

}  // namespace smmu::checker
