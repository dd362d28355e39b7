// One name per case everywhere: the table prints a KUnit case by its short
// name under its family ("kunit/write_ste_test_abort_to_bypass"), and every
// command that takes a case name accepts that, the short name or the tree's
// full name ("arm_smmu_v3_write_ste_test_abort_to_bypass").
#pragma once

#include <string>

namespace smmu::checks {

// The tree's case name without the KUnit suite's "arm_smmu_v3_" prefix.
std::string short_case_name(const std::string &full);

// Whether `wanted` names the case `full`: the full name, the short name, or
// either after a family ("kunit/", "pt/", "writer/", ...).
bool names_case(const std::string &wanted, const std::string &full);

}  // namespace smmu::checks
