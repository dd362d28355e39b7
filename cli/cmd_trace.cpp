// smmu-check trace: the CPU side of one run, event by event.
#include <iostream>

#include "commands.h"
#include "options.h"
#include "trace_print.h"

namespace smmu::cli {

namespace {
const char *kHelp =
    "usage: smmu-check trace (--debian SERIES | --src DIR) CASE [--timeout SECONDS]\n\n"
    "Runs one KUnit case or scenario of the tree and prints every event the SMMU\n"
    "could observe, in program order, with the kernel file:line it came from:\n"
    "stores into fetchable descriptors (WRITE_ONCE, plain, rmw) with their values,\n"
    "barriers with the arm64 instruction they stand for, cache maintenance to PoC,\n"
    "and each command queue entry decoded (CFGI_STE sid/leaf, TLBI_* with\n"
    "ASID/VMID/range, CMD_SYNC). 'smmu-check list' shows the case names.\n\n";
}

int cmd_trace(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"timeout"}), "trace");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp << timeout_help("case")
              << "\nexample:\n  smmu-check trace --debian 6.12 arm_smmu_v3_write_ste_test_bypass_to_abort\n";
    return 0;
  }
  if (a.positional.size() != 1)
    throw harness::UserError("expects exactly one CASE name (see 'smmu-check list')");
  const int timeout = parse_timeout(a);
  auto runner = open_kernel(a);
  runner->set_timeout(timeout);
  CoverageAtEnd coverage(a, *runner);  // --coverage
  harness::RunnableCase c = find_case(*runner, a.positional[0]);
  harness::RunResult r = runner->run(c);
  std::cout << "# " << (c.kunit ? "KUnit case " : "scenario ") << c.name << " on "
            << runner->tree().origin << " (" << runner->tree().version << "): "
            << harness::to_string(r.status) << "\n";
  harness::print_trace(std::cout, r.trace);
  for (const auto &f : r.trace.kunit_failures) std::cout << "# EXPECTATION FAILED at " << f << "\n";
  if (!r.died.empty()) std::cout << "# the kernel run died: " << r.died << "\n";
  else if (!r.trace.complete) std::cout << "# the run stopped part way: the events above are a prefix of it\n";
  for (const auto &l : r.trace.log)
    if (!l.empty()) std::cout << "# kernel: " << l << (l.back() == '\n' ? "" : "\n");
  return r.status == harness::RunStatus::Pass ? 0 : 1;
}

}  // namespace smmu::cli
