#include "formats.h"

#include "kernel_tree.h"

namespace smmu::report {

using harness::UserError;

void check_format(const std::string &format) {
  if (format != "text" && format != "json" && format != "junit" && format != "sarif")
    throw UserError("--format expects text, json, junit or sarif, got '" + format + "'");
}

void write_report(std::ostream &out, const std::string &format, const Report &r, const Expectations *expect,
                  bool details) {
  check_format(format);
  if (format == "text") write_text(out, r, expect, details);
  else if (format == "json") write_json(out, r, expect);
  else if (format == "junit") write_junit(out, r, expect);
  else write_sarif(out, r, expect);
}

}  // namespace smmu::report
