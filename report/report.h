// The report of `smmu-check kernel` and `smmu-check merge`: every verdict of
// every check under every model. The formats (formats.h) write it; its JSON
// reads back, so that shards run on different machines merge into the report
// one machine would have printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coverage_summary.h"

namespace smmu::report {

// A place in the kernel: a trace event's file:line, or a lint finding's.
struct SourceRef {
  std::string file;  // relative to the tree root
  int line = 0, column = 0;
  int event = 0;     // the trace event, numbered as 'smmu-check trace' does; 0: none
  std::string text;  // what happens there
};

// One verdict: one item of a check (a KUnit case, a sweep pair, a publication,
// a pt scenario, a lint finding) under one model.
struct ReportItem {
  size_t row = 0;        // the check's index in the plan (shards keep it)
  std::string check;     // the table row: kunit/CASE, sweep/ste, sweep/cd, sweep/l1, pt/SCENARIO, lint
  std::string item;      // inside an aggregated row: the pair or publication; "" otherwise
  std::string model;     // a model name; "any" for lint, which no model changes
  std::string verdict;   // pass, violation, unknown, unsupported (the tree lacks what it needs), or warning (lint)
  std::string kind;      // violation: torn, misordered, stale; warning: the lint check
  std::string reason;    // one line
  std::string engine;    // explicit, z3, explicit+z3, walker, publication, lint
  double seconds = 0;
  std::vector<std::string> notes;
  bool entry = false;    // an STE/CD update check: the next five fields apply
  int syncs = 0, updates = 0;
  bool hitless = true;
  uint64_t explored = 0, unique = 0;
  bool pt = false;       // a page-table walk check: the next four fields apply
  uint64_t iovas = 0, ops = 0, walks = 0;
  bool tlb = false;
  std::vector<SourceRef> locations;  // in the tree; the first is where the finding points
  std::vector<SourceRef> trace;      // the CPU events the witness is made of
  std::string witness_json;          // the structured witness (a JSON object), or ""
  std::string witness_text;          // the witness as 'smmu-check kunit/pt/sweep' print it
  // The kernel code's own run (a KUnit case, a scenario driver), reported
  // beside the verdict, which it never replaces (checker/kernel_run.h): ""
  // where no kernel code ran (lint, a row not checked), else pass, fail (its
  // KUnit expectations or checks), skip or bug; whether it ran to its end;
  // why not, with the first failure's kernel file:line.
  std::string kernel_status;
  bool trace_complete = true;
  std::string kernel_message;
  SourceRef kernel_location;         // file "" when the failure names no tree file
  bool kernel_failed() const { return !kernel_status.empty() && (kernel_status != "pass" || !trace_complete); }
  // --baseline (baseline.h): "known" when the item fails as it failed in the
  // baseline report (same verdict, kind and kernel run), "new" when it fails
  // otherwise; "" when it passes or no baseline was given.
  std::string baseline;
  bool fails() const { return verdict != "pass" || kernel_failed(); }
};

// A cell that does not pass in the baseline and passes in this run.
struct FixedCell {
  std::string check, model;
  std::string was;  // the baseline cell's text: "stale", "torn+stale 3/272"
};

struct PlanRow {
  size_t index = 0;
  std::string check;
};

struct Report {
  std::string tree, version;         // "debian 6.12", "6.12.117"
  std::string root;                  // the tree's root directory (SARIF's %SRCROOT%)
  std::vector<std::string> models;   // the table's columns, in order
  std::string engine = "explicit";
  bool clean_at_sync = false;
  std::string only;                  // the --only selection, "" for everything
  size_t plan_rows = 0;              // checks in the whole plan (every shard)
  int shard = 1, shards = 1;         // merged reports: 1/1
  std::vector<PlanRow> rows;         // the checks this report holds, in plan order
  std::vector<ReportItem> items;     // in row order, then model order
  std::vector<std::string> skipped;  // what the tree does not support, and why
  double seconds = 0;                // wall time
  // --coverage: the kernel lines the run executed (all shards' in a merged report).
  std::optional<CoverageSummary> coverage;
  std::string coverage_note;         // --coverage without a summary: why
  // --baseline REPORT.json: its name ("" without one) and its cells this run fixed.
  std::string baseline;
  std::vector<FixedCell> fixed;
};

}  // namespace smmu::report
