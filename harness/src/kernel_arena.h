// The memory kernel code allocates during a run (tables, descriptors, the
// driver's structures) comes from one region at a fixed address, handed out
// in order and reset after each run. Addresses, which become descriptor
// contents and appear in witnesses, are then the same on every run of the
// same case, in any process, whatever the address-space layout.
#pragma once

#include <cstddef>

namespace smmu::harness {

// Aligned, never null while the region has room; nullptr once it is full
// (the caller falls back to the C heap, losing only determinism).
void *arena_alloc(std::size_t size, std::size_t align);

// Forgets every allocation: the next run gets the same addresses again.
void arena_reset();

}  // namespace smmu::harness
