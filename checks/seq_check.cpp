#include "seq_check.h"

#include <filesystem>

#include "kernel_fields.h"
#include "kernel_semantics.h"
#include "pt_seq_layout.h"
#include "model_registry.h"
#include "pt_slice.h"

namespace smmu::checks {

using checker::Outcome;

const SeqChecked &SeqRun::verdict(const std::string &model) const {
  for (const auto &c : checked)
    if (c.model == model) return c;
  throw std::logic_error("no verdict for model " + model);
}

std::string seq_check_name(const harness::Sequence &s) { return std::filesystem::path(s.file).stem().string(); }

std::unique_ptr<SeqRun> read_seq(const std::string &file, const std::vector<models::Model> *models) {
  auto r = std::make_unique<SeqRun>();
  r->seq = harness::read_sequence_file(file);
  auto add = [&r](const models::Model &m) {
    for (const auto &have : r->models)
      if (have.name == m.name) return;
    r->models.push_back(m);
  };
  if (models) {
    for (const auto &m : *models) add(m);
    return r;
  }
  if (r->seq.expectations.empty())
    throw harness::UserError(r->seq.file +
                             ": expected at least one `expect ... under MODEL` line, or --model LIST to check it under");
  for (const auto &x : r->seq.expectations)
    for (const auto &spec : x.models) {
      std::vector<models::Model> ms;
      try {
        ms = models::resolve_models(spec.spec);
      } catch (const models::ModelError &e) {
        throw harness::SeqError(r->seq.file + ":" + std::to_string(spec.line) + ":" + std::to_string(spec.col) +
                                ": expected a model after `under`: " + e.what());
      }
      for (const auto &m : ms) {
        add(m);
        r->expected.push_back({&x, &spec, m.name});
      }
    }
  return r;
}

void SeqChecker::check(SeqRun &r) {
  const harness::Sequence &s = r.seq;
  if (s.kind == harness::DescKind::PgTable) {
    if (!pt_) {
      pt_ = std::make_unique<checker::PtSemantics>(checker::pt_semantics(runner_.slice()));
      if (!pt_->index || !pt_->decode)
        throw harness::UserError(runner_.tree().origin +
                                 ": the slice has no kshim_lpae_decode (io_pgtable_arm_glue.c) to walk a pte with");
    }
    require_pt_layout(s, *pt_);
    r.fields = kernel_fields(runner_);
    for (const auto &m : r.models) {
      checker::Heartbeat beat = heartbeat_for_ ? heartbeat_for_(seq_check_name(s) + " under " + m.name)
                                               : checker::Heartbeat();
      r.pt.push_back(checker::check_pt_trace(s.trace, m, *pt_, &beat));
      r.checked.push_back({m.name, r.pt.back().outcome, r.pt.back().kind});
    }
    return;
  }
  if (!entry_) entry_ = std::make_unique<checker::EntrySemantics>(kernel_semantics(runner_, checker::needs_ir(engine_)));
  r.run.suite = "seq";
  r.run.name = seq_check_name(s);
  r.run.status = harness::RunStatus::Pass;
  r.run.trace = s.trace;
  r.rows = check_runs({r.run}, r.models, *entry_, engine_, checker::CheckOptions{});
  for (auto &row : r.rows) {
    row.trace = &r.run.trace;  // check_runs pointed at its argument's copy
    row.kernel_ran = false;     // a written sequence: no kernel code ran
    r.checked.push_back({row.model, row.verdict.outcome, row.verdict.kind});
  }
}

bool holds(const SeqExpected &e, const SeqChecked &c) {
  if (e.x->outcome != to_string(c.outcome)) return false;
  return e.x->kind.empty() || e.x->kind == to_string(c.kind);
}

std::string answer(const SeqChecked &c) {
  return std::string(to_string(c.outcome)) + (c.outcome == Outcome::Violation ? std::string(" ") + to_string(c.kind) : "");
}

std::string expectation_text(const harness::SeqExpectation &x, const std::string &model) {
  return "expect " + x.outcome + (x.kind.empty() ? "" : " " + x.kind) + " under " + model;
}

SeqTally tally(const std::vector<std::unique_ptr<SeqRun>> &runs) {
  SeqTally t;
  for (const auto &r : runs) {
    t.rows += static_cast<int>(r->checked.size());
    for (const auto &c : r->checked) t.rows_failed += c.outcome != Outcome::Pass;
    for (const auto &e : r->expected) (holds(e, r->verdict(e.model)) ? t.hold : t.fail)++;
  }
  return t;
}

}  // namespace smmu::checks
