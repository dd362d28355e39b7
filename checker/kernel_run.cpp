#include "kernel_run.h"

#include <cctype>

namespace smmu::checker {

namespace {

// "FILE:LINE: message", as the recorder keeps a KUnit failure.
void locate(const std::string &failure, KernelStatus &k) {
  size_t colon = failure.find(':');
  if (colon == std::string::npos || colon == 0) return;
  size_t end = colon + 1;
  while (end < failure.size() && std::isdigit(static_cast<unsigned char>(failure[end]))) ++end;
  if (end == colon + 1 || end >= failure.size() || failure[end] != ':') return;
  k.file = failure.substr(0, colon);
  k.line = std::stoi(failure.substr(colon + 1, end - colon - 1));
}

}  // namespace

KernelStatus kernel_status(const harness::RunResult &run) {
  KernelStatus k;
  k.status = run.status;
  k.complete = run.trace.complete && run.status != harness::RunStatus::Bug && run.status != harness::RunStatus::Skip;
  if (k.passed()) return k;
  const std::vector<std::string> &failures = run.trace.kunit_failures;
  const harness::Event *bug = nullptr;
  for (const auto &e : run.trace.events)
    if (e.kind == harness::EventKind::Bug) {
      bug = &e;
      break;
    }
  std::string more = failures.size() > 1 ? " (and " + std::to_string(failures.size() - 1) + " more)" : "";
  if (!run.died.empty()) {
    // The process died in the tree's code: no trace, nothing judged, and no bad input either.
    k.died = true;
    k.message = "the kernel run died: " + run.died;
    locate(run.died, k);
  } else if (bug) {
    k.message = "kernel BUG at " + bug->loc.file + ":" + std::to_string(bug->loc.line) + ": " + bug->text;
    if (bug->loc.line > 0) {
      k.file = bug->loc.file;
      k.line = bug->loc.line;
    }
    if (!failures.empty()) k.message += ", after an expectation failed: " + failures.front() + more;
  } else if (run.status == harness::RunStatus::Skip) {
    k.message = "the case was skipped";
  } else if (failures.empty()) {
    k.message = k.complete ? "the code reported a failure, with no expectation message"
                           : "the code stopped part way, with no message";
  } else if (k.complete) {
    k.message = "kernel expectation failed: " + failures.front() + more;
    locate(failures.front(), k);
  } else {
    // A failed assertion stops the case: it is the last failure recorded.
    k.message = "kernel assertion failed: " + failures.back();
    locate(failures.back(), k);
    if (failures.size() > 1) k.message += ", after an expectation failed: " + failures.front();
  }
  return k;
}

harness::Trace judgeable_trace(const harness::RunResult &run) {
  harness::Trace t = run.trace;
  if (kernel_status(run).complete) return t;
  int depth = 0;
  size_t open = t.events.size();  // the outermost update not ended
  for (size_t i = 0; i < t.events.size(); ++i) {
    if (t.events[i].kind == harness::EventKind::UpdateBegin && depth++ == 0) open = i;
    if (t.events[i].kind == harness::EventKind::UpdateEnd && depth > 0 && --depth == 0) open = t.events.size();
  }
  t.events.resize(open);
  return t;
}

void apply_kernel_status(const KernelStatus &k, Outcome &outcome, ViolationKind &kind, std::string &reason) {
  if (k.complete || outcome == Outcome::Violation) return;
  if (k.died) {  // no trace came back: nothing was checked
    outcome = Outcome::Unknown;
    kind = ViolationKind::None;
    reason = k.message + ": nothing of the run could be checked";
    return;
  }
  if (outcome == Outcome::Pass) {
    outcome = Outcome::Unknown;
    kind = ViolationKind::None;
    reason = "the kernel code stopped part way (" + k.message +
             "): nothing was found in the part it ran, and the rest was never checked";
    return;
  }
  reason = "the kernel code stopped part way (" + k.message + "); in the part it ran: " + reason;
}

}  // namespace smmu::checker
