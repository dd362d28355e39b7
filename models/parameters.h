// The model parameters of docs/model.md §3: their names, the values a model file
// may give them, and how each value sets a field of Model. The parser, the
// composition and `smmu-check models --show` all go through this one table.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model.h"

namespace smmu::models {

struct Parameter {
  const char *name;                 // as written in a model file
  std::vector<const char *> values;  // the valid values, as written
  void (*set)(Model &, std::string_view value);  // value must be one of `values`
  std::string (*get)(const Model &);             // the value as written
};

// In docs/model.md §3 order, which is also the order of a full model file.
const std::vector<Parameter> &parameters();

// nullptr for an unknown name.
const Parameter *find_parameter(std::string_view name);

bool is_valid_value(const Parameter &p, std::string_view value);

// "a, b, c": for messages listing the valid names or values.
std::string parameter_names();
std::string value_list(const Parameter &p);

}  // namespace smmu::models
