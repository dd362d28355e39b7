#include "kernel_report.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "json_reader.h"
#include "json_writer.h"
#include "kernel_tree.h"

namespace smmu::cli {

using harness::UserError;

namespace {

bool glob(const std::string &pattern, const std::string &s) { return fnmatch(pattern.c_str(), s.c_str(), 0) == 0; }

// Violation kinds first, most specific first, then unknown; others by name.
int kind_rank(const std::string &k) {
  static const char *order[] = {"torn", "misordered", "stale", "unknown"};
  for (int i = 0; i < 4; ++i)
    if (k == order[i]) return i;
  return 4;
}

int verdict_rank(const std::string &v) {
  if (v == "violation") return 4;
  if (v == "unknown") return 3;
  if (v == "unsupported") return 2;
  if (v == "warning") return 1;
  return 0;
}

std::string where(const SourceRef &s) {
  if (s.file.empty()) return "";
  std::string w = s.file + ":" + std::to_string(s.line);
  if (s.column > 0) w += ":" + std::to_string(s.column);
  return w;
}

std::string family(const std::string &check) { return check.substr(0, check.find('/')); }

}  // namespace

// ---------------------------------------------------------------- expectations

bool Expectations::requires_pass(const std::string &check, const std::string &model) const {
  for (const auto &l : lines) {
    if (!glob(l.check, check)) continue;
    if (model == "any") return true;
    for (const auto &m : l.models)
      if (glob(m, model)) return true;
  }
  return false;
}

Expectations parse_expectations(const std::string &text, const std::string &file) {
  Expectations e;
  e.file = file;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::vector<std::pair<size_t, std::string>> words;  // 1-based column, word
    for (size_t i = 0; i < line.size();) {
      if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
        ++i;
        continue;
      }
      size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
      words.emplace_back(start + 1, line.substr(start, i - start));
    }
    if (words.empty()) continue;
    auto fail = [&](size_t col, const std::string &what) {
      return UserError(file + ":" + std::to_string(n) + ":" + std::to_string(col) + ": " + what);
    };
    auto after = [&](size_t k) { return words[k].first + words[k].second.size() + 1; };
    auto brackets = [&](size_t k) {
      const std::string &w = words[k].second;
      for (size_t i = 0; i < w.size(); ++i)
        if (w[i] == '[' && w.find(']', i + 1) == std::string::npos)
          throw fail(words[k].first + i, "expected ']' to close the '[' of a glob");
    };
    if (words[0].second != "pass")
      throw fail(words[0].first, "expected 'pass' (lines read: pass CHECK-GLOB MODEL-GLOB[,MODEL-GLOB...]), got '" +
                                     words[0].second + "'");
    if (words.size() < 2) throw fail(after(0), "expected a check glob after 'pass', e.g. kunit/* or pt/iopt_*");
    if (words.size() < 3)
      throw fail(after(1), "expected a model glob after the check, e.g. coherent or coherent,nc");
    if (words.size() > 3)
      throw fail(words[3].first, "expected the end of the line after the model glob, got '" + words[3].second + "'");
    brackets(1);
    brackets(2);
    Expectation x;
    x.line = n;
    x.check = words[1].second;
    const std::string &models = words[2].second;
    for (size_t start = 0;;) {
      size_t comma = models.find(',', start);
      std::string m = models.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (m.empty()) throw fail(words[2].first + start, "expected a model glob before and after each ','");
      x.models.push_back(m);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    e.lines.push_back(std::move(x));
  }
  return e;
}

