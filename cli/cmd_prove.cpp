// smmu-check prove: the tree's STE/CD writer run symbolically from its IR and,
// per (entry, model), a proof over every pair of the stated input set, or a
// minimised counterexample replayed natively, or unknown with the reason.
#include <llvm/Support/raw_os_ostream.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "hex.h"
#include "json_io.h"
#include "kernel_fields.h"
#include "kernel_semantics.h"
#include "options.h"
#include "witness_report.h"
#include "writer_proof_run.h"

namespace smmu::cli {

using checks::kernel_semantics;

namespace {

namespace json = llvm::json;

const char *kHelp =
    "usage: smmu-check prove (--debian SERIES | --src DIR) [--model M[,M...]] [--entry ste|cd|all]\n"
    "                        [--format text|json] [--timeout SECONDS] [--jobs N] [--relax-update-safe]\n"
    "                        [--over image|used-bits] [--conditions [--pairs] [--maker F]]\n"
    "                        [--clean-at-sync] [--verbose]\n\n"
    "Runs the tree's own arm_smmu_write_entry (with its get_used and qword diff)\n"
    "from its LLVM IR on symbolic current and target entries, and asks Z3, per\n"
    "entry kind and model, whether some pair, some epoch of the write and some\n"
    "fetch the model allows see an entry that means neither the epoch's start nor\n"
    "its end (after the last sync: not the target), or a sync leaves an entry\n"
    "meaning neither configuration. The pairs are those the tree's own make\n"
    "functions (arm_smmu_make_*, run from their IR on symbolic parameters) can\n"
    "produce. 'proved' holds for every pair of the input set printed with the\n"
    "result; a counterexample is minimised, replayed through\n"
    "the compiled writer and judged by the explicit engine, like a sweep pair; a\n"
    "timeout or IR the executor does not model is 'unknown'. Exit 0 only if\n"
    "everything asked is proved.\n\n";

std::string hex_entry(const checker::Qwords &q) {
  std::ostringstream os;
  os << std::hex << std::setfill('0');
  for (size_t i = 0; i < q.size(); ++i) os << (i ? " " : "") << std::setw(16) << q[i];
  return os.str();
}

std::string seconds(double s) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(1) << s << " s";
  return os.str();
}

void print_text(std::ostream &out, const harness::KernelRunner &k, const std::vector<checker::EntryProof> &proofs) {
  out << "prove " << k.tree().origin << ": arm_smmu_write_entry from its IR\n";
  const checker::FieldMapPtr fields = checks::kernel_fields(k);
  std::vector<std::string> sets;
  for (const auto &p : proofs)
    if (!p.proof.input_set.empty() && std::find(sets.begin(), sets.end(), p.proof.input_set) == sets.end())
      sets.push_back(p.proof.input_set);
  for (const auto &set : sets) out << "over: " << set << "\n";
  out << "\n"
      << std::left << std::setw(6) << "entry" << std::setw(24) << "model" << std::setw(16) << "verdict"
      << std::setw(9) << "time" << std::setw(9) << "cpu" << std::setw(7) << "steps" << std::setw(7) << "syncs" << std::setw(7) << "spans"
      << std::setw(9) << "queries" << "largest query\n";
  for (const auto &p : proofs) {
    const auto &r = p.proof;
    out << std::left << std::setw(6) << checker::entry_name(p.kind) << std::setw(24) << p.model << std::setw(16)
        << to_string(r.outcome) << std::setw(9) << seconds(r.seconds) << std::setw(9) << seconds(r.cpu_seconds)
        << std::setw(7) << r.steps << std::setw(7)
        << r.syncs << std::setw(7) << r.spans << std::setw(9) << r.queries << r.max_query_nodes << " nodes"
        << (r.relaxed_by.empty() ? "" : "  (relaxed by " + r.relaxed_by + ")")
        << (r.clean_at_sync ? "  (each sync cleans the entry to PoC)" : "") << "\n";
  }
  for (const auto &p : proofs) {
    const auto &r = p.proof;
    if (r.outcome == checker::ProofOutcome::Proved) continue;
    out << "\n" << to_string(r.outcome) << ": " << checker::entry_name(p.kind) << " under " << p.model << ": "
        << r.reason << "\n";
    if (!r.counterexample) continue;
    const auto &cx = *r.counterexample;
    out << "  current  " << hex_entry(cx.current) << "\n  target   " << hex_entry(cx.target) << "\n";
    if (!cx.current_made_by.empty())
      out << "  current made by " << cx.current_made_by << "\n  target made by  " << cx.target_made_by << "\n";
    if (!cx.observed.empty()) out << "  fetch    " << hex_entry(cx.observed) << "\n";
    out << "  (" << cx.differing_qwords << " qwords, " << cx.differing_bits << " bits differ)\n  the writer's steps:";
    for (const auto &s : cx.path) out << " [" << checker::to_string(s) << "]";
    out << "\n";
    if (p.replay) {
      out << "  native replay (sweep_replay_" << (p.kind == harness::DescKind::Cd ? "cd" : "ste")
          << "_pair, explicit engine): " << to_string(p.replay->outcome);
      if (p.replay->outcome == checker::Outcome::Violation) out << " (" << to_string(p.replay->kind) << ")";
      out << ": " << p.replay->reason << "\n";
      if (p.replay->outcome == checker::Outcome::Violation) checker::print_witness(out, p.replay_trace, *p.replay, fields.get());
    }
  }
}

struct EntryConditions {
  harness::DescKind kind;
  std::string model;
  checker::ChangeConditions conditions;
};

std::string condition_text(const checker::ChangeCondition &c) {
  switch (c.outcome) {
    case checker::ProofOutcome::Proved: return "safe";
    case checker::ProofOutcome::Unknown: return "unknown: " + c.reason;
    case checker::ProofOutcome::Counterexample: break;
  }
  return "seen wrong (" + c.seen + ") from " + std::to_string(c.min_bytes) + " changed byte" +
         (c.min_bytes == 1 ? "" : "s") + ", e.g. " + hex(c.from) + " -> " + hex(c.to) +
         (c.reason.empty() ? "" : " (" + c.reason + ")");
}

void print_conditions(std::ostream &out, const std::vector<EntryConditions> &all) {
  for (const auto &e : all) {
    out << "\nchanges of one parameter: " << checker::entry_name(e.kind) << " under " << e.model << " ("
        << e.conditions.queries << " queries, " << seconds(e.conditions.seconds);
    if (e.conditions.safe_pairs) out << "; " << e.conditions.safe_pairs << " pairs safe together, not listed";
    out << ")\n";
    if (!e.conditions.unknown.empty()) {
      out << "  unknown: " << e.conditions.unknown << "\n";
      continue;
    }
    size_t maker = 0, parameter = 0;
    for (const auto &c : e.conditions.rows) {
      maker = std::max(maker, c.maker.size());
      parameter = std::max(parameter, c.parameter.size());
    }
    for (const auto &c : e.conditions.rows)
      out << "  " << std::left << std::setw(static_cast<int>(maker + 2)) << c.maker
          << std::setw(static_cast<int>(parameter + 2)) << c.parameter << std::setw(4) << c.bytes << condition_text(c)
          << "\n";
  }
}

void print_json(std::ostream &out, const harness::KernelRunner &k, const std::vector<checker::EntryProof> &proofs,
                const std::vector<EntryConditions> &conditions) {
  llvm::raw_os_ostream os(out);
  json::OStream j(os);
  auto entry = [&](llvm::StringRef name, const checker::Qwords &q) {
    json::Array a;
    for (uint64_t v : q) a.push_back(report::hex64(v));
    j.attribute(name, std::move(a));
  };
  j.objectBegin();
  j.attribute("tree", k.tree().origin);
  j.attributeArray("proofs", [&] {
    for (const auto &p : proofs) {
      const auto &r = p.proof;
      j.objectBegin();
      j.attribute("entry", checker::entry_name(p.kind));
      j.attribute("model", p.model);
      j.attribute("outcome", to_string(r.outcome));
      j.attribute("reason", r.reason);
      j.attribute("relaxed_by", r.relaxed_by);
      j.attribute("input_set", r.input_set);
      report::number6(j, "seconds", r.seconds);
      report::number6(j, "cpu_seconds", r.cpu_seconds);
      report::number6(j, "symbolic_writer_seconds", p.symbolic_seconds);
      j.attribute("steps", static_cast<uint64_t>(r.steps));
      j.attribute("syncs", static_cast<uint64_t>(r.syncs));
      j.attribute("stores", static_cast<uint64_t>(r.stores));
      j.attribute("spans", static_cast<uint64_t>(r.spans));
      j.attribute("queries", static_cast<uint64_t>(r.queries));
      j.attribute("max_query_nodes", static_cast<uint64_t>(r.max_query_nodes));
      j.attribute("clean_at_sync", r.clean_at_sync);
      if (r.counterexample) {
        const auto &cx = *r.counterexample;
        j.attributeObject("counterexample", [&] {
          j.attribute("property", cx.property);
          j.attribute("epoch", cx.epoch);
          entry("current", cx.current);
          entry("target", cx.target);
          entry("fetch", cx.observed);
          j.attribute("current_made_by", cx.current_made_by);
          j.attribute("target_made_by", cx.target_made_by);
          j.attribute("differing_qwords", cx.differing_qwords);
          j.attribute("differing_bits", cx.differing_bits);
          j.attributeArray("steps", [&] {
            for (const auto &s : cx.path) j.value(checker::to_string(s));
          });
        });
      }
      if (p.replay)
        j.attributeObject("replay", [&] {
          j.attribute("outcome", to_string(p.replay->outcome));
          j.attribute("kind", to_string(p.replay->kind));
          j.attribute("reason", p.replay->reason);
        });
      j.objectEnd();
    }
  });
  if (!conditions.empty())
    j.attributeArray("conditions", [&] {
      for (const auto &e : conditions)
        j.object([&] {
          j.attribute("entry", checker::entry_name(e.kind));
          j.attribute("model", e.model);
          j.attribute("unknown", e.conditions.unknown);
          j.attributeArray("parameters", [&] {
            for (const auto &c : e.conditions.rows)
              j.object([&] {
                j.attribute("maker", c.maker);
                j.attribute("parameter", c.parameter);
                j.attribute("bytes", c.bytes);
                j.attribute("outcome", to_string(c.outcome));
                j.attribute("reason", c.reason);
                if (c.outcome == checker::ProofOutcome::Counterexample) {
                  j.attribute("min_bytes", c.min_bytes);
                  j.attribute("seen", c.seen);
                  j.attribute("from", report::hex64(c.from));
                  j.attribute("to", report::hex64(c.to));
                  entry("current", c.current);
                  entry("target", c.target);
                }
              });
          });
        });
    });
  j.objectEnd();
  os << "\n";
}

}  // namespace

