#include <sstream>

#include "formats.h"
#include "json_reader.h"
#include "json_writer.h"
#include "kernel_tree.h"

namespace smmu::report {

using harness::UserError;

namespace {

void write_ref(JsonWriter &j, const SourceRef &s) {
  j.begin_object();
  j.key("file").value(s.file).key("line").value(s.line).key("column").value(s.column);
  j.key("event").value(s.event).key("text").value(s.text);
  j.end_object();
}

SourceRef read_ref(const JsonValue &v) {
  SourceRef s;
  s.file = v["file"].str();
  s.line = static_cast<int>(v["line"].int64());
  s.column = static_cast<int>(v["column"].int64());
  s.event = static_cast<int>(v["event"].int64());
  s.text = v["text"].str();
  return s;
}

void write_item(JsonWriter &j, const ReportItem &it) {
  j.begin_object();
  j.key("row").value(static_cast<uint64_t>(it.row));
  j.key("check").value(it.check).key("item").value(it.item).key("model").value(it.model);
  j.key("verdict").value(it.verdict).key("kind").value(it.kind).key("reason").value(it.reason);
  // The figures of an STE/CD update check; null where they do not apply.
  auto entry_int = [&](const char *k, int64_t v) {
    j.key(k);
    if (it.entry) j.value(v);
    else j.null();
  };
  entry_int("syncs", it.syncs);
  entry_int("updates", it.updates);
  j.key("hitless");
  if (it.entry) j.value(it.hitless);
  else j.null();
  j.key("explored");
  if (it.entry || it.pt) j.value(it.explored);
  else j.null();
  j.key("unique");
  if (it.entry) j.value(it.unique);
  else j.null();
  j.key("engine").value(it.engine).key("time_s").value(it.seconds);
  j.key("pt");
  if (it.pt) {
    j.begin_object();
    j.key("iovas").value(it.iovas).key("ops").value(it.ops).key("walks").value(it.walks).key("tlb").value(it.tlb);
    j.end_object();
  } else {
    j.null();
  }
  j.key("notes").begin_array();
  for (const auto &n : it.notes) j.value(n);
  j.end_array();
  j.key("locations").begin_array();
  for (const auto &l : it.locations) write_ref(j, l);
  j.end_array();
  j.key("trace").begin_array();
  for (const auto &e : it.trace) write_ref(j, e);
  j.end_array();
  j.key("witness");
  if (it.witness_json.empty()) j.null();
  else j.raw(it.witness_json);
  j.key("witness_text").value(it.witness_text);
  // The kernel code's own run, beside the verdict; null where none ran.
  auto or_null = [&](const char *k, const std::string &v) {
    j.key(k);
    if (it.kernel_status.empty()) j.null();
    else j.value(v);
  };
  or_null("kernel_status", it.kernel_status);
  j.key("trace_complete");
  if (it.kernel_status.empty()) j.null();
  else j.value(it.trace_complete);
  or_null("kernel_message", it.kernel_message);
  j.key("kernel_location");
  if (it.kernel_location.file.empty()) j.null();
  else write_ref(j, it.kernel_location);
  if (!it.baseline.empty()) j.key("baseline").value(it.baseline);  // --baseline: known or new
  j.end_object();
}

ReportItem read_item(const JsonValue &v, const std::string &doc, const std::string &name) {
  if (v.type != JsonValue::Type::Object || !v.has("check") || !v.has("model") || !v.has("verdict"))
    throw UserError(name + ": expected each result to be an object with check, model and verdict");
  ReportItem it;
  it.row = v["row"].uint64();
  it.check = v["check"].str();
  it.item = v["item"].str();
  it.model = v["model"].str();
  it.verdict = v["verdict"].str();
  it.kind = v["kind"].str();
  it.reason = v["reason"].str();
  it.entry = v["syncs"].type == JsonValue::Type::Number;
  it.syncs = static_cast<int>(v["syncs"].int64());
  it.updates = static_cast<int>(v["updates"].int64());
  it.hitless = v["hitless"].boolean_or(true);
  it.explored = v["explored"].uint64();
  it.unique = v["unique"].uint64();
  it.engine = v["engine"].str();
  it.seconds = v["time_s"].num();
  if (v["pt"].type == JsonValue::Type::Object) {
    const JsonValue &p = v["pt"];
    it.pt = true;
    it.iovas = p["iovas"].uint64();
    it.ops = p["ops"].uint64();
    it.walks = p["walks"].uint64();
    it.tlb = p["tlb"].boolean_or(false);
  }
  for (const auto &n : v["notes"].items) it.notes.push_back(n.str());
  for (const auto &l : v["locations"].items) it.locations.push_back(read_ref(l));
  for (const auto &e : v["trace"].items) it.trace.push_back(read_ref(e));
  if (v["witness"].type == JsonValue::Type::Object) it.witness_json = v["witness"].raw(doc);
  it.witness_text = v["witness_text"].str();
  it.kernel_status = v["kernel_status"].str();
  it.trace_complete = v["trace_complete"].boolean_or(true);
  it.kernel_message = v["kernel_message"].str();
  if (v["kernel_location"].type == JsonValue::Type::Object) it.kernel_location = read_ref(v["kernel_location"]);
  it.baseline = v["baseline"].str();
  return it;
}

}  // namespace

void write_json(std::ostream &out, const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
  Totals t = totals(cells);
  JsonWriter j(out);
  j.begin_object();
  j.key("tool").value("smmu-check kernel").key("format_version").value(1);
  j.key("tree").value(r.tree).key("version").value(r.version).key("root").value(r.root);
  j.key("models").begin_array();
  for (const auto &m : r.models) j.value(m);
  j.end_array();
  j.key("engine").value(r.engine).key("clean_at_sync").value(r.clean_at_sync).key("only").value(r.only);
  j.key("plan_rows").value(static_cast<uint64_t>(r.plan_rows));
  j.key("shard").begin_object().key("index").value(r.shard).key("count").value(r.shards).end_object();
  j.key("seconds").value(r.seconds);
  j.key("skipped").begin_array();
  for (const auto &s : r.skipped) j.value(s);
  j.end_array();
  j.key("rows").begin_array();
  for (const auto &row : r.rows)
    j.begin_object().key("index").value(static_cast<uint64_t>(row.index)).key("check").value(row.check).end_object();
  j.end_array();
  j.key("expect");
  if (expect) {
    j.begin_object().key("file").value(expect->file).key("lines").begin_array();
    for (const auto &l : expect->lines) {
      j.begin_object().key("line").value(l.line).key("check").value(l.check).key("models").begin_array();
      for (const auto &m : l.models) j.value(m);
      j.end_array().end_object();
    }
    j.end_array().end_object();
  } else {
    j.null();
  }
  j.key("results").begin_array();
  for (const auto &it : r.items) {
    out << "\n";  // one result per line: diffable, and greppable
    write_item(j, it);
  }
  j.end_array();
  j.key("coverage");
  if (r.coverage) write_coverage_json(j, *r.coverage);
  else j.null();
  if (!r.coverage_note.empty()) j.key("coverage_note").value(r.coverage_note);
  if (!r.baseline.empty()) {  // --baseline: the report compared with, and the cells fixed since
    j.key("baseline").begin_object().key("file").value(r.baseline).key("fixed").begin_array();
    for (const auto &f : r.fixed)
      j.begin_object().key("check").value(f.check).key("model").value(f.model).key("was").value(f.was).end_object();
    j.end_array().end_object();
  }
  j.key("cells").begin_array();
  for (const auto &c : cells) {
    j.begin_object().key("check").value(c.check).key("model").value(c.model);
    j.key("verdict").value(c.verdict).key("text").value(c.text());
    j.key("items").value(static_cast<uint64_t>(c.items)).key("not_pass").value(static_cast<uint64_t>(c.not_pass));
    j.key("kinds").begin_object();
    for (const auto &[k, n] : c.kinds) j.key(k).value(n);
    j.end_object();
    j.key("kernel_failed").value(static_cast<uint64_t>(c.kernel_failed));
    j.key("passes").value(c.ok());
    if (!r.baseline.empty() && !c.ok()) j.key("baseline").value(c.known ? "known" : "new");
    j.key("required").value(c.required).end_object();
  }
  j.end_array();
  j.key("summary").begin_object();
  j.key("checks").value(static_cast<uint64_t>(r.rows.size()));
  j.key("cells").value(static_cast<uint64_t>(t.cells));
  j.key("pass").value(static_cast<uint64_t>(t.pass));
  j.key("violation").value(static_cast<uint64_t>(t.violation));
  j.key("unknown").value(static_cast<uint64_t>(t.unknown));
  j.key("unsupported").value(static_cast<uint64_t>(t.unsupported));
  j.key("warnings").value(static_cast<uint64_t>(t.warnings));
  j.key("kernel_failed").value(static_cast<uint64_t>(t.kernel_failed));  // checks, not cells
  j.key("required").value(static_cast<uint64_t>(t.required));
  j.key("required_failed").value(static_cast<uint64_t>(t.required_failed));
  if (!r.baseline.empty()) j.key("known").value(static_cast<uint64_t>(t.known));
  j.key("status").value(t.required_failed ? 1 : 0);
  j.end_object();
  j.end_object();
  out << "\n";
}

std::string items_json(const std::vector<ReportItem> &items) {
  std::ostringstream s;
  JsonWriter j(s);
  j.begin_array();
  for (const auto &it : items) write_item(j, it);
  j.end_array();
  return s.str();
}

std::vector<ReportItem> parse_items_json(const std::string &text, const std::string &name) {
  JsonValue v = parse_json(text, name);
  std::vector<ReportItem> items;
  for (const auto &x : v.items) items.push_back(read_item(x, text, name));
  return items;
}

Report read_report(const std::string &text, const std::string &name, Expectations *expect) {
  JsonValue v = parse_json(text, name);
  if (v["tool"].str() != "smmu-check kernel")
    throw UserError(name + ": expected a report of 'smmu-check kernel --format json'");
  Report r;
  r.tree = v["tree"].str();
  r.version = v["version"].str();
  r.root = v["root"].str();
  for (const auto &m : v["models"].items) r.models.push_back(m.str());
  r.engine = v["engine"].str();
  r.clean_at_sync = v["clean_at_sync"].boolean_or(false);
  r.only = v["only"].str();
  r.plan_rows = v["plan_rows"].uint64();
  r.shard = static_cast<int>(v["shard"]["index"].int64(1));
  r.shards = static_cast<int>(v["shard"]["count"].int64(1));
  r.seconds = v["seconds"].num();
  for (const auto &s : v["skipped"].items) r.skipped.push_back(s.str());
  for (const auto &row : v["rows"].items) r.rows.push_back({row["index"].uint64(), row["check"].str()});
  for (const auto &x : v["results"].items) r.items.push_back(read_item(x, text, name));
  if (v["coverage"].type == JsonValue::Type::Object) r.coverage = read_coverage_json(v["coverage"]);
  r.coverage_note = v["coverage_note"].str();
  r.baseline = v["baseline"]["file"].str();
  for (const auto &f : v["baseline"]["fixed"].items) r.fixed.push_back({f["check"].str(), f["model"].str(), f["was"].str()});
  if (expect && v["expect"].type == JsonValue::Type::Object) {
    expect->file = v["expect"]["file"].str();
    for (const auto &l : v["expect"]["lines"].items) {
      Expectation x;
      x.line = static_cast<int>(l["line"].int64());
      x.check = l["check"].str();
      for (const auto &m : l["models"].items) x.models.push_back(m.str());
      expect->lines.push_back(std::move(x));
    }
  }
  return r;
}

}  // namespace smmu::report