Expectations read_expectations(const std::filesystem::path &file) {
  std::ifstream in(file);
  if (!in) throw UserError("--expect: cannot read '" + file.string() + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_expectations(ss.str(), file.string());
}

// ---------------------------------------------------------------- cells

namespace {

std::string verdict_text(const Cell &c) {
  if (c.not_pass == 0) return "pass";
  if (c.verdict == "warning") return "warnings " + std::to_string(c.not_pass);
  std::string k;
  for (const auto &[name, n] : c.kinds) k += (k.empty() ? "" : "+") + name;
  if (c.items == 1) return k;
  return k + " " + std::to_string(c.not_pass) + "/" + std::to_string(c.items);
}

// "fail", "bug", "fail, stopped": what the kernel run said, for a cell's text.
std::string kernel_text(const ReportItem &it) {
  return it.kernel_status + (it.kernel_status == "fail" && !it.trace_complete ? ", stopped" : "");
}

}  // namespace

std::string Cell::text() const {
  std::string t = verdict_text(*this);
  if (first_kernel) t += " (kernel " + kernel_text(*first_kernel) + ")";
  return t;
}

std::vector<Cell> report_cells(const Report &r, const Expectations *expect) {
  std::map<std::pair<size_t, std::string>, std::vector<const ReportItem *>> by;
  std::map<size_t, std::vector<std::string>> extra_models;  // a model not among the columns
  for (const auto &it : r.items) {
    auto key = std::make_pair(it.row, it.model);
    if (!by.count(key) && it.model != "any" &&
        std::find(r.models.begin(), r.models.end(), it.model) == r.models.end())
      extra_models[it.row].push_back(it.model);
    by[key].push_back(&it);
  }
  std::vector<Cell> cells;
  for (const auto &row : r.rows) {
    std::vector<std::string> models;
    if (by.count({row.index, "any"})) models = {"any"};
    else models = r.models;
    for (const auto &m : extra_models[row.index]) models.push_back(m);
    for (const auto &m : models) {
      Cell c;
      c.check = row.check;
      c.model = m;
      c.verdict = "pass";
      std::map<std::string, int> kinds;
      for (const ReportItem *it : by[{row.index, m}]) {
        ++c.items;
        if (it->kernel_failed()) {
          ++c.kernel_failed;
          if (!c.first_kernel) c.first_kernel = it;
        }
        if (it->verdict == "pass") continue;
        ++c.not_pass;
        if (!c.first) c.first = it;
        if (verdict_rank(it->verdict) > verdict_rank(c.verdict)) c.verdict = it->verdict;
        ++kinds[it->verdict == "violation" ? it->kind : it->verdict];
      }
      c.kinds.assign(kinds.begin(), kinds.end());
      std::sort(c.kinds.begin(), c.kinds.end(), [](const auto &a, const auto &b) {
        return kind_rank(a.first) != kind_rank(b.first) ? kind_rank(a.first) < kind_rank(b.first) : a.first < b.first;
      });
      // Unsupported is neither pass nor fail unless an expectation names the row.
      c.required = expect ? expect->requires_pass(c.check, c.model) : c.verdict != "unsupported";
      cells.push_back(std::move(c));
    }
  }
  return cells;
}

int report_status(const Report &r, const Expectations *expect) {
  for (const auto &c : report_cells(r, expect))
    if (c.required && !c.ok()) return 1;
  return 0;
}

// ---------------------------------------------------------------- text

namespace {

struct Totals {
  size_t cells = 0, pass = 0, violation = 0, unknown = 0, unsupported = 0, warnings = 0, required = 0,
         required_failed = 0;
  size_t kernel_failed = 0;  // checks (rows) whose kernel run failed its own checks or stopped
};

Totals totals(const std::vector<Cell> &cells) {
  Totals t;
  std::set<std::string> kernel_failed;
  for (const auto &c : cells) {
    if (c.kernel_failed) kernel_failed.insert(c.check);
    // Lint's findings count also in a cell that a file not checked makes unknown.
    for (const auto &[kind, n] : c.kinds)
      if (kind == "warning") t.warnings += n;
    if (c.verdict != "warning") {
      ++t.cells;
      if (c.verdict == "pass") ++t.pass;
      else if (c.verdict == "violation") ++t.violation;
      else if (c.verdict == "unsupported") ++t.unsupported;
      else ++t.unknown;
    }
    if (c.required) {
      ++t.required;
      if (!c.ok()) ++t.required_failed;
    }
  }
  t.kernel_failed = kernel_failed.size();
  return t;
}

std::string seconds_text(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1fs", s);
  return b;
}

std::string gate_line(const Report &r, const std::vector<Cell> &cells, const Expectations *expect) {
  Totals t = totals(cells);
  std::string who = expect ? "gate " + expect->file : "gate (no --expect: every cell must pass)";
  if (t.required_failed == 0) return who + ": ok, " + std::to_string(t.required) + " required cells pass";
  (void)r;
  return who + ": FAILED, " + std::to_string(t.required_failed) + " of " + std::to_string(t.required) +
         " required cells do not pass";
}

std::string one_line(const Cell &c) {
  const ReportItem &it = *c.first;
  std::string s = c.check + " under " + c.model + ": " + verdict_text(c);
  if (c.items > 1) s += ", first " + it.item;
  s += ": " + it.reason;
  if (!it.locations.empty() && !it.locations[0].file.empty()) s += " (" + where(it.locations[0]) + ")";
  return s;
}

}  // namespace

std::string summary_line(const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
  Totals t = totals(cells);
  std::ostringstream s;
  s << "kernel: " << r.rows.size() << " checks x " << r.models.size() << " models: " << t.pass << " pass, "
    << t.violation << " violation, " << t.unknown << " unknown";
  if (t.unsupported) s << ", " << t.unsupported << " unsupported";
  if (t.kernel_failed)
    s << "; the kernel code failed its own checks in " << t.kernel_failed << " check" << (t.kernel_failed > 1 ? "s" : "");
  if (std::any_of(cells.begin(), cells.end(), [](const Cell &c) { return c.model == "any"; }))
    s << "; lint " << t.warnings << " warnings";
  s << " (" << seconds_text(r.seconds) << "); " << gate_line(r, cells, expect);
  return s.str();
}

void write_text(std::ostream &out, const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
  out << "smmu-check kernel: " << r.tree << " (" << r.version << "); engine " << r.engine
      << (r.clean_at_sync ? ", clean at sync" : "");
  if (r.shards > 1) out << "; shard " << r.shard << "/" << r.shards;
  out << "\n";
  for (const auto &s : r.skipped) out << "not checked: " << s << "\n";

  // Row label: the check, with the number of items an aggregated row holds.
  std::map<std::string, std::vector<const Cell *>> by_check;
  for (const auto &c : cells) by_check[c.check].push_back(&c);
  auto label = [&](const std::string &check) {
    const auto &v = by_check[check];
    return !v.empty() && v[0]->items > 1 && v[0]->model != "any" ? check + " (" + std::to_string(v[0]->items) + ")"
                                                                 : check;
  };
  auto cell_text = [&](const Cell &c) { return c.text() + (expect && c.required && !c.ok() ? "!" : ""); };
  size_t w0 = 6;
  for (const auto &row : r.rows) w0 = std::max(w0, label(row.check).size());
  std::vector<size_t> w;
  for (const auto &m : r.models) {
    size_t width = m.size();
    for (const auto &c : cells)
      if (c.model == m) width = std::max(width, cell_text(c).size());
    w.push_back(width);
  }
  out << std::left << std::setw(w0 + 2) << "check";
  for (size_t i = 0; i < r.models.size(); ++i)
    out << (i + 1 < r.models.size() ? std::string(r.models[i]) + std::string(w[i] + 2 - r.models[i].size(), ' ')
                                     : r.models[i]);
  out << "\n";
  bool marked = false;
  for (const auto &row : r.rows) {
    const auto &v = by_check[row.check];
    std::string line = label(row.check);
    line += std::string(w0 + 2 - line.size(), ' ');
    if (!v.empty() && v[0]->model == "any") {
      line += cell_text(*v[0]) + " (any model)";
      marked |= expect && v[0]->required && !v[0]->ok();
    } else {
      for (size_t i = 0; i < r.models.size(); ++i) {
        const Cell *c = nullptr;
        for (const Cell *x : v)
          if (x->model == r.models[i]) c = x;
        std::string t = c ? cell_text(*c) : "-";
        marked |= c && expect && c->required && !c->ok();
        line += i + 1 < r.models.size() ? t + std::string(w[i] + 2 - t.size(), ' ') : t;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  if (marked) out << "(! = required to pass by " << expect->file << ")\n";

  bool header = false;
  std::set<std::string> kernel_said;  // one line per check whose kernel run failed
  for (const auto &c : cells) {
    if (c.ok()) continue;
    if (!header) {
      out << "\nfindings (one line per cell; --format json lists every item with its witness):\n";
      header = true;
    }
    std::string mark = expect && c.required ? "! " : "  ";
    if (c.first_kernel && kernel_said.insert(c.check).second) {
      // Model-independent: marked if any cell of the row is required.
      bool required = expect && std::any_of(cells.begin(), cells.end(), [&](const Cell &x) {
                        return x.check == c.check && x.required && x.kernel_failed;
                      });
      const ReportItem &k = *c.first_kernel;
      out << (required ? "! " : "  ") << c.check << ": kernel " << kernel_text(k) << ": " << k.kernel_message;
      if (!k.kernel_location.file.empty()) out << " (" << where(k.kernel_location) << ")";
      out << "\n";
    }
    if (!c.not_pass) continue;
    if (c.verdict != "warning") out << mark << one_line(c) << "\n";
    // Lint: every finding, also in a cell that a file not checked makes unknown.
    for (const auto &it : r.items)
      if (it.check == c.check && it.verdict == "warning")
        out << mark << c.check << ": " << (it.locations.empty() ? it.item : where(it.locations[0])) << ": "
            << it.reason << " [" << it.kind << "]\n";
  }
  if (r.coverage) {
    out << "\n";
    write_coverage_text(out, *r.coverage);
  } else if (!r.coverage_note.empty()) {
    out << "\ncoverage: " << r.coverage_note << "\n";
  }
  // What fails the gate, last, where a CI log is read.
  if (expect && std::any_of(cells.begin(), cells.end(), [](const Cell &c) { return c.required && !c.ok(); })) {
    out << "\nrequired by " << expect->file << " and not passing:\n";
    for (const auto &c : cells)
      if (c.required && !c.ok()) out << "  " << c.check << " under " << c.model << ": " << c.text() << "\n";
  }
  out << "\n" << summary_line(r, expect) << "\n";
}

// ---------------------------------------------------------------- json

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

Report merge_reports(const std::vector<Report> &shards, const std::vector<std::string> &names) {
  if (shards.empty()) throw UserError("expected at least one report");
  const Report &a = shards[0];
  auto join = [](const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  std::map<int, std::string> seen_shard;
  std::map<size_t, std::string> seen_row;
  Report m = a;
  m.rows.clear();
  m.items.clear();
  m.skipped.clear();
  m.coverage.reset();
  m.shard = m.shards = 1;
  for (size_t k = 0; k < shards.size(); ++k) {
    const Report &b = shards[k];
    auto differ = [&](const std::string &what, const std::string &x, const std::string &y) {
      if (x != y)
        throw UserError("" + names[k] + " is not a shard of the same run as " + names[0] + ": " + what +
                        " '" + y + "', not '" + x + "'");
    };
    differ("tree", a.tree + " " + a.version, b.tree + " " + b.version);
    differ("models", join(a.models), join(b.models));
    differ("engine", a.engine + (a.clean_at_sync ? " --clean-at-sync" : ""),
           b.engine + (b.clean_at_sync ? " --clean-at-sync" : ""));
    differ("--only", a.only, b.only);
    differ("--coverage", a.coverage || !a.coverage_note.empty() ? "on" : "off",
           b.coverage || !b.coverage_note.empty() ? "on" : "off");
    differ("plan of checks", std::to_string(a.plan_rows) + " checks in " + std::to_string(a.shards) + " shards",
           std::to_string(b.plan_rows) + " checks in " + std::to_string(b.shards) + " shards");
    if (b.shards > 1) {
      if (seen_shard.count(b.shard))
        throw UserError("" + names[k] + " and " + seen_shard[b.shard] + " are both shard " +
                        std::to_string(b.shard) + "/" + std::to_string(b.shards));
      seen_shard[b.shard] = names[k];
    }
    for (const auto &row : b.rows) {
      if (seen_row.count(row.index))
        throw UserError("check " + row.check + " is in both " + seen_row[row.index] + " and " + names[k]);
      seen_row[row.index] = names[k];
      m.rows.push_back(row);
    }
    m.items.insert(m.items.end(), b.items.begin(), b.items.end());
    if (b.coverage) {
      if (!m.coverage) m.coverage = b.coverage;
      else merge_coverage(*m.coverage, *b.coverage);
    }
    for (const auto &s : b.skipped)
      if (std::find(m.skipped.begin(), m.skipped.end(), s) == m.skipped.end()) m.skipped.push_back(s);
    m.seconds = std::max(m.seconds, b.seconds);
  }
  if (m.rows.size() != a.plan_rows) {
    std::string missing;
    if (a.shards > 1)
      for (int s = 1; s <= a.shards; ++s)
        if (!seen_shard.count(s)) missing += (missing.empty() ? "" : ", ") + std::to_string(s) + "/" + std::to_string(a.shards);
    throw UserError("the reports hold " + std::to_string(m.rows.size()) + " of the " +
                    std::to_string(a.plan_rows) + " checks of the run" +
                    (missing.empty() ? "" : "; missing shard " + missing));
  }
  std::sort(m.rows.begin(), m.rows.end(), [](const PlanRow &x, const PlanRow &y) { return x.index < y.index; });
  std::stable_sort(m.items.begin(), m.items.end(),
                   [](const ReportItem &x, const ReportItem &y) { return x.row < y.row; });
  return m;
}

// ---------------------------------------------------------------- junit

namespace {

std::string xml(const std::string &s) {
  std::string o;
  for (unsigned char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t') o += ' ';  // not allowed in XML 1.0
        else o += static_cast<char>(c);
    }
  }
  return o;
}

double cell_seconds(const Report &r, const Cell &c) {
  double s = 0;
  for (const auto &it : r.items)
    if (it.check == c.check && it.model == c.model) s += it.seconds;
  return s;
}

std::string cell_details(const Report &r, const Cell &c) {
  std::ostringstream d;
  if (c.first_kernel) {
    const ReportItem &k = *c.first_kernel;
    d << "kernel " << kernel_text(k) << ": " << k.kernel_message << "\n";
    if (!k.kernel_location.file.empty()) d << "  at " << where(k.kernel_location) << "\n";
  }
  for (const auto &it : r.items) {
    if (it.check != c.check || it.model != c.model || it.verdict == "pass") continue;
    d << it.verdict << (it.kind.empty() ? "" : " (" + it.kind + ")") << ": "
      << (it.item.empty() ? c.check : it.item) << ": " << it.reason << "\n";
    for (const auto &l : it.locations)
      if (!l.file.empty()) d << "  at " << where(l) << (l.text.empty() ? "" : "  " + l.text) << "\n";
    if (c.items == 1 && !it.witness_text.empty()) d << it.witness_text;
  }
  return d.str();
}

}  // namespace

void write_junit(std::ostream &out, const Report &r, const Expectations *expect) {
  auto cells = report_cells(r, expect);
  std::vector<std::string> families;
  for (const auto &c : cells)
    if (std::find(families.begin(), families.end(), family(c.check)) == families.end())
      families.push_back(family(c.check));
  auto counts = [&](const std::string *fam, size_t &tests, size_t &failures, size_t &skipped, double &secs) {
    tests = failures = skipped = 0;
    secs = 0;
    for (const auto &c : cells) {
      if (fam && family(c.check) != *fam) continue;
      ++tests;
      secs += cell_seconds(r, c);
      if (!c.ok()) (c.required ? failures : skipped)++;
    }
  };
  size_t tests, failures, skipped;
  double secs;
  counts(nullptr, tests, failures, skipped, secs);
  char buf[32];
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::snprintf(buf, sizeof buf, "%.3f", secs);
  out << "<testsuites name=\"smmu-check kernel " << xml(r.tree) << "\" tests=\"" << tests << "\" failures=\""
      << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << buf << "\">\n";
  for (const auto &fam : families) {
    counts(&fam, tests, failures, skipped, secs);
    std::snprintf(buf, sizeof buf, "%.3f", secs);
    out << "  <testsuite name=\"" << xml(fam) << "\" tests=\"" << tests << "\" failures=\"" << failures
        << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << buf << "\">\n";
    for (const auto &c : cells) {
      if (family(c.check) != fam) continue;
      std::snprintf(buf, sizeof buf, "%.3f", cell_seconds(r, c));
      out << "    <testcase classname=\"smmu-check." << xml(fam) << "\" name=\"" << xml(c.check + " [" + c.model + "]")
          << "\" time=\"" << buf << "\"";
      if (c.ok()) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      std::string msg = c.text() + (c.first ? ": " + c.first->reason : "") +
                        (c.first_kernel ? "; kernel " + kernel_text(*c.first_kernel) + ": " + c.first_kernel->kernel_message : "");
      std::string type = c.first ? (c.first->kind.empty() ? c.first->verdict : c.first->kind) : "kernel-run";
      if (c.required)
        out << "      <failure type=\"" << xml(type)
            << "\" message=\"" << xml(msg) << "\">" << xml(cell_details(r, c)) << "</failure>\n";
      else
        out << "      <skipped message=\"" << xml(msg + " (not required" + (expect ? " by " + expect->file : "") + ")")
            << "\"/>\n      <system-out>" << xml(cell_details(r, c)) << "</system-out>\n";
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

// ---------------------------------------------------------------- sarif

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
  };
  std::vector<Result> results;
  std::set<std::string> kernel_said;  // one result per check whose kernel run failed
  for (const auto &c : cells) {
    if (c.ok()) continue;
    if (c.first_kernel && kernel_said.insert(c.check).second) {
      // Model-independent: an error if any cell of the row is required.
      bool required = std::any_of(cells.begin(), cells.end(), [&](const Cell &x) {
        return x.check == c.check && x.required && x.kernel_failed;
      });
      const ReportItem &k = *c.first_kernel;
      results.push_back({"kernel-run", required ? "error" : "note",
                         c.check + ": kernel " + kernel_text(k) + ": " + k.kernel_message, c.check, "any", "", &k,
                         c.items, c.kernel_failed, true});
    }
    if (!c.not_pass) continue;
    if (c.verdict == "unsupported" && !c.required) continue;  // about the tree, not a finding in it
    std::string level = c.required ? "error" : "note";
    if (c.verdict != "warning") {
      const ReportItem &it = *c.first;
      std::string rule = it.verdict == "violation"     ? it.kind
                         : it.verdict == "unsupported" ? "unsupported"
                                                       : "unknown";
      std::string msg = c.check + " under " + c.model + ": " + verdict_text(c) + ": " +
                        (c.items > 1 ? it.item + ": " : "") + it.reason;
      results.push_back({rule, level, msg, c.check, c.model, it.item, &it, c.items, c.not_pass});
    }
    // Lint: one result per finding, also in a cell that a file not checked makes unknown.
    for (const auto &it : r.items)
      if (it.check == c.check && it.verdict == "warning")
        results.push_back({it.kind, level, it.reason, c.check, c.model, it.item, &it, 1, 1});
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
    j.end_object();
    j.end_object();
  }
  j.end_array();
  j.end_object().end_array();
  j.end_object();
  out << "\n";
}

void check_format(const std::string &format) {
  if (format != "text" && format != "json" && format != "junit" && format != "sarif")
    throw UserError("--format expects text, json, junit or sarif, got '" + format + "'");
}

void write_report(std::ostream &out, const std::string &format, const Report &r, const Expectations *expect) {
  check_format(format);
  if (format == "text") write_text(out, r, expect);
  else if (format == "json") write_json(out, r, expect);
  else if (format == "junit") write_junit(out, r, expect);
  else write_sarif(out, r, expect);
}

}  // namespace smmu::cli
