// A proposed sequence (.seq, docs/seq.md) checked as the kernel's own code is:
// the models it is checked under (--model, else those its expectations
// name), one verdict per model (the writer's checks for an STE/CD, the walker
// for a PTE), and each expectation judged against them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "check_run.h"
#include "field_map.h"
#include "heartbeat.h"
#include "kernel_runner.h"
#include "model.h"
#include "pt_check.h"
#include "seq_parser.h"

namespace smmu::checks {

// One model an expectation names, and the expectation.
struct SeqExpected {
  const harness::SeqExpectation *x = nullptr;
  const harness::SeqExpectation::Model *spec = nullptr;
  std::string model;  // the resolved model's name
};

struct SeqChecked {
  std::string model;
  checker::Outcome outcome = checker::Outcome::Unknown;
  checker::ViolationKind kind = checker::ViolationKind::None;
};

struct SeqRun {
  harness::Sequence seq;
  std::vector<models::Model> models;  // distinct, in the order first named
  std::vector<SeqExpected> expected;
  harness::RunResult run;             // STE/CD: what check_runs takes
  std::vector<CheckRow> rows;         // STE/CD
  std::vector<checker::PtVerdict> pt; // PTE, one per model
  checker::FieldMapPtr fields;        // PTE: the tree's names for its bits
  std::vector<SeqChecked> checked;    // one per model

  const SeqChecked &verdict(const std::string &model) const;
};

// The file read and its models resolved, before any kernel work: `models`
// (--model) when given, else every model its expectations name. Bad input
// (SeqError, UserError) names FILE:LINE:COL.
std::unique_ptr<SeqRun> read_seq(const std::string &file, const std::vector<models::Model> *models);

// The name a sequence's rows carry: its file's stem.
std::string seq_check_name(const harness::Sequence &s);

// Checks sequences against one tree, deriving its semantics once.
class SeqChecker {
 public:
  using HeartbeatFor = std::function<checker::Heartbeat(const std::string &what)>;
  SeqChecker(const harness::KernelRunner &runner, checker::EngineChoice engine, HeartbeatFor heartbeat_for = {})
      : runner_(runner), engine_(engine), heartbeat_for_(std::move(heartbeat_for)) {}
  void check(SeqRun &r);

 private:
  const harness::KernelRunner &runner_;
  checker::EngineChoice engine_;
  HeartbeatFor heartbeat_for_;
  std::unique_ptr<checker::EntrySemantics> entry_;
  std::unique_ptr<checker::PtSemantics> pt_;
};

// Whether the checker's answer is what the expectation says.
bool holds(const SeqExpected &e, const SeqChecked &c);
// "violation torn", "pass".
std::string answer(const SeqChecked &c);
// "expect violation torn under cacheable-byte".
std::string expectation_text(const harness::SeqExpectation &x, const std::string &model);

struct SeqTally {
  int hold = 0, fail = 0;     // expectations
  int rows = 0, rows_failed = 0;
};
SeqTally tally(const std::vector<std::unique_ptr<SeqRun>> &runs);

}  // namespace smmu::checks
