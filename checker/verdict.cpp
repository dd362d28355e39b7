#include "verdict.h"

namespace smmu::checker {

const char *to_string(Outcome o) {
  switch (o) {
    case Outcome::Pass: return "pass";
    case Outcome::Violation: return "violation";
    case Outcome::Unknown: return "unknown";
  }
  return "?";
}

const char *to_string(ViolationKind k) {
  switch (k) {
    case ViolationKind::None: return "-";
    case ViolationKind::Torn: return "torn";
    case ViolationKind::Misordered: return "misordered";
    case ViolationKind::Stale: return "stale";
  }
  return "?";
}

}  // namespace smmu::checker
