#include "coverage_gain.h"

namespace smmu::explore {

CoverageGain::CoverageGain(const harness::SliceCoverage &coverage, std::vector<std::string> functions)
    : coverage_(coverage), functions_(std::move(functions)), last_(coverage_.report(functions_)) {}

bool CoverageGain::operator()() {
  harness::CoverageReport now = coverage_.report(functions_);
  const bool gained = !harness::coverage_added(last_, now).empty();
  last_ = std::move(now);
  return gained;
}

}  // namespace smmu::explore