int cmd_prove(const std::vector<std::string> &argv) {
  Args a = parse(argv, kernel_options({"model", "entry", "format", "timeout", "jobs", "over", "maker"},
                                      {"verbose", "relax-update-safe", "conditions", "pairs", "clean-at-sync"}),
                 "prove");
  if (a.has("help")) {
    std::cout << kHelp << kKernelOptionsHelp
              << "  --model M[,M...]  models (default: coherent,nc); see 'smmu-check models'\n"
                 "  --entry E         ste, cd or all (default)\n"
                 "  --format F        text (default) or json\n"
                 "  --timeout S       per solver query, in seconds (default 60): past it, unknown\n"
                 "  --jobs N          solver threads (default: one per hardware thread)\n"
                 "  --clean-at-sync   cacheable models: each sync cleans the entry to PoC first\n"
                 "  --relax-update-safe  a weaker property (7.x STEs): leave the bits the tree's\n"
                 "                    get_update_safe declares safe for the pair out of the meaning\n"
                 "  --over SET        image (default): the pairs the make functions can produce;\n"
                 "                    used-bits: every pair whose entries set no bit their get_used\n"
                 "                    does not use and on which the writer does not WARN (a set\n"
                 "                    stated without running the make functions)\n"
                 "  --conditions      also, per make function and parameter it reads: is a change\n"
                 "                    of that parameter alone safe, or from how many changed bytes\n"
                 "                    on can a fetch see a wrong entry (with a replayed example)\n"
                 "  --pairs           with --conditions: also every two parameters each safe alone,\n"
                 "                    listed when they are not safe together\n"
                 "  --maker F         with --conditions: only the make function F\n"
                 "  --verbose         every solver query on stderr (else one every 5 s)\n"
                 "\nexample:\n  smmu-check prove --debian 6.12 --model coherent --entry ste\n";
    return 0;
  }
  const std::string format = a.get("format", "text"), which = a.get("entry", "all");
  if (format != "text" && format != "json")
    throw harness::UserError("--format expects text or json, got '" + format + "'");
  if (which != "ste" && which != "cd" && which != "all")
    throw harness::UserError("--entry expects ste, cd or all, got '" + which + "'");
  checker::ProofOptions options;
  try {
    options.query_timeout_ms = static_cast<unsigned>(std::stoul(a.get("timeout", "60")) * 1000);
  } catch (const std::exception &) {
    throw harness::UserError("--timeout expects whole seconds, got '" + a.get("timeout") + "'");
  }
  options.relax_update_safe = a.has("relax-update-safe");
  const std::string over = a.get("over", "image");
  if (over != "image" && over != "used-bits")
    throw harness::UserError("--over expects image or used-bits, got '" + over + "'");
  options.over = over == "image" ? checker::ProofInputSet::MakeImage : checker::ProofInputSet::UsedBits;
  if (a.has("jobs")) options.jobs = static_cast<unsigned>(parse_jobs(a.get("jobs")));
  std::vector<models::Model> models = resolve_model_list(a.get("model", "coherent,nc"));
  options.clean_at_sync = a.has("clean-at-sync");
  auto runner = open_kernel(a);
  checker::EntrySemantics sem = kernel_semantics(*runner, false);
  const bool quiet = a.has("quiet");
  // Every query with --verbose; else the latest answer every 5 s, as a CD proof takes tens of seconds.
  auto last = std::chrono::steady_clock::now();
  if (!quiet)
    options.progress = [&last, verbose = a.has("verbose")](const std::string &s) {
      auto now = std::chrono::steady_clock::now();
      if (!verbose && now - last < std::chrono::seconds(5)) return;
      last = now;
      std::cerr << "smmu-check:   " << s << "\n";
    };

  std::vector<harness::DescKind> kinds;
  if (which != "cd") kinds.push_back(harness::DescKind::Ste);
  if (which != "ste") kinds.push_back(harness::DescKind::Cd);
  checker::WriterProver prover(*runner, sem);
  std::vector<checker::EntryProof> proofs;
  for (harness::DescKind kind : kinds) {
    for (const auto &m : models) {
      if (!quiet) std::cerr << "smmu-check: proving the " << checker::entry_name(kind) << " writer under " << m.name << "\n";
      proofs.push_back(prover.prove(kind, m, options));
      if (!quiet) std::cerr << "smmu-check:   " << to_string(proofs.back().proof.outcome) << " in "
                            << seconds(proofs.back().proof.seconds) << "\n";
    }
  }
  for (const char *o : {"pairs", "maker"})
    if (a.has(o) && !a.has("conditions")) throw harness::UserError(std::string("--") + o + " goes with --conditions");
  std::vector<EntryConditions> conditions;
  if (a.has("conditions"))
    for (harness::DescKind kind : kinds)
      for (const auto &m : models) {
        if (!quiet)
          std::cerr << "smmu-check: changes of one parameter of the " << checker::entry_name(kind)
                    << " make functions under " << m.name << "\n";
        conditions.push_back({kind, m.name, prover.conditions(kind, m, options, a.has("pairs"), a.get("maker", ""))});
      }
  if (format == "json") {
    print_json(std::cout, *runner, proofs, conditions);
  } else {
    print_text(std::cout, *runner, proofs);
    print_conditions(std::cout, conditions);
  }
  for (const auto &p : proofs)
    if (p.proof.outcome != checker::ProofOutcome::Proved) return 1;
  return 0;
}

}  // namespace smmu::cli
