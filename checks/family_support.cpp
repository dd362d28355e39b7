#include "family_support.h"

#include <algorithm>

namespace smmu::checks {

const std::vector<FamilyRow> &family_rows() {
  // The production-path scenarios (ste/cd/tlbi/pt_*) run on domains with the
  // driver's flush ops, so pt/pt_* needs the writer path as well.
  static const std::vector<FamilyRow> rows = {
      {"kunit", "kunit", {"kunit"}},
      {"sweep/ste", "sweep", {"sweep"}},
      {"sweep/cd", "sweep", {"sweep"}},
      {"sweep/l1", "sweep", {"l1", "sweep", "pt-smmu"}},
      // The proof's counterexample replays through the production writer (sweep_random.c).
      {"prove/ste", "prove", {"sweep"}},
      {"prove/cd", "prove", {"sweep"}},
      {"pt/pt_*", "pt", {"pt-smmu", "invalidation", "sweep"}},
  };
  return rows;
}

std::string unsupported_reason(const std::string &row,
                               const std::map<std::string, std::vector<std::string>> &unsupported) {
  for (const auto &r : family_rows()) {
    if (r.row != row) continue;
    std::string reason;
    for (const auto &f : r.slice_families) {
      auto it = unsupported.find(f);
      if (it == unsupported.end()) continue;
      std::string names;
      for (const auto &n : it->second) names += (names.empty() ? "" : ", ") + n;
      reason += (reason.empty() ? "the tree does not define " : "; nor ") + names + " (family " + f + ")";
    }
    return reason;
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> family_status(const harness::SliceBuild &build) {
  std::vector<std::string> names;
  auto add = [&](const std::string &f) {
    if (!f.empty() && std::find(names.begin(), names.end(), f) == names.end()) names.push_back(f);
  };
  for (const auto &u : build.profile.units) {
    add(u.family);
    for (const auto &f : u.families) add(f.family);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto &f : names) {
    auto it = build.unsupported.find(f);
    std::string lacks;
    if (it != build.unsupported.end())
      for (const auto &n : it->second) lacks += (lacks.empty() ? "lacks " : ", ") + n;
    out.emplace_back(f, lacks);
  }
  return out;
}

}  // namespace smmu::checks
