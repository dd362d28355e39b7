// The formats of a report: text (the table, then one line per root cause),
// json (every item with its witness; it reads back), junit (a testcase per
// cell), sarif 2.1.0 (a result per cell that does not pass).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cells.h"

namespace smmu::report {

// details: after the table, one line per cell that does not pass rather than
// one per root cause (findings.h).
void write_text(std::ostream &out, const Report &r, const Expectations *expect, bool details = false);
void write_json(std::ostream &out, const Report &r, const Expectations *expect);
void write_junit(std::ostream &out, const Report &r, const Expectations *expect);
void write_sarif(std::ostream &out, const Report &r, const Expectations *expect);
// format: text, json, junit or sarif; throws UserError for another.
void write_report(std::ostream &out, const std::string &format, const Report &r, const Expectations *expect,
                  bool details = false);
void check_format(const std::string &format);
// One line for stderr when the report goes to a file.
std::string summary_line(const Report &r, const Expectations *expect);

// The items of one row as one JSON line, and back (the workers of --jobs).
std::string items_json(const std::vector<ReportItem> &items);
std::vector<ReportItem> parse_items_json(const std::string &text, const std::string &name);

// A report written by write_json; `expect` receives the expectations it was
// gated on, if any. Throws UserError naming `name` on malformed input.
Report read_report(const std::string &text, const std::string &name, Expectations *expect);
// Shards of one plan into one report; throws UserError if they are not the
// shards of one run (other tree, models or options; a shard missing or twice).
Report merge_reports(const std::vector<Report> &shards, const std::vector<std::string> &names);

}  // namespace smmu::report
