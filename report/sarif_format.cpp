#include <llvm/Support/raw_os_ostream.h>

#include <algorithm>
#include <set>

#include "formats.h"
#include "json_io.h"

namespace smmu::report {

namespace {

// SARIF's message and shortDescription objects: {"text": ...}.
void message(json::OStream &j, const std::string &text, llvm::StringRef key = "message") {
  j.attributeObject(key, [&] { j.attribute("text", text); });
}

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

// The tree root as a file: URI ending in '/', as SARIF's originalUriBaseIds
// wants it: the path percent-encoded (a space is no URI character), keeping
// RFC 3986's unreserved characters and the '/' separators.
std::string directory_uri(std::string dir) {
  if (dir.back() != '/') dir += '/';
  std::string uri = "file://";
  const char *hex = "0123456789ABCDEF";
  for (unsigned char ch : dir) {
    bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '/';
    if (plain) uri += static_cast<char>(ch);
    else uri += {'%', hex[ch >> 4], hex[ch & 15]};
  }
  return uri;
}

void write_location(json::OStream &j, const SourceRef &l, int id) {
  j.objectBegin();
  if (id >= 0) j.attribute("id", id);
  j.attributeObject("physicalLocation", [&] {
    j.attributeObject("artifactLocation", [&] {
      j.attribute("uri", l.file);
      j.attribute("uriBaseId", "%SRCROOT%");
    });
    // SARIF's lines count from 1: a location known only by its file has no region.
    if (l.line > 0)
      j.attributeObject("region", [&] {
        j.attribute("startLine", l.line);
        if (l.column > 0) j.attribute("startColumn", l.column);
      });
  });
  if (!l.text.empty()) message(j, (l.event ? "event " + std::to_string(l.event) + ": " : "") + l.text);
  j.objectEnd();
}

struct Result {
  std::string rule, level, message, check, model, item;
  const ReportItem *it;
  size_t items, not_pass;
  bool kernel = false;  // the kernel run's own failure: located at it->kernel_location
  bool known = false;   // --baseline: it fails as in the baseline
};

void write_result(json::OStream &j, const Result &x, const std::vector<std::string> &rules, bool baseline) {
  j.objectBegin();
  j.attribute("ruleId", x.rule);
  j.attribute("ruleIndex", static_cast<int64_t>(std::find(rules.begin(), rules.end(), x.rule) - rules.begin()));
  j.attribute("level", x.level);
  // --baseline: SARIF's own marker, so code scanning shows only what is new.
  if (baseline) j.attribute("baselineState", x.known ? "unchanged" : "new");
  message(j, x.message);
  j.attributeArray("locations", [&] {
    if (x.kernel) {
      if (!x.it->kernel_location.file.empty()) write_location(j, x.it->kernel_location, -1);
    } else if (!x.it->locations.empty() && !x.it->locations[0].file.empty()) {
      write_location(j, x.it->locations[0], -1);
    }
  });
  j.attributeArray("relatedLocations", [&] {
    for (size_t k = 1; !x.kernel && k < x.it->locations.size(); ++k)
      if (!x.it->locations[k].file.empty()) write_location(j, x.it->locations[k], static_cast<int>(k));
  });
  j.attributeObject("partialFingerprints", [&] {
    j.attribute("smmuCheckCell/v1", x.check + "|" + x.model + "|" + x.rule +
                                        (x.rule == x.it->kind && x.it->verdict == "warning" ? "|" + x.item : ""));
  });
  j.attributeObject("properties", [&] {
    j.attribute("check", x.check);
    j.attribute("model", x.model);
    j.attribute("item", x.item);
    j.attribute("items", static_cast<uint64_t>(x.items));
    j.attribute("not_pass", static_cast<uint64_t>(x.not_pass));
    j.attribute("required", x.level == "error");
    if (baseline) j.attribute("baseline", x.known ? "known" : "new");
  });
  j.objectEnd();
}

}  // namespace

void write_sarif(std::ostream &out, const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
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

  llvm::raw_os_ostream os(out);
  json::OStream j(os);
  j.objectBegin();
  j.attribute("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  j.attribute("version", "2.1.0");
  j.attributeBegin("runs");
  j.arrayBegin();
  j.objectBegin();
  j.attributeObject("tool", [&] {
    j.attributeObject("driver", [&] {
      j.attribute("name", "smmu-check");
      j.attribute("fullName", "smmu-check kernel");
      j.attributeArray("rules", [&] {
        for (const auto &id : rules)
          j.object([&] {
            j.attribute("id", id);
            message(j, rule_text(id), "shortDescription");
          });
      });
    });
  });
  // Without a root (a report read from JSON that lacks one) %SRCROOT% stays for the viewer to resolve.
  if (!r.root.empty())
    j.attributeObject("originalUriBaseIds", [&] {
      j.attributeObject("%SRCROOT%", [&] { j.attribute("uri", directory_uri(r.root)); });
    });
  j.attributeObject("properties", [&] {
    j.attribute("tree", r.tree);
    j.attribute("version", r.version);
    j.attribute("expect", expect ? expect->file : std::string());
  });
  j.attributeArray("results", [&] {
    for (const auto &x : results) write_result(j, x, rules, !r.baseline.empty());
  });
  j.objectEnd();
  j.arrayEnd();
  j.attributeEnd();
  j.objectEnd();
  os << "\n";
}

}  // namespace smmu::report
