// smmu-check list: the KUnit cases and scenarios a tree provides.
#include <iostream>

#include "commands.h"
#include "options.h"

namespace smmu::cli {

int cmd_list(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options(), "list");
  if (a.has("help")) {
    std::cout << "usage: smmu-check list (--debian SERIES | --src DIR)\n\n"
                 "Lists the runnable KUnit cases and scenario drivers of a tree, for\n"
                 "'smmu-check trace'.\n\n"
              << kKernelOptionsHelp;
    return 0;
  }
  auto runner = open_kernel(a);
  CoverageAtEnd coverage(a, *runner);  // --coverage
  for (const auto &c : runner->kunit_cases()) std::cout << "kunit     " << c.name << "\n";
  for (const auto &c : runner->scenarios())
    std::cout << "scenario  " << c.name << (c.help.empty() ? "" : "  -- " + c.help) << "\n";
  return 0;
}

}  // namespace smmu::cli
