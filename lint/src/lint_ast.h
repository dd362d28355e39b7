// lint's side in the Clang tool process (smmu-clang): parse with libclang-cpp
// and run the registered checks. Only that process links it; the rest of
// smmu-check reaches it through lint_request()/lint_tree() (lint.h).
#pragma once

#include <vector>

#include "lint.h"
#include "lint_wire.h"

namespace smmu::lint {

// Every registered check, in registration order.
std::vector<CheckInfo> registered_checks();

// Parses request.file as the slicer does and runs the checks `filter` enables;
// appends to `out` (see lint_request()). Throws harness::UserError if the file
// cannot be read.
void lint_parsed(const harness::SliceRequest &request, const CheckFilter &filter, LintResult &out);

// lint_parsed() on each request of the job, in order.
LintResult run_lint_job(const LintJob &job);

}  // namespace smmu::lint
