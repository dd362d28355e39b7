#include "check_update.h"

#include <algorithm>
#include <chrono>

#include "witness_essential.h"

namespace smmu::checker {
namespace {

bool invalid(const Entry &meaning) {
  for (uint64_t q : meaning)
    if (q) return false;
  return true;
}

EpochSpace without_stale(EpochSpace s) {
  for (auto &g : s.granules)
    g.candidates.erase(std::remove_if(g.candidates.begin(), g.candidates.end(),
                                      [](const Candidate &c) { return c.stale; }),
                       g.candidates.end());
  return s;
}

// The kind of a witness: stale if it uses a stale value, torn if a qword is no
// whole value, else misordered.
ViolationKind classify(const Witness &w, const EpochSpace &s) {
  for (const auto &p : w.parts)
    if (p.stale) return ViolationKind::Stale;
  for (unsigned q = 0; q < kEntryQwords; ++q) {
    const auto &whole = s.whole_values[q];
    if (!whole.empty() && std::find(whole.begin(), whole.end(), w.observed[q]) == whole.end())
      return ViolationKind::Torn;
  }
  return ViolationKind::Misordered;
}

Witness witness_of(const EpochSpace &s, const std::vector<size_t> &choice) {
  Witness w;
  w.observed = assemble(s, choice);
  for (size_t i = 0; i < s.granules.size(); ++i) {
    const Granule &g = s.granules[i];
    const Candidate &c = g.candidates[choice[i]];
    w.parts.push_back({g.qword, g.shift, g.width, c.value, c.trace_index, c.stale});
  }
  return w;
}

// Judges one update into v (which starts as a fresh pass).
void judge_update(const EntryUpdate &u, size_t ui, const models::Model &model, Engine &engine,
                  const EntrySemantics &sem, const CheckOptions &options, Verdict &v) {
  auto unknown = [&](const std::string &why) {
    if (v.outcome == Outcome::Pass) {
      v.outcome = Outcome::Unknown;
      v.reason = why;
    }
  };
  v.updates = 1;
  v.syncs = u.syncs;
  if (options.clean_at_sync && model.coherency == models::Coherency::Cacheable)
    v.notes.push_back("each sync is assumed to clean the entry to PoC first (--clean-at-sync)");
  if (u.abstract_syncs)
    v.notes.push_back("the writer's sync op issued no command (KUnit's record_syncs, a bare .seq sync): each is "
                      "taken as CFGI + CMD_SYNC of the entry");
  if (!u.problem.empty()) {
    unknown(u.descriptor + ": " + u.problem);
    return;
  }
  {
    Entry m_initial = sem.meaning(u.kind, u.initial), m_target = sem.meaning(u.kind, u.target);

    // Stable states: what every sync leaves behind.
    for (size_t k = 0; k + 1 < u.epochs.size(); ++k) {
      const Entry &s = u.epochs[k].end;
      if (s[0] == 0) v.hitless = false;
      Entry m = sem.meaning(u.kind, s);
      if (m == m_initial || m == m_target || invalid(m)) continue;
      if (v.outcome != Outcome::Violation) {
        v.outcome = Outcome::Violation;
        v.kind = ViolationKind::Misordered;
        v.reason = "after sync " + std::to_string(k + 1) +
                   " the entry means neither the initial nor the target configuration";
        v.witness = Witness{ui, k, s, {}, m, m_initial, m_target, u.epochs[k].start, s};
      }
    }
    if (u.epochs.back().end != u.target && v.outcome != Outcome::Violation) {
      v.outcome = Outcome::Violation;
      v.kind = ViolationKind::Misordered;
      v.reason = "the update ends with an entry that is not the target";
      v.witness = Witness{ui, u.epochs.size() - 1, u.epochs.back().end, {}, {}, m_initial,
                          m_target, u.epochs.back().start, u.epochs.back().end};
    }

    // Every observation of every epoch, the last one being publication.
    for (size_t k = 0; k < u.epochs.size() && v.outcome != Outcome::Violation; ++k) {
      EpochSpace space = observation_space(u, k, model, options.clean_at_sync);
      if (!space.unsupported.empty()) {
        unknown(space.unsupported);
        break;
      }
      // After the last sync only the target may be seen (publication); before
      // it, an epoch's observations may mean its start or its end.
      bool last = k + 1 == u.epochs.size();
      Entry m_end = sem.meaning(u.kind, u.epochs[k].end);
      EpochQuery q{u.kind, &space, last ? m_end : sem.meaning(u.kind, u.epochs[k].start), m_end};
      EpochAnswer a = engine.decide(q);
      v.explored += a.explored;
      if (a.outcome == Outcome::Unknown) {
        unknown(a.reason);
        continue;
      }
      if (a.outcome != Outcome::Violation) continue;
      // The kind is the plainest cause that suffices, so that every engine
      // names it alike: first whole, fresh values only (misordered), then
      // fresh values in torn granules (torn), else the witness found (stale).
      models::Model whole = model;
      whole.coherency = models::Coherency::Coherent;
      whole.plain_store = models::PlainStore::Atomic;
      EpochSpace fresh_whole = observation_space(u, k, whole, true);
      EpochSpace fresh = without_stale(space);
      const EpochSpace *witness_space = &space;
      for (const EpochSpace *narrower : {&fresh_whole, &fresh}) {
        if (narrower->combinations() >= space.combinations()) continue;
        EpochAnswer b = engine.decide({q.kind, narrower, q.meaning_start, q.meaning_end});
        v.explored += b.explored;
        if (b.outcome == Outcome::Violation) {
          a = b;
          witness_space = narrower;
          break;
        }
      }
      const EpochSpace &wspace = *witness_space;
      Witness w = witness_of(wspace, a.choice);
      w.update = ui;
      w.epoch = k;
      w.meaning_observed = sem.meaning(u.kind, w.observed);
      w.meaning_start = q.meaning_start;
      w.meaning_end = q.meaning_end;
      w.start = u.epochs[k].start;
      w.end = u.epochs[k].end;
      if (w.meaning_observed == w.meaning_start || w.meaning_observed == w.meaning_end) {
        // Every violation must replay on the compiled kernel code; one that does not is an engine bug.
        unknown(std::string(engine.name()) + " reported an observation in epoch " +
                std::to_string(k) + " that does not replay with the compiled get_used");
        continue;
      }
      if (wspace.over_approximate) {
        unknown("a possible violation in epoch " + std::to_string(k) +
                " relies on tearing a qword that also takes WRITE_ONCE stores (over-approximated)");
        continue;
      }
      mark_essential_parts(w, u.kind, sem);
      v.outcome = Outcome::Violation;
      v.kind = classify(w, wspace);
      // A store that no sync follows is never guaranteed to be seen: the old value lives on.
      if (last && v.kind == ViolationKind::Misordered) v.kind = ViolationKind::Stale;
      v.reason = last ? "after the last sync a fetch can still see an entry that is not the target"
                      : "a fetch during epoch " + std::to_string(k) +
                            " can see an entry that means neither the entry at its start nor at its end";
      v.witness = w;
    }
  }
}

}  // namespace

std::vector<Verdict> check_each_update(const harness::Trace &trace, const models::Model &model,
                                       Engine &engine, const EntrySemantics &sem,
                                       const CheckOptions &options) {
  std::vector<Verdict> out;
  std::vector<EntryUpdate> updates = extract_entry_updates(trace);
  for (size_t ui = 0; ui < updates.size(); ++ui) {
    auto t0 = std::chrono::steady_clock::now();
    Verdict v;
    judge_update(updates[ui], ui, model, engine, sem, options, v);
    v.engine = engine.name();  // after judging: a chain names the engines that decided
    v.unique = engine.unique_outcomes();
    v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.push_back(std::move(v));
  }
  return out;
}

Verdict check_trace(const harness::Trace &trace, const models::Model &model, Engine &engine,
                    const EntrySemantics &sem, const CheckOptions &options) {
  std::vector<Verdict> each = check_each_update(trace, model, engine, sem, options);
  Verdict total;
  total.engine = engine.name();  // after judging: a chain names the engines that decided
  total.updates = 0;
  if (each.empty()) {
    total.outcome = Outcome::Unknown;
    total.reason = "the trace holds no STE/CD update (arm_smmu_write_entry)";
  }
  // The first violation names the trace's verdict, else the first unknown.
  for (const Verdict &v : each) {
    bool take = v.outcome == Outcome::Violation ? total.outcome != Outcome::Violation
                                                : v.outcome == Outcome::Unknown && total.outcome == Outcome::Pass;
    if (take) {
      total.outcome = v.outcome;
      total.kind = v.kind;
      total.reason = v.reason;
      total.witness = v.witness;
    }
    total.explored += v.explored;
    total.updates += v.updates;
    total.syncs += v.syncs;
    total.hitless = total.hitless && v.hitless;
    total.seconds += v.seconds;
    total.notes.insert(total.notes.end(), v.notes.begin(), v.notes.end());
  }
  std::sort(total.notes.begin(), total.notes.end());
  total.notes.erase(std::unique(total.notes.begin(), total.notes.end()), total.notes.end());
  total.unique = engine.unique_outcomes();
  return total;
}

}  // namespace smmu::checker
