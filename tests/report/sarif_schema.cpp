#include "sarif_schema.h"

#include <stdexcept>

#include "subprocess.h"

namespace smmu::testing {
namespace {

// Debian's python3, where python3-jsonschema is installed (not a python earlier on PATH).
const char *kPython = "/usr/bin/python3";
const int kUnavailable = 3;  // sarif_schema_check.py's exit status when it cannot validate

harness::ProcessResult run_check(const std::vector<std::string> &files) {
  std::vector<std::string> argv = {kPython, SMMU_SARIF_SCHEMA_CHECK, SMMU_SARIF_SCHEMA};
  argv.insert(argv.end(), files.begin(), files.end());
  return harness::run_process(argv);
}

}  // namespace

std::string sarif_validator_missing() {
  harness::ProcessResult r = run_check({});
  if (r.status == 0) return "";
  if (r.status == kUnavailable) return r.output.substr(0, r.output.find_last_not_of('\n') + 1);
  return std::string("the SARIF schema check (") + kPython + " " + SMMU_SARIF_SCHEMA_CHECK +
         ") did not run: " + r.output.substr(0, 2000);
}

SchemaCheck check_sarif_schema(const std::vector<std::string> &files) {
  harness::ProcessResult r = run_check(files);
  if (r.status != 0 && r.status != 1)
    throw std::runtime_error("the SARIF schema check failed (exit " + std::to_string(r.status) + "): " +
                             r.output.substr(0, 2000));
  return {r.status == 0, r.output};
}

}  // namespace smmu::testing
