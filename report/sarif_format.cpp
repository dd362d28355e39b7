#include <algorithm>
#include <set>

#include "formats.h"
#include "json_writer.h"

namespace smmu::report {

namespace {

const char *rule_text(const std::string &id) {
  if (id == "torn") return "An SMMU fetch can see bytes of two different stores in one descriptor.";
  if (id == "misordered")
    return "An SMMU fetch can see a store before one it depends on (a barrier or sync is missing).";
  if (id == "stale")
    return "An SMMU fetch or cached entry can still see a value the update replaced (a clean, sync or "
           "invalidation is missing or too narrow).";
  if (id == "unknown") return "smmu-check could not decide this check (a bound, a solver timeout, unsupported code).";
  if (id == "unsupported") return "The tree lacks a function this check runs (a check family it does not support).";
  if (id == "kernel-run")
    return "The kernel code's own run failed its checks (a KUnit expectation or assertion) or stopped part way "
           "(BUG_ON); its trace is still judged under each model, and reported separately.";
  return "A store into live descriptor memory that is not single-copy atomic.";
}

void write_location(JsonWriter &j, const SourceRef &l, int id) {
  j.begin_object();
  if (id >= 0) j.key("id").value(id);
  j.key("physicalLocation").begin_object();
  j.key("artifactLocation").begin_object().key("uri").value(l.file).key("uriBaseId").value("%SRCROOT%").end_object();
  j.key("region").begin_object().key("startLine").value(l.line);
  if (l.column > 0) j.key("startColumn").value(l.column);
  j.end_object();
  j.end_object();
  if (!l.text.empty())
    j.key("message").begin_object().key("text").value((l.event ? "event " + std::to_string(l.event) + ": " : "") + l.text).end_object();
  j.end_object();
}

}  // namespace

void write_sarif(std::ostream &out, const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
  struct Result {
    std::string rule, level, message, check, model, item;
    const ReportItem *it;
    size_t items, not_pass;
    bool kernel = false;  // the kernel run's own failure: located at it->kernel_location
    bool known = false;   // --baseline: it fails as in the baseline
  };
  std::vector<Result> results;
  std::set<std::string> kernel_said;  // one result per check whose kernel run failed
  for (const auto &c : cells) {
    if (c.ok()) continue;
    if (c.first_kernel && kernel_said.insert(c.check).second) {
      // Model-independent: an error if any cell of the row is required.
      bool required = std::any_of(cells.begin(), cells.end(), [&](const Cell &x) {
        return x.check == c.check && x.gates() && x.kernel_failed;
      });
      const ReportItem &k = *c.first_kernel;
      results.push_back({"kernel-run", required ? "error" : "note",
                         c.check + ": kernel " + kernel_text(k) + ": " + k.kernel_message, c.check, "any", "", &k,
                         c.items, c.kernel_failed, true, k.baseline == "known"});
    }
    if (!c.not_pass) continue;
    if (c.verdict == "unsupported" && !c.required) continue;  // about the tree, not a finding in it
    std::string level = c.gates() ? "error" : "note";
    if (c.verdict != "warning") {
      const ReportItem &it = *c.first;
      std::string rule = it.verdict == "violation"     ? it.kind
                         : it.verdict == "unsupported" ? "unsupported"
                                                       : "unknown";
      std::string msg = c.check + " under " + c.model + ": " + verdict_text(c) + ": " +
                        (c.items > 1 ? it.item + ": " : "") + it.reason;
      results.push_back({rule, level, msg, c.check, c.model, it.item, &it, c.items, c.not_pass, false, c.known});
    }
    // Lint: one result per finding, also in a cell that a file not checked makes unknown.
    for (const auto &it : r.items)
      if (it.check == c.check && it.verdict == "warning")
        results.push_back({it.kind, it.baseline == "known" ? "note" : level, it.reason, c.check, c.model, it.item, &it, 1,
                           1, false, it.baseline == "known"});
  }
  std::vector<std::string> rules;
  for (const auto &x : results)
    if (std::find(rules.begin(), rules.end(), x.rule) == rules.end()) rules.push_back(x.rule);

  JsonWriter j(out);
  j.begin_object();
  j.key("$schema").value("https://json.schemastore.org/sarif-2.1.0.json").key("version").value("2.1.0");
  j.key("runs").begin_array().begin_object();
  j.key("tool").begin_object().key("driver").begin_object();
  j.key("name").value("smmu-check").key("fullName").value("smmu-check kernel");
  j.key("rules").begin_array();
  for (const auto &id : rules) {
    j.begin_object().key("id").value(id);
    j.key("shortDescription").begin_object().key("text").value(rule_text(id)).end_object();
    j.end_object();
  }
  j.end_array();
  j.end_object().end_object();
  std::string root = r.root;
  if (!root.empty() && root.back() != '/') root += '/';
  j.key("originalUriBaseIds").begin_object().key("%SRCROOT%").begin_object();
  j.key("uri").value("file://" + root).end_object().end_object();
  j.key("properties").begin_object().key("tree").value(r.tree).key("version").value(r.version);
  j.key("expect").value(expect ? expect->file : std::string()).end_object();
  j.key("results").begin_array();
  for (const auto &x : results) {
    j.begin_object();
    j.key("ruleId").value(x.rule).key("ruleIndex").value(static_cast<int64_t>(
        std::find(rules.begin(), rules.end(), x.rule) - rules.begin()));
    j.key("level").value(x.level);
    // --baseline: SARIF's own marker, so code scanning shows only what is new.
    if (!r.baseline.empty()) j.key("baselineState").value(x.known ? "unchanged" : "new");
    j.key("message").begin_object().key("text").value(x.message).end_object();
    j.key("locations").begin_array();
    if (x.kernel) {
      if (!x.it->kernel_location.file.empty()) write_location(j, x.it->kernel_location, -1);
    } else if (!x.it->locations.empty() && !x.it->locations[0].file.empty()) {
      write_location(j, x.it->locations[0], -1);
    }
    j.end_array();
    j.key("relatedLocations").begin_array();
    for (size_t k = 1; !x.kernel && k < x.it->locations.size(); ++k)
      if (!x.it->locations[k].file.empty()) write_location(j, x.it->locations[k], static_cast<int>(k));
    j.end_array();
    j.key("partialFingerprints").begin_object();
    j.key("smmuCheckCell/v1").value(x.check + "|" + x.model + "|" + x.rule + (x.rule == x.it->kind && x.it->verdict == "warning" ? "|" + x.item : ""));
    j.end_object();
    j.key("properties").begin_object().key("check").value(x.check).key("model").value(x.model);
    j.key("item").value(x.item).key("items").value(static_cast<uint64_t>(x.items));
    j.key("not_pass").value(static_cast<uint64_t>(x.not_pass)).key("required").value(x.level == "error");
    if (!r.baseline.empty()) j.key("baseline").value(x.known ? "known" : "new");
    j.end_object();
    j.end_object();
  }
  j.end_array();
  j.end_object().end_array();
  j.end_object();
  out << "\n";
}

}  // namespace smmu::report
