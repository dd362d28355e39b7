// Validates SARIF files against the published SARIF 2.1.0 JSON schema (OASIS's
// file, as Debian's librust-serde-sarif-dev ships it; scripts/fetch-sarif-schema
// puts it in the build directory) with Debian's python3-jsonschema.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace smmu::testing {

struct SchemaCheck {
  bool valid = false;
  std::string errors;  // one line per violation: "FILE: /json/path: what"
};

// "" when the schema and its validator are there, else what is missing.
std::string sarif_validator_missing();

// Throws std::runtime_error when the validator is missing or breaks.
SchemaCheck check_sarif_schema(const std::vector<std::string> &files);

}  // namespace smmu::testing

// Skips the test when the schema or validator is missing; fails it after
// scripts/test, whose scripts/setup and scripts/fetch-sarif-schema provide them.
#define SMMU_REQUIRE_SARIF_SCHEMA()                                                                      \
  do {                                                                                                   \
    const std::string why_ = smmu::testing::sarif_validator_missing();                                   \
    if (!why_.empty() && std::getenv("SMMU_CHECK_SETUP_DONE"))                                           \
      FAIL() << why_ << " (scripts/test runs scripts/setup and scripts/fetch-sarif-schema, which provide it)"; \
    if (!why_.empty()) GTEST_SKIP() << why_;                                                             \
  } while (0)
