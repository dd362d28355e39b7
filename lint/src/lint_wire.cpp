#include "lint_wire.h"

#include "slice_wire.h"

namespace json = llvm::json;

namespace smmu::lint {

namespace {

json::Value to_json(const SourcePoint &s) {
  return json::Object{{"file", s.file}, {"line", s.line}, {"column", s.column}};
}

}  // namespace

// llvm::json reads no unsigned: through int64_t, refusing what does not fit.
static bool map_unsigned(json::ObjectMapper &o, llvm::StringLiteral key,
                  unsigned &out, json::Path p) {
  int64_t n = 0;
  if (!o.map(key, n)) return false;
  if (n < 0 || n > int64_t(~0u)) {
    p.field(key).report("expected an unsigned 32-bit number");
    return false;
  }
  out = unsigned(n);
  return true;
}

bool fromJSON(const json::Value &v, SourcePoint &s, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("file", s.file) && map_unsigned(o, "line", s.line, p) &&
         map_unsigned(o, "column", s.column, p);
}

bool fromJSON(const json::Value &v, FixIt &f, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("begin", f.begin) && o.map("end", f.end) && o.map("replacement", f.replacement);
}

bool fromJSON(const json::Value &v, Note &n, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("where", n.where) && o.map("message", n.message) &&
         o.map("source_line", n.source_line);
}

bool fromJSON(const json::Value &v, Finding &f, json::Path p) {
  json::ObjectMapper o(v, p);
  if (!(o && o.map("check", f.check) && o.map("where", f.where) && o.map("message", f.message) &&
        o.map("function", f.function) && o.map("source_line", f.source_line) &&
        map_unsigned(o, "range_begin", f.range_begin, p) &&
        map_unsigned(o, "range_end", f.range_end, p) && o.map("notes", f.notes)))
    return false;
  const json::Value *fixit = v.getAsObject()->get("fixit");
  if (!fixit || fixit->kind() == json::Value::Null) return true;
  f.fixit.emplace();
  return fromJSON(*fixit, *f.fixit, p.field("fixit"));
}

bool fromJSON(const json::Value &v, UncheckedFile &u, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("file", u.file) && o.map("first_error", u.first_error);
}

bool fromJSON(const json::Value &v, std::pair<SourcePoint, std::string> &u, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("where", u.first) && o.map("function", u.second);
}

json::Value to_json(const LintJob &job) {
  json::Array requests;
  for (const auto &r : job.requests) requests.push_back(harness::to_json(r));
  return json::Object{{"requests", std::move(requests)}, {"checks", job.checks}};
}

bool fromJSON(const json::Value &v, LintJob &job, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("requests", job.requests) && o.map("checks", job.checks);
}

json::Value to_json(const LintResult &r) {
  json::Array findings, not_checked, unparsed;
  for (const auto &f : r.findings) {
    json::Array notes;
    for (const auto &n : f.notes)
      notes.push_back(json::Object{
          {"where", to_json(n.where)}, {"message", n.message}, {"source_line", n.source_line}});
    json::Value fixit = nullptr;
    if (f.fixit)
      fixit = json::Object{{"begin", to_json(f.fixit->begin)},
                           {"end", to_json(f.fixit->end)},
                           {"replacement", f.fixit->replacement}};
    findings.push_back(json::Object{
        {"check", f.check},       {"where", to_json(f.where)},
        {"message", f.message},   {"function", f.function},
        {"source_line", f.source_line}, {"range_begin", f.range_begin},
        {"range_end", f.range_end}, {"fixit", std::move(fixit)},
        {"notes", std::move(notes)}});
  }
  for (const auto &u : r.not_checked)
    not_checked.push_back(json::Object{{"file", u.file}, {"first_error", u.first_error}});
  for (const auto &[where, function] : r.unparsed)
    unparsed.push_back(json::Object{{"where", to_json(where)}, {"function", function}});
  return json::Object{{"findings", std::move(findings)},
                      {"files", json::Array(r.files)},
                      {"not_checked", std::move(not_checked)},
                      {"parse_errors", json::Array(r.parse_errors)},
                      {"unparsed", std::move(unparsed)}};
}

bool fromJSON(const json::Value &v, LintResult &r, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("findings", r.findings) && o.map("files", r.files) &&
         o.map("not_checked", r.not_checked) && o.map("parse_errors", r.parse_errors) &&
         o.map("unparsed", r.unparsed);
}

json::Value to_json(const std::vector<CheckInfo> &checks) {
  json::Array a;
  for (const auto &c : checks) a.push_back(json::Object{{"name", c.name}, {"summary", c.summary}});
  return a;
}

bool fromJSON(const json::Value &v, CheckInfo &c, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("name", c.name) && o.map("summary", c.summary);
}

}  // namespace smmu::lint
