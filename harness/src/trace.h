// The record of one run of kernel code: descriptor ranges and events in program order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "event.h"

namespace smmu::harness {

struct Trace {
  std::vector<DescRange> descs;
  std::vector<Event> events;
  std::vector<std::string> kunit_failures;  // "file:line: message"
  std::vector<std::string> log;             // printk output
  // false: the run stopped part way (BUG_ON, a failed assertion, a skipped
  // case), so the events are only a prefix of what the code would have done.
  bool complete = true;

  // The live descriptor holding [addr, addr+size), if any.
  std::optional<int> find_desc(uint64_t addr, uint64_t size) const;
  size_t count(EventKind k) const;
};

}  // namespace smmu::harness
