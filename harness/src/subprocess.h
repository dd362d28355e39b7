// Runs a command without a shell and captures its combined output.
#pragma once

#include <string>
#include <vector>

namespace smmu::harness {

struct ProcessResult {
  int status = -1;  // exit status, or -1 if it could not run or was killed
  std::string output;
};

// `cwd`: the directory the command runs in ("" = ours).
ProcessResult run_process(const std::vector<std::string> &argv, const std::string &cwd = "");

}  // namespace smmu::harness
