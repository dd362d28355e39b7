// The model parameters no check models yet, refused in one place so that every
// check (STE/CD updates, page-table walks, the structure graph) says `unknown`
// alike instead of one of them silently taking a default.
#pragma once

#include <string>

#include "model.h"

namespace smmu::checker {

// Why `model` asks for what the checks cannot decide; "" when they can.
std::string unsupported_parameters(const models::Model &model);

}  // namespace smmu::checker
