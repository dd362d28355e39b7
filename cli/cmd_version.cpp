// smmu-check --version: the tool's version and the LLVM and Z3 it was built
// with, the facts a bug report about a verdict needs.
#include <iostream>

#include <llvm/Config/llvm-config.h>
#include <z3_version.h>

#include "commands.h"
#include "kernel_tree.h"

namespace smmu::cli {

int cmd_version(const std::vector<std::string> &args) {
  if (!args.empty())
    throw harness::UserError("version takes no arguments, got '" + args[0] + "'");
  std::cout << "smmu-check " << SMMU_CHECK_VERSION << "\n"
            << "LLVM " << LLVM_VERSION_STRING << "\n"
            << "Z3 " << Z3_FULL_VERSION << "\n";
  return 0;
}

}  // namespace smmu::cli
