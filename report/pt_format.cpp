#include "pt_format.h"

#include <llvm/Support/raw_os_ostream.h>

#include <cstdio>
#include <iomanip>
#include <sstream>

#include "json_io.h"
#include "pt_witness_json.h"

namespace smmu::report {

void print_pt_table_header(std::ostream &out) {
  out << std::left << std::setw(30) << "scenario" << std::setw(28) << "model" << std::setw(11) << "verdict"
      << std::setw(12) << "kind" << std::setw(7) << "iovas" << std::setw(5) << "ops" << std::setw(9) << "walks"
      << std::setw(9) << "time" << "kernel\n";
}

void print_pt_table_row(std::ostream &out, const PtRow &row) {
  const checker::PtVerdict &v = row.verdict;
  char time[32];
  std::snprintf(time, sizeof time, "%.1fms", v.seconds * 1e3);
  out << std::left << std::setw(30) << row.run->run.name << std::setw(28) << row.model << std::setw(11)
      << to_string(v.outcome) << std::setw(12) << to_string(v.kind) << std::setw(7) << v.iovas << std::setw(5) << v.ops
      << std::setw(9) << v.walks << std::setw(9) << time << row.kernel.name()
      << (row.kernel.complete ? "" : " (stopped)") << "\n";
}

std::string pt_row_details(const PtRow &row, checker::NotesOnce &notes, const checker::FieldMap *fields) {
  const checker::PtVerdict &v = row.verdict;
  const harness::RunResult &run = row.run->run;
  std::ostringstream d;
  d << to_string(v.outcome)
    << (v.outcome == checker::Outcome::Violation ? std::string(" (") + to_string(v.kind) + ")" : "") << ": "
    << run.name << " under " << row.model << "\n";
  if (!v.reason.empty()) d << "  " << v.reason << "\n";
  if (!row.kernel.passed())
    d << "  " << (row.run->case_file.empty() ? "kernel " : "case ") << row.kernel.name() << ": "
      << row.kernel.message << "\n";
  notes.print(d, v.notes);
  checker::print_pt_warnings(d, run.trace, v.warnings);
  if (v.outcome == checker::Outcome::Violation) checker::print_pt_witness(d, run.trace, v, fields);
  return d.str();
}

// Every field of every verdict, one object per row, then a summary.
void print_pt_json(std::ostream &out, const harness::KernelTree &tree, const std::vector<PtRow> &rows,
                   const checker::FieldMap &fields) {
  llvm::raw_os_ostream os(out);
  json::OStream j(os);
  size_t pass = 0, violation = 0, unknown = 0;
  double seconds = 0;
  j.objectBegin();
  j.attribute("tree", tree.origin);
  j.attribute("version", tree.version);
  size_t kernel_failed = 0, not_pass = 0;
  j.attributeArray("results", [&] {
    for (const PtRow &r : rows) {
      const checker::PtVerdict &v = r.verdict;
      kernel_failed += !r.kernel.passed();
      not_pass += !r.passed();
      pass += v.outcome == checker::Outcome::Pass;
      violation += v.outcome == checker::Outcome::Violation;
      unknown += v.outcome == checker::Outcome::Unknown;
      seconds += v.seconds;
      j.objectBegin();
      j.attribute("scenario", r.run->run.name);
      j.attribute("case_file", r.run->case_file);  // empty: a scenario of the tree
      j.attribute("model", r.model);
      j.attribute("verdict", to_string(v.outcome));
      j.attribute("kind", v.outcome == checker::Outcome::Violation ? to_string(v.kind) : "");
      j.attribute("reason", v.reason);
      j.attribute("iovas", static_cast<uint64_t>(v.iovas));
      j.attribute("ops", static_cast<uint64_t>(v.ops));
      j.attribute("walks", v.walks);
      j.attribute("tlb", v.tlb);  // TLB and walk caches modelled (the run issued TLBIs)
      j.attribute("atc", v.atc);  // and the walks' device has ATS: its ATC is modelled
      number6(j, "seconds", v.seconds);
      // The run's own status, beside the verdict (checker/kernel_run.h).
      j.attribute("kernel_status", r.kernel.name());
      j.attribute("trace_complete", r.kernel.complete);
      j.attribute("kernel_message", r.kernel.message);
      j.attribute("notes", json::Array(v.notes));
      j.attributeArray("warnings", [&] {  // each at the event that wrote what the walker could not judge
        for (const auto &w : v.warnings)
          j.object([&] {
            write_event_ref(j, r.run->run.trace, w.event);
            j.attribute("what", w.text);
          });
      });
      if (v.outcome == checker::Outcome::Violation) {
        j.attributeBegin("witness");
        write_pt_witness(j, r.run->run.trace, v.witness, &fields);
        j.attributeEnd();
      }
      j.objectEnd();
    }
  });
  j.attributeObject("summary", [&] {
    j.attribute("rows", static_cast<uint64_t>(rows.size()));
    j.attribute("passed", static_cast<uint64_t>(pass));
    j.attribute("violations", static_cast<uint64_t>(violation));
    j.attribute("unknown", static_cast<uint64_t>(unknown));
    j.attribute("kernel_failed", static_cast<uint64_t>(kernel_failed));  // rows whose run failed its own checks
    j.attribute("failed", static_cast<uint64_t>(not_pass));  // exit status 1 iff > 0
    number6(j, "seconds", seconds);
  });
  j.objectEnd();
  os << "\n";
}


}  // namespace smmu::report
