#include "explore_report.h"

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <iomanip>
#include <map>
#include <set>
#include <stdexcept>

#include "notes_once.h"

namespace smmu::explore {

namespace json = llvm::json;

namespace {

json::Object paths_json(const PathCounts &p) {
  return json::Object{{"maps", p.maps},
                      {"unmaps", p.unmaps},
                      {"flushes", p.flushes},
                      {"blocks_mapped", p.blocks_mapped},
                      {"tables_freed_by_map", p.tables_freed_by_map},
                      {"tables_freed_by_unmap", p.tables_freed_by_unmap},
                      {"splits", p.splits},
                      {"table_crossings", p.table_crossings},
                      {"ats_sequences", p.ats_sequences},
                      {"attaches", p.attaches},
                      {"attach_sequences", p.attach_sequences}};
}

// Reading: every field checked, so a truncated or foreign file is named.
struct Reader {
  std::string name;
  [[noreturn]] void fail(const std::string &what) const { throw std::invalid_argument(name + ": expected " + what); }
  const json::Object &object(const json::Object &o, const char *key) const {
    const json::Object *v = o.getObject(key);
    if (!v) fail(std::string("an object '") + key + "'");
    return *v;
  }
  const json::Array &array(const json::Object &o, const char *key) const {
    const json::Array *v = o.getArray(key);
    if (!v) fail(std::string("an array '") + key + "'");
    return *v;
  }
  uint64_t number(const json::Object &o, const char *key) const {
    auto v = o.getInteger(key);
    if (!v || *v < 0) fail(std::string("a count '") + key + "'");
    return static_cast<uint64_t>(*v);
  }
  double real(const json::Object &o, const char *key) const {
    auto v = o.getNumber(key);
    if (!v) fail(std::string("a number '") + key + "'");
    return *v;
  }
  std::string string(const json::Object &o, const char *key) const {
    auto v = o.getString(key);
    if (!v) fail(std::string("a string '") + key + "'");
    return v->str();
  }
};

PathCounts read_paths(const Reader &rd, const json::Object &o) {
  PathCounts p;
  p.maps = rd.number(o, "maps");
  p.unmaps = rd.number(o, "unmaps");
  p.flushes = rd.number(o, "flushes");
  p.blocks_mapped = rd.number(o, "blocks_mapped");
  p.tables_freed_by_map = rd.number(o, "tables_freed_by_map");
  p.tables_freed_by_unmap = rd.number(o, "tables_freed_by_unmap");
  p.splits = rd.number(o, "splits");
  p.table_crossings = rd.number(o, "table_crossings");
  // Reports written before ATS have none.
  p.ats_sequences = static_cast<int>(o.getInteger("ats_sequences").getValueOr(0));
  p.attaches = static_cast<int>(o.getInteger("attaches").getValueOr(0));  // and before attach
  p.attach_sequences = static_cast<int>(o.getInteger("attach_sequences").getValueOr(0));
  return p;
}

std::string join(const std::vector<std::string> &v, const char *sep) {
  std::string out;
  for (const auto &s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

void write_text(std::ostream &out, const ExploreReport &r, bool details) {
  const ExploreResult &x = r.result;
  const ExploreTotals &t = x.totals;
  std::string shards;
  for (auto k : r.shards_merged) shards += (shards.empty() ? "" : ",") + std::to_string(k + 1);
  if (shards.empty()) shards = std::to_string(x.schedule.shard + 1);
  out << "explore " << r.tree << ": seed " << x.schedule.seed << ", shard" << (r.shards_merged.size() > 1 ? "s " : " ")
      << shards << "/" << x.schedule.shards << ", models " << join(r.models, ",") << "\n";
  out << "  " << t.sequences << " sequences (" << t.ops << " operations, " << t.walks << " walks) in "
      << std::fixed << std::setprecision(1) << t.seconds << " s";
  if (t.seconds > 0) out << ", " << std::setprecision(1) << t.sequences / t.seconds << " sequences/s";
  out << "\n  paths: " << t.paths.maps << " maps (" << t.paths.blocks_mapped << " blocks, "
      << t.paths.tables_freed_by_map << " over a table), " << t.paths.unmaps << " unmaps ("
      << t.paths.tables_freed_by_unmap << " freeing a table, " << t.paths.splits << " splitting a block), "
      << t.paths.flushes << " flushes, " << t.paths.table_crossings << " calls across two tables; "
      << t.paths.ats_sequences << " sequences with an ATS master\n";
  if (t.paths.attach_sequences)
    out << "  attach: " << t.paths.attaches << " attaches in " << t.paths.attach_sequences
        << " sequences with a master; " << t.entry_updates << " STE/CD updates and " << t.publications
        << " pointer publications judged (over the models)\n";
  if (t.grew_coverage)
    out << "  coverage of the key functions grew with " << t.grew_coverage << " sequences, last at sequence " << t.last_gain
        << "\n";
  if (t.extended)
    out << "  steering: " << t.extended << " sequences were drawn as the prefix of one that grew coverage, "
        << "followed by fresh steps\n";
  if (t.unknown_sequences) {
    out << "  " << t.unknown_sequences << " sequences could not be judged completely (unknown):\n";
    for (const auto &u : x.unknowns) out << "    " << u << "\n";
  }
  size_t fresh = 0;
  for (const auto &f : x.findings) fresh += !f.known;
  out << "findings: " << x.findings.size() << " (" << fresh << " new, " << x.findings.size() - fresh
      << " known)\n";
  for (const auto &f : x.findings) {
    out << "  " << (f.known ? "known " : "NEW   ") << f.finding.signature;
    if (!f.models.empty()) out << " under " << f.models;
    out << ": " << f.sequences << " sequences, first #" << f.first_index << ", shrunk in " << f.shrink_steps
        << " checks\n";
    if (f.known) out << "        " << *f.known << "\n";
  }
  checker::NotesOnce notes;  // a note several findings rest on is said at the first
  for (const auto &f : x.findings) {
    if (f.known && !details) continue;
    out << "\n" << (f.known ? "known: " : "new: ") << f.finding.signature << "\n"
        << "shrunk sequence (save it and run 'smmu-check explore ... --replay FILE'):\n";
    std::istringstream lines(f.shrunk);
    for (std::string l; std::getline(lines, l);) out << "  " << l << "\n";
    out << f.finding.witness;
    if (!f.finding.witness.empty() && f.finding.witness.back() != '\n') out << "\n";
    notes.print(out, f.finding.notes);
  }
}

void write_json(std::ostream &out, const ExploreReport &r) {
  const ExploreResult &x = r.result;
  json::Array findings;
  for (const auto &f : x.findings) {
    json::Array notes;
    for (const auto &n : f.finding.notes) notes.push_back(n);
    findings.push_back(json::Object{{"signature", f.finding.signature},
                                    {"kind", f.finding.kind},
                                    {"location", f.finding.location},
                                    {"model", f.finding.model},
                                    {"models", f.models},
                                    {"sequences", f.sequences},
                                    {"first_index", f.first_index},
                                    {"shrink_steps", f.shrink_steps},
                                    {"known", f.known ? json::Value(*f.known) : json::Value(nullptr)},
                                    {"sequence", f.shrunk},
                                    {"witness", f.finding.witness},
                                    {"notes", std::move(notes)}});
  }
  json::Array models, unknowns, shards;
  for (const auto &m : r.models) models.push_back(m);
  for (const auto &u : x.unknowns) unknowns.push_back(u);
  for (auto s : r.shards_merged) shards.push_back(s + 1);
  json::Array gran;
  for (auto g : r.limits.granules) gran.push_back(g);
  json::Object doc{
      {"tool", "smmu-check explore"},
      {"format_version", 1},
      {"tree", r.tree},
      {"models", std::move(models)},
      {"seed", x.schedule.seed},
      {"shard", json::Object{{"count", x.schedule.shards}, {"covered", std::move(shards)}}},
      {"budget", json::Object{{"sequences", x.schedule.max_sequences}, {"seconds", x.schedule.max_seconds}}},
      {"limits", json::Object{{"max_ops", r.limits.max_ops},
                              {"split", r.limits.allow_split},
                              {"ats", r.limits.ats},
                              {"non_coherent", r.limits.non_coherent},
                              {"paging", r.limits.paging},
                              {"sva", r.limits.sva},
                              {"attach", r.limits.attach},
                              {"cd_2lvl", r.limits.cd_2lvl},
                              {"granules", std::move(gran)}}},
      {"totals", json::Object{{"sequences", x.totals.sequences},
                              {"operations", x.totals.ops},
                              {"walks", x.totals.walks},
                              {"entry_updates", x.totals.entry_updates},
                              {"publications", x.totals.publications},
                              {"unknown_sequences", x.totals.unknown_sequences},
                              {"grew_coverage", x.totals.grew_coverage},
                              {"last_coverage_gain", x.totals.last_gain},
                              {"extended", x.totals.extended},
                              {"seconds", x.totals.seconds},
                              {"paths", paths_json(x.totals.paths)}}},
      {"unknowns", std::move(unknowns)},
      {"findings", std::move(findings)},
      {"new_findings", x.new_findings()}};
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::formatv("{0:2}", json::Value(std::move(doc)));
  out << os.str() << "\n";
}

ExploreReport read_json(const std::string &text, const std::string &name) {
  Reader rd{name};
  auto parsed = json::parse(text);
  if (!parsed) {
    std::string why = llvm::toString(parsed.takeError());
    rd.fail("JSON (" + why + ")");
  }
  const json::Object *doc = parsed->getAsObject();
  if (!doc || doc->getString("tool") != llvm::Optional<llvm::StringRef>("smmu-check explore"))
    rd.fail("a report of 'smmu-check explore --format json'");
  ExploreReport r;
  r.tree = rd.string(*doc, "tree");
  for (const auto &m : rd.array(*doc, "models"))
    if (auto s = m.getAsString()) r.models.push_back(s->str());
  ExploreResult &x = r.result;
  x.schedule.seed = rd.number(*doc, "seed");
  const json::Object &shard = rd.object(*doc, "shard");
  x.schedule.shards = rd.number(shard, "count");
  for (const auto &s : rd.array(shard, "covered")) {
    auto v = s.getAsInteger();
    if (!v || *v < 1 || static_cast<uint64_t>(*v) > x.schedule.shards) rd.fail("shard indices 1..count");
    r.shards_merged.push_back(static_cast<uint64_t>(*v) - 1);
  }
  if (r.shards_merged.empty()) rd.fail("at least one shard in 'shard.covered'");
  x.schedule.shard = r.shards_merged[0];
  const json::Object &budget = rd.object(*doc, "budget");
  x.schedule.max_sequences = rd.number(budget, "sequences");
  x.schedule.max_seconds = rd.real(budget, "seconds");
  const json::Object &limits = rd.object(*doc, "limits");
  r.limits.max_ops = static_cast<int>(rd.number(limits, "max_ops"));
  r.limits.allow_split = limits.getBoolean("split").getValueOr(true);
  r.limits.ats = limits.getBoolean("ats").getValueOr(false);
  r.limits.non_coherent = limits.getBoolean("non_coherent").getValueOr(true);
  r.limits.paging = limits.getBoolean("paging").getValueOr(true);
  r.limits.sva = limits.getBoolean("sva").getValueOr(false);
  r.limits.attach = limits.getBoolean("attach").getValueOr(false);
  r.limits.cd_2lvl = limits.getBoolean("cd_2lvl").getValueOr(false);
  r.limits.granules.clear();
  for (const auto &g : rd.array(limits, "granules"))
    if (auto v = g.getAsInteger()) r.limits.granules.push_back(static_cast<uint64_t>(*v));
  const json::Object &totals = rd.object(*doc, "totals");
  x.totals.sequences = rd.number(totals, "sequences");
  x.totals.ops = rd.number(totals, "operations");
  x.totals.walks = rd.number(totals, "walks");
  x.totals.unknown_sequences = rd.number(totals, "unknown_sequences");
  // Reports written before steering existed lack them.
  x.totals.grew_coverage = static_cast<uint64_t>(totals.getInteger("grew_coverage").getValueOr(0));
  x.totals.last_gain = static_cast<uint64_t>(totals.getInteger("last_coverage_gain").getValueOr(0));
  x.totals.extended = static_cast<uint64_t>(totals.getInteger("extended").getValueOr(0));
  x.totals.entry_updates = static_cast<uint64_t>(totals.getInteger("entry_updates").getValueOr(0));
  x.totals.publications = static_cast<uint64_t>(totals.getInteger("publications").getValueOr(0));
  x.totals.seconds = rd.real(totals, "seconds");
  x.totals.paths = read_paths(rd, rd.object(totals, "paths"));
  for (const auto &u : rd.array(*doc, "unknowns"))
    if (auto s = u.getAsString()) x.unknowns.push_back(s->str());
  for (const auto &v : rd.array(*doc, "findings")) {
    const json::Object *o = v.getAsObject();
    if (!o) rd.fail("findings as objects");
    ExploredFinding f;
    f.finding.signature = rd.string(*o, "signature");
    f.finding.kind = rd.string(*o, "kind");
    f.finding.location = rd.string(*o, "location");
    f.finding.model = rd.string(*o, "model");
    f.finding.witness = rd.string(*o, "witness");
    if (const json::Array *notes = o->getArray("notes"))  // reports written before notes lack them
      for (const auto &n : *notes)
        if (auto s = n.getAsString()) f.finding.notes.push_back(s->str());
    f.models = rd.string(*o, "models");
    f.sequences = rd.number(*o, "sequences");
    f.first_index = rd.number(*o, "first_index");
    f.shrink_steps = rd.number(*o, "shrink_steps");
    if (auto k = o->getString("known")) f.known = k->str();
    f.shrunk = rd.string(*o, "sequence");
    x.findings.push_back(std::move(f));
  }
  return r;
}

ExploreReport merge(const std::vector<ExploreReport> &shards, const std::vector<std::string> &names) {
  if (shards.empty()) throw std::invalid_argument("expected at least one report to merge");
  ExploreReport out = shards[0];
  out.result.findings.clear();
  out.result.unknowns.clear();
  out.result.totals = {};
  out.shards_merged.clear();
  std::set<uint64_t> seen;
  std::map<std::string, size_t> by_signature;
  for (size_t i = 0; i < shards.size(); ++i) {
    const ExploreReport &s = shards[i];
    const auto &a = s.result.schedule, &b = shards[0].result.schedule;
    if (s.tree != out.tree || s.models != out.models || a.seed != b.seed || a.shards != b.shards ||
        s.limits.paging != out.limits.paging || s.limits.sva != out.limits.sva ||
        s.limits.attach != out.limits.attach)
      throw std::invalid_argument(names[i] + ": expected a shard of the same run as " + names[0] +
                                  " (tree, models, seed, shard count and domains)");
    for (auto k : s.shards_merged)
      if (!seen.insert(k).second)
        throw std::invalid_argument(names[i] + ": shard " + std::to_string(k + 1) + " is given twice");
    out.shards_merged.insert(out.shards_merged.end(), s.shards_merged.begin(), s.shards_merged.end());
    out.result.totals += s.result.totals;
    for (const auto &u : s.result.unknowns)
      if (out.result.unknowns.size() < 5) out.result.unknowns.push_back(u);
    for (const auto &f : s.result.findings) {
      auto it = by_signature.find(f.finding.signature);
      if (it == by_signature.end()) {
        by_signature[f.finding.signature] = out.result.findings.size();
        out.result.findings.push_back(f);
        continue;
      }
      ExploredFinding &m = out.result.findings[it->second];
      const uint64_t total = m.sequences + f.sequences;
      std::string models = m.models;
      if (!f.models.empty() && models.find(f.models) == std::string::npos)
        models += (models.empty() ? "" : ",") + f.models;
      if (f.first_index < m.first_index) m = f;  // the same witness whatever the order of the files
      m.sequences = total;
      m.models = models;
    }
  }
  std::sort(out.shards_merged.begin(), out.shards_merged.end());
  std::sort(out.result.findings.begin(), out.result.findings.end(),
            [](const ExploredFinding &a, const ExploredFinding &b) { return a.first_index < b.first_index; });
  out.result.schedule.shard = out.shards_merged[0];
  return out;
}

}  // namespace smmu::explore
