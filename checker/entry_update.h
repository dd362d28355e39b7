// One STE/CD update as the checker sees it: the initial and target entry and
// the CPU's stores split into epochs by the syncs that end them (docs/model.md §2).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "trace.h"

namespace smmu::checker {

constexpr int kEntryQwords = 8;
using Entry = std::array<uint64_t, kEntryQwords>;

// A CPU action inside an update that can change what the SMMU sees.
struct EntryEvent {
  enum class Kind { Store, Barrier, Clean } kind = Kind::Store;
  int trace_index = -1;            // index into Trace::events, for reports
  unsigned offset = 0, size = 8;   // bytes within the entry (Store, Clean)
  uint64_t value = 0;              // Store: the value written to [offset, offset+size)
  harness::StoreKind store = harness::StoreKind::Once;
};

// The stores between two epoch boundaries, and the CPU's view at each end.
struct Epoch {
  Entry start{}, end{};
  std::vector<EntryEvent> events;
  int sync_trace_index = -1;       // the event that ended it; -1 for the final epoch
};

struct EntryUpdate {
  harness::DescKind kind = harness::DescKind::Ste;
  std::string descriptor;          // e.g. "ste0"
  std::string label;               // the trace's note just before the update, if any
  Entry initial{}, target{};
  // Epoch 0 runs from the update's start to the first sync; the last epoch
  // starts at the last sync and never ends (publication, docs/model.md §4.3).
  std::vector<Epoch> epochs;
  int syncs = 0;
  // Sync ops with no command in the trace (the KUnit test's record_syncs)
  // stand for the production CFGI + CMD_SYNC; noted in every report.
  bool abstract_syncs = false;
  std::string problem;             // non-empty: the update cannot be judged (why)
};

// Every arm_smmu_write_entry call recorded in the trace, in order.
std::vector<EntryUpdate> extract_entry_updates(const harness::Trace &trace);

}  // namespace smmu::checker
