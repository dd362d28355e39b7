// --baseline REPORT.json: a run's findings against an earlier report of
// 'smmu-check kernel --format json' (the base tree of a patch under review),
// so that only what the change brings in gates. Items are matched by name
// (check, item, model): a baseline of another tree, or of other models, works.
#pragma once

#include <string>

#include "report.h"

namespace smmu::report {

// The baseline at `name` read from its text; bad input (harness::UserError)
// naming it and what was expected when it is not a kernel report's JSON.
Report read_baseline(const std::string &text, const std::string &name);

// Marks each item of `r` that fails (ReportItem::fails) "known" when the
// baseline's item of the same name failed the same way (verdict, kind, kernel
// run), else "new"; records the baseline's name and the cells that fail in
// it and pass in `r` (Report::fixed). A lint warning is matched by its file,
// check, source line and message rather than its line number, which an edit
// above it moves.
void apply_baseline(Report &r, const Report &base, const std::string &name);

}  // namespace smmu::report
