// Receives the kshim_* hooks while kernel code runs and turns them into a Trace.
#pragma once

#include "trace.h"

namespace smmu::harness {

// Bugs seeded into the running kernel code rather than into its trace, so
// that the code's own checks (KUnit's sync count) see them too.
struct LiveFaults {
  int drop_sync = 0;  // the k-th sync the STE/CD writer calls (from 1) never happens; 0: none
};

// While a RecordingScope is alive, hooks from the slice append to its trace.
// Hooks arriving with no scope still perform their memory effect.
class RecordingScope {
 public:
  explicit RecordingScope(Trace &trace, const LiveFaults &faults = {});
  ~RecordingScope();
  // Whether every fault asked for was seeded (the run reached the k-th sync).
  bool seeded() const;
  RecordingScope(const RecordingScope &) = delete;
  RecordingScope &operator=(const RecordingScope &) = delete;

 private:
  Trace *previous_;
  LiveFaults previous_faults_;
};

// Called with each event as it is appended (kind and loc set, the rest not
// yet): how a child run (child_run.h) keeps its progress where the parent can
// read it after a crash. nullptr (the default) for none.
using EventObserver = void (*)(const Trace &trace, const Event &e);
void set_event_observer(EventObserver observer);

// Frees everything kernel code allocated through kshim_alloc and not freed.
void release_kernel_allocations();

}  // namespace smmu::harness
