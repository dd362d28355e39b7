// --coverage: what the CLI prints of a coverage slice's counters (the
// harness's SliceCoverage): per slice family, the kernel lines of its root
// functions executed / executable, and per key function the kernel lines
// never executed, as file:line ranges. A summary survives a round trip
// through its JSON, and summaries of shards merge.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "coverage.h"
#include "json_io.h"
#include "profile.h"

namespace smmu::report {

// The root functions of each slice family of a profile, every generation's
// (a tree defines one generation's; the others are absent from it), in the
// profile's order; first "core": the roots of every unit that every family needs.
struct FamilyRoots {
  std::string family;
  std::vector<std::string> roots;
};
std::vector<FamilyRoots> family_roots(const harness::Profile &profile);

// The io-pgtable-arm map/unmap/split path, the range invalidation of both
// generations (6.12's __arm_smmu_tlb_inv_range, 7.x's arm_smmu_domain_inv_range
// and its helpers), the STE/CD writer and the ATC invalidation.
const std::vector<std::string> &key_functions();

struct CoverageSummary {
  std::vector<std::string> key;              // key functions, in order
  std::vector<FamilyRoots> families;         // the slice families and their roots
  std::vector<harness::FunctionCoverage> functions;  // every key function and root, once each

  const harness::FunctionCoverage *find(const std::string &function) const;
  // Lines executed / executable over the present functions of `names`; how many are present.
  struct Lines {
    size_t executed = 0, executable = 0, present = 0;
  };
  Lines lines(const std::vector<std::string> &names) const;
};

// The coverage so far of `key` (key_functions() if empty) and of the roots of
// every family of `profile`.
CoverageSummary coverage_summary(const harness::SliceCoverage &coverage, const harness::Profile &profile,
                                 const std::vector<std::string> &key = {});

// "312/401 (78%)", or "-" with nothing executable.
std::string lines_text(const CoverageSummary::Lines &l);

// The text block: a line per family, then a line per key function with the
// kernel lines it did not execute ("absent from this tree" for one it lacks).
void write_coverage_text(std::ostream &out, const CoverageSummary &s);

// Its JSON object, and back (read_json<CoverageSummary> throws naming a bad member).
void write_coverage_json(json::OStream &j, const CoverageSummary &s);
bool fromJSON(const json::Value &v, CoverageSummary &s, json::Path p);

// Every function of `more` counted into `into` (shards of one run).
void merge_coverage(CoverageSummary &into, const CoverageSummary &more);

}  // namespace smmu::report
