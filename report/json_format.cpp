#include <llvm/Support/raw_os_ostream.h>

#include "formats.h"
#include "json_io.h"
#include "kernel_tree.h"

namespace smmu::report {

using harness::UserError;

namespace {

json::Value or_null(bool applies, json::Value v) { return applies ? std::move(v) : json::Value(nullptr); }

void write_ref(json::OStream &j, const SourceRef &s) {
  j.object([&] {
    j.attribute("file", s.file);
    j.attribute("line", s.line);
    j.attribute("column", s.column);
    j.attribute("event", s.event);
    j.attribute("text", s.text);
  });
}

void write_item(json::OStream &j, const ReportItem &it) {
  j.objectBegin();
  j.attribute("row", static_cast<uint64_t>(it.row));
  j.attribute("check", it.check);
  j.attribute("item", it.item);
  j.attribute("model", it.model);
  j.attribute("verdict", it.verdict);
  j.attribute("kind", it.kind);
  j.attribute("reason", it.reason);
  // The figures of an STE/CD update check; null where they do not apply.
  j.attribute("syncs", or_null(it.entry, it.syncs));
  j.attribute("updates", or_null(it.entry, it.updates));
  j.attribute("hitless", or_null(it.entry, it.hitless));
  j.attribute("explored", or_null(it.entry || it.pt, it.explored));
  j.attribute("unique", or_null(it.entry, it.unique));
  j.attribute("engine", it.engine);
  number6(j, "time_s", it.seconds);
  if (it.pt)
    j.attributeObject("pt", [&] {
      j.attribute("iovas", it.iovas);
      j.attribute("ops", it.ops);
      j.attribute("walks", it.walks);
      j.attribute("tlb", it.tlb);
    });
  else
    j.attribute("pt", nullptr);
  j.attribute("notes", json::Array(it.notes));
  j.attributeArray("locations", [&] {
    for (const auto &l : it.locations) write_ref(j, l);
  });
  j.attributeArray("trace", [&] {
    for (const auto &e : it.trace) write_ref(j, e);
  });
  if (it.witness_json.empty()) j.attribute("witness", nullptr);
  else raw_member(j, "witness", it.witness_json);
  j.attribute("witness_text", it.witness_text);
  // The kernel code's own run, beside the verdict; null where none ran.
  const bool ran = !it.kernel_status.empty();
  j.attribute("kernel_status", or_null(ran, it.kernel_status));
  j.attribute("trace_complete", or_null(ran, it.trace_complete));
  j.attribute("kernel_message", or_null(ran, it.kernel_message));
  if (it.kernel_location.file.empty()) {
    j.attribute("kernel_location", nullptr);
  } else {
    j.attributeBegin("kernel_location");
    write_ref(j, it.kernel_location);
    j.attributeEnd();
  }
  if (!it.baseline.empty()) j.attribute("baseline", it.baseline);  // --baseline: known or new
  j.objectEnd();
}

void write_cell(json::OStream &j, const Cell &c, bool baseline) {
  j.objectBegin();
  j.attribute("check", c.check);
  j.attribute("model", c.model);
  j.attribute("verdict", c.verdict);
  j.attribute("text", c.text());
  j.attribute("items", static_cast<uint64_t>(c.items));
  j.attribute("not_pass", static_cast<uint64_t>(c.not_pass));
  j.attributeObject("kinds", [&] {
    for (const auto &[k, n] : c.kinds) j.attribute(k, n);
  });
  j.attribute("kernel_failed", static_cast<uint64_t>(c.kernel_failed));
  j.attribute("passes", c.ok());
  if (baseline && !c.ok()) j.attribute("baseline", c.known ? "known" : "new");
  j.attribute("required", c.required);
  j.objectEnd();
}

void write_summary(json::OStream &j, const Report &r, const Totals &t) {
  j.attributeObject("summary", [&] {
    j.attribute("checks", static_cast<uint64_t>(r.rows.size()));
    j.attribute("cells", static_cast<uint64_t>(t.cells));
    j.attribute("pass", static_cast<uint64_t>(t.pass));
    j.attribute("violation", static_cast<uint64_t>(t.violation));
    j.attribute("unknown", static_cast<uint64_t>(t.unknown));
    j.attribute("unsupported", static_cast<uint64_t>(t.unsupported));
    j.attribute("warnings", static_cast<uint64_t>(t.warnings));
    j.attribute("kernel_failed", static_cast<uint64_t>(t.kernel_failed));  // checks, not cells
    j.attribute("required", static_cast<uint64_t>(t.required));
    j.attribute("required_failed", static_cast<uint64_t>(t.required_failed));
    if (!r.baseline.empty()) j.attribute("known", static_cast<uint64_t>(t.known));
    j.attribute("status", t.required_failed ? 1 : 0);
  });
}

}  // namespace

// Reading back: what write_json writes, each member checked against its type
// (a bad one is named by its path); absent or null members keep their defaults.
bool fromJSON(const json::Value &v, SourceRef &s, json::Path p) {
  Members m(v, p);
  return m && m.may("file", s.file) && m.may("line", s.line) && m.may("column", s.column) &&
         m.may("event", s.event) && m.may("text", s.text);
}

bool fromJSON(const json::Value &v, ReportItem &it, json::Path p) {
  Members m(v, p);
  if (!m || !m.need("check", it.check) || !m.need("model", it.model) || !m.need("verdict", it.verdict)) return false;
  it.entry = m.get("syncs") != nullptr;
  if (const json::Value *pt = m.get("pt")) {
    Members q(*pt, m.path("pt"));
    it.pt = true;
    if (!q || !q.may("iovas", it.iovas) || !q.may("ops", it.ops) || !q.may("walks", it.walks) || !q.may("tlb", it.tlb))
      return false;
  }
  if (const json::Value *w = m.get("witness")) {  // kept as its text, written back as is
    if (!w->getAsObject()) {
      m.path("witness").report("expected object");
      return false;
    }
    it.witness_json = json_text(*w);
  }
  return m.may("row", it.row) && m.may("item", it.item) && m.may("kind", it.kind) && m.may("reason", it.reason) &&
         m.may("syncs", it.syncs) && m.may("updates", it.updates) && m.may("hitless", it.hitless) &&
         m.may("explored", it.explored) && m.may("unique", it.unique) && m.may("engine", it.engine) &&
         m.may("time_s", it.seconds) && m.may("notes", it.notes) && m.may("locations", it.locations) &&
         m.may("trace", it.trace) && m.may("witness_text", it.witness_text) &&
         m.may("kernel_status", it.kernel_status) && m.may("trace_complete", it.trace_complete) &&
         m.may("kernel_message", it.kernel_message) && m.may("kernel_location", it.kernel_location) &&
         m.may("baseline", it.baseline);
}

bool fromJSON(const json::Value &v, PlanRow &r, json::Path p) {
  Members m(v, p);
  return m && m.may("index", r.index) && m.may("check", r.check);
}

bool fromJSON(const json::Value &v, FixedCell &f, json::Path p) {
  Members m(v, p);
  return m && m.may("check", f.check) && m.may("model", f.model) && m.may("was", f.was);
}

bool fromJSON(const json::Value &v, Expectation &x, json::Path p) {
  Members m(v, p);
  return m && m.may("line", x.line) && m.may("check", x.check) && m.may("models", x.models);
}

bool fromJSON(const json::Value &v, Expectations &e, json::Path p) {
  Members m(v, p);
  return m && m.may("file", e.file) && m.may("lines", e.lines);
}

bool fromJSON(const json::Value &v, Report &r, json::Path p) {
  Members m(v, p);
  if (!m) return false;
  if (const json::Value *s = m.get("shard")) {
    Members q(*s, m.path("shard"));
    if (!q || !q.may("index", r.shard) || !q.may("count", r.shards)) return false;
  }
  if (const json::Value *b = m.get("baseline")) {
    Members q(*b, m.path("baseline"));
    if (!q || !q.may("file", r.baseline) || !q.may("fixed", r.fixed)) return false;
  }
  if (const json::Value *c = m.get("coverage")) {
    r.coverage.emplace();
    if (!fromJSON(*c, *r.coverage, m.path("coverage"))) return false;
  }
  return m.may("tree", r.tree) && m.may("version", r.version) && m.may("root", r.root) &&
         m.may("models", r.models) && m.may("engine", r.engine) && m.may("clean_at_sync", r.clean_at_sync) &&
         m.may("only", r.only) && m.may("plan_rows", r.plan_rows) && m.may("seconds", r.seconds) &&
         m.may("skipped", r.skipped) && m.may("rows", r.rows) && m.may("results", r.items) &&
         m.may("coverage_note", r.coverage_note);
}

void write_json(std::ostream &out, const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
  llvm::raw_os_ostream os(out);
  json::OStream j(os);
  j.objectBegin();
  j.attribute("tool", "smmu-check kernel");
  j.attribute("format_version", 1);
  j.attribute("tree", r.tree);
  j.attribute("version", r.version);
  j.attribute("root", r.root);
  j.attribute("models", json::Array(r.models));
  j.attribute("engine", r.engine);
  j.attribute("clean_at_sync", r.clean_at_sync);
  j.attribute("only", r.only);
  j.attribute("plan_rows", static_cast<uint64_t>(r.plan_rows));
  j.attributeObject("shard", [&] {
    j.attribute("index", r.shard);
    j.attribute("count", r.shards);
  });
  number6(j, "seconds", r.seconds);
  j.attribute("skipped", json::Array(r.skipped));
  j.attributeArray("rows", [&] {
    for (const auto &row : r.rows)
      j.object([&] {
        j.attribute("index", static_cast<uint64_t>(row.index));
        j.attribute("check", row.check);
      });
  });
  if (expect)
    j.attributeObject("expect", [&] {
      j.attribute("file", expect->file);
      j.attributeArray("lines", [&] {
        for (const auto &l : expect->lines)
          j.object([&] {
            j.attribute("line", l.line);
            j.attribute("check", l.check);
            j.attribute("models", json::Array(l.models));
          });
      });
    });
  else
    j.attribute("expect", nullptr);
  j.attributeArray("results", [&] {
    for (const auto &it : r.items) {
      os << "\n";  // one result per line: diffable, and greppable
      write_item(j, it);
    }
  });
  if (r.coverage) {
    j.attributeBegin("coverage");
    write_coverage_json(j, *r.coverage);
    j.attributeEnd();
  } else {
    j.attribute("coverage", nullptr);
  }
  if (!r.coverage_note.empty()) j.attribute("coverage_note", r.coverage_note);
  if (!r.baseline.empty())  // --baseline: the report compared with, and the cells fixed since
    j.attributeObject("baseline", [&] {
      j.attribute("file", r.baseline);
      j.attributeArray("fixed", [&] {
        for (const auto &f : r.fixed)
          j.object([&] {
            j.attribute("check", f.check);
            j.attribute("model", f.model);
            j.attribute("was", f.was);
          });
      });
    });
  j.attributeArray("cells", [&] {
    for (const auto &c : cells) write_cell(j, c, !r.baseline.empty());
  });
  write_summary(j, r, totals(cells));
  j.objectEnd();
  os << "\n";
}

std::string items_json(const std::vector<ReportItem> &items) {
  return json_string([&](json::OStream &j) {
    j.array([&] {
      for (const auto &it : items) write_item(j, it);
    });
  });
}

std::vector<ReportItem> parse_items_json(const std::string &text, const std::string &name) {
  return read_json<std::vector<ReportItem>>(parse_json(text, name), name);
}

Report read_report(const std::string &text, const std::string &name, Expectations *expect) {
  json::Value v = parse_json(text, name);
  const json::Object *o = v.getAsObject();
  llvm::Optional<llvm::StringRef> tool = o ? o->getString("tool") : llvm::None;
  if (!tool || *tool != "smmu-check kernel")
    throw UserError(name + ": expected a report of 'smmu-check kernel --format json'");
  json::Path::Root root("$");
  Report r;
  if (!fromJSON(v, r, root) || (expect && !Members(v, root).may("expect", *expect))) throw_json_error(root, name);
  return r;
}

}  // namespace smmu::report
