// smmu-check --version: the tool's version and the LLVM and Z3 it was built
// with; with a tree, also the tree's version and the slice's content hash,
// the facts a bug report about a verdict needs.
#include <iostream>

#include <llvm/Config/llvm-config.h>
#include <z3_version.h>

#include "commands.h"
#include "kernel_tree.h"
#include "options.h"

namespace smmu::cli {

namespace {
const char *kHelp =
    "usage: smmu-check version [--debian SERIES | --src DIR]   (also --version)\n\n"
    "Prints the tool's version and the LLVM and Z3 it was built with. With a\n"
    "kernel tree, also the tree's version and the hash of its slice (every\n"
    "input of the build: the tree's files used, the shim, the slicer), the\n"
    "three facts that identify a verdict.\n\n";
}

int cmd_version(const std::vector<std::string> &args) {
  Args a = parse(args, kernel_options(), "version");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp;
    return 0;
  }
  if (!a.positional.empty())
    throw harness::UserError("version takes no arguments, got '" + a.positional[0] + "'");
  std::cout << "smmu-check " << SMMU_CHECK_VERSION << "\n"
            << "LLVM " << LLVM_VERSION_STRING << "\n"
            << "Z3 " << Z3_FULL_VERSION << "\n";
  if (a.has("debian") || a.has("src")) {
    auto runner = open_kernel(a);
    std::cout << "tree " << runner->tree().origin << " " << runner->tree().version << "\n"
              << "slice " << runner->build().key << "\n";
  }
  return 0;
}

}  // namespace smmu::cli
