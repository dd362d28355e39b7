// --expect FILE: the cells a CI gate requires to pass.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace smmu::report {

// Lines "pass CHECK-GLOB MODEL-GLOB[,MODEL-GLOB...]", '#' comments.
struct Expectation {
  int line = 0;
  std::string check;
  std::vector<std::string> models;
};
struct Expectations {
  std::string file;
  std::vector<Expectation> lines;
  // A cell must pass if a line's check glob matches it and one of its model
  // globs matches the model; a model-independent cell (lint) whatever the model.
  bool requires_pass(const std::string &check, const std::string &model) const;
};
// Throws harness::UserError "FILE:LINE:COL: expected ...".
Expectations parse_expectations(const std::string &text, const std::string &file);
Expectations read_expectations(const std::filesystem::path &file);

}  // namespace smmu::report
