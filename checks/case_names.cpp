#include "case_names.h"

namespace smmu::checks {

std::string short_case_name(const std::string &full) {
  const std::string prefix = "arm_smmu_v3_";
  return full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
}

bool names_case(const std::string &wanted, const std::string &full) {
  if (wanted == full || wanted == short_case_name(full)) return true;
  const size_t slash = wanted.find('/');
  if (slash == std::string::npos) return false;
  const std::string rest = wanted.substr(slash + 1);
  return rest == full || rest == short_case_name(full);
}

}  // namespace smmu::checks
