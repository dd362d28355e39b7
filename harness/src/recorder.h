// Receives the kshim_* hooks while kernel code runs and turns them into a Trace.
#pragma once

#include "trace.h"

namespace smmu::harness {

// While a RecordingScope is alive, hooks from the slice append to its trace.
// Hooks arriving with no scope still perform their memory effect.
class RecordingScope {
 public:
  explicit RecordingScope(Trace &trace);
  ~RecordingScope();
  RecordingScope(const RecordingScope &) = delete;
  RecordingScope &operator=(const RecordingScope &) = delete;

 private:
  Trace *previous_;
};

// Frees everything kernel code allocated through kshim_alloc and not freed.
void release_kernel_allocations();

}  // namespace smmu::harness
