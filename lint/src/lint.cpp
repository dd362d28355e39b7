#include "lint.h"

#include <fnmatch.h>

#include <algorithm>
#include <iterator>
#include <system_error>

#include "clang_tool.h"
#include "lint_wire.h"
#include "slice_build.h"
#include "temp_dir.h"

namespace fs = std::filesystem;

namespace smmu::lint {

using harness::UserError;

namespace json = llvm::json;

namespace {

LintResult lint_in_clang_tool(const LintJob &job) {
  json::Value answer = harness::run_clang_tool("lint", to_json(job));
  LintResult result;
  json::Path::Root root("lint");
  if (!fromJSON(answer, result, root))
    throw UserError(harness::clang_tool_path().string() + " lint answered a malformed result");
  return result;
}

}  // namespace

std::vector<CheckInfo> available_checks() {
  json::Value answer = harness::run_clang_tool("lint-checks", json::Object{});
  std::vector<CheckInfo> checks;
  json::Path::Root root("lint-checks");
  if (!json::fromJSON(answer, checks, root))
    throw UserError(harness::clang_tool_path().string() + " lint-checks answered a malformed list");
  return checks;
}

CheckFilter::CheckFilter(std::string spec) : spec_(std::move(spec)) {}

bool CheckFilter::enabled(const std::string &check) const {
  bool on = false;
  size_t start = 0;
  while (start <= spec_.size()) {
    size_t end = spec_.find(',', start);
    if (end == std::string::npos) end = spec_.size();
    std::string glob = spec_.substr(start, end - start);
    glob.erase(0, glob.find_first_not_of(" \t"));
    glob.erase(glob.find_last_not_of(" \t") + 1);
    bool negative = !glob.empty() && glob[0] == '-';
    if (negative) glob.erase(0, 1);
    if (!glob.empty() && fnmatch(glob.c_str(), check.c_str(), 0) == 0) on = !negative;
    start = end + 1;
  }
  return on;
}

const std::vector<std::string> &linted_files() {
  static const std::vector<std::string> files = {
      "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c",
      "drivers/iommu/io-pgtable-arm.c",
  };
  return files;
}

void append(LintResult &into, LintResult from) {
  auto move_all = [](auto &to, auto &v) {
    to.insert(to.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
  };
  move_all(into.findings, from.findings);
  move_all(into.files, from.files);
  move_all(into.not_checked, from.not_checked);
  move_all(into.parse_errors, from.parse_errors);
  move_all(into.unparsed, from.unparsed);
  std::vector<Finding> &v = into.findings;
  std::stable_sort(v.begin(), v.end(), [](const Finding &a, const Finding &b) {
    return std::tie(a.where.file, a.where.line, a.where.column, a.check) <
           std::tie(b.where.file, b.where.line, b.where.column, b.check);
  });
}

void lint_request(const harness::SliceRequest &request, const CheckFilter &filter, LintResult &out) {
  if (!fs::is_regular_file(request.tree_root / request.file))
    throw UserError((request.tree_root / request.file).string() + ": not found");
  append(out, lint_in_clang_tool({{request}, filter.spec()}));
}

LintResult lint_tree(const harness::KernelTree &tree, const CheckFilter &filter) {
  harness::Profile profile = harness::profile_for(tree);
  LintResult result;
  harness::TempDir realinc("smmu-check-lint");
  harness::stage_real_headers(tree, profile, realinc.path());
  LintJob job{{}, filter.spec()};
  for (const auto &file : linted_files()) {
    if (!fs::is_regular_file(tree.root / file))
      throw UserError((tree.root / file).string() + ": not found in the kernel tree");
    // Parse each file with the prelude of the harness unit that slices it.
    auto unit = std::find_if(profile.units.begin(), profile.units.end(),
                             [&](const harness::UnitSpec &u) { return u.file == file; });
    if (unit == profile.units.end())
      throw std::logic_error("profile " + profile.name + " has no unit for " + file);
    job.requests.push_back(harness::unit_slice_request(tree, profile, *unit, realinc.path()));
  }
  append(result, lint_in_clang_tool(job));
  return result;
}

}  // namespace smmu::lint
