// What tells coverage steering (explore --steer) that a sequence was worth
// keeping: its run executed a kernel line, or took a branch side, of the
// functions under test that no earlier run of this process had. Read from the
// slice's own coverage counters (harness/src/coverage.h); judges nothing.
#pragma once

#include <string>
#include <vector>

#include "coverage.h"

namespace smmu::explore {

class CoverageGain {
 public:
  CoverageGain(const harness::SliceCoverage &coverage, std::vector<std::string> functions);
  // Whether the runs since the previous call added lines or branch sides.
  bool operator()();
  const harness::CoverageReport &so_far() const { return last_; }

 private:
  const harness::SliceCoverage &coverage_;
  std::vector<std::string> functions_;
  harness::CoverageReport last_;
};

}  // namespace smmu::explore
