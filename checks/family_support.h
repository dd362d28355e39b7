// Which rows of `smmu-check kernel` each slice family feeds, so a tree that
// lacks a family's functions gets `unsupported` rows naming them, and every
// other row still runs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "slice_build.h"

namespace smmu::checks {

struct FamilyRow {
  std::string row;                         // kunit, sweep/ste, sweep/cd, sweep/l1, prove/ste, prove/cd, pt/pt_*
  std::string family;                      // the table family: kunit, sweep, prove, pt
  std::vector<std::string> slice_families;  // the harness families the row needs
};

// Every row that depends on a slice family, in table order.
const std::vector<FamilyRow> &family_rows();

// For `row`, why it cannot run on a slice whose unsupported families are
// `unsupported` ("the tree does not define a, b (family pt-smmu)"); "" when it can.
std::string unsupported_reason(const std::string &row,
                               const std::map<std::string, std::vector<std::string>> &unsupported);

// Every family the build's profile declares, with "" when the tree supports it
// or the functions (or files) it lacks.
std::vector<std::pair<std::string, std::string>> family_status(const harness::SliceBuild &build);

}  // namespace smmu::checks
