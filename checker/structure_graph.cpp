#include "structure_graph.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "hex.h"
#include "model_support.h"

namespace smmu::checker {
namespace {

using harness::BarrierKind;
using harness::Event;
using harness::EventKind;

// Barriers that order earlier stores before later ones for an outer-shareable
// observer such as the SMMU; smp_* barriers only reach the inner domain.
bool orders_for_device(const Event &e) {
  if (e.kind == EventKind::Barrier)
    return e.barrier == BarrierKind::DmaWmb || e.barrier == BarrierKind::DmaMb ||
           e.barrier == BarrierKind::Wmb || e.barrier == BarrierKind::Mb;
  // A completed CMD_SYNC: every earlier store was visible to the SMMU (doorbell=dmb).
  return e.kind == EventKind::Command && (e.cmd[0] & 0xff) == 0x46;
}

bool cleans(const Event &e, uint64_t addr) {
  return e.kind == EventKind::Cmo && e.cmo != harness::CmoKind::Inval && addr >= e.addr &&
         addr < e.addr + e.size;
}

// The trace's memory as the CPU holds it, qword by qword, and what makes a
// memory effect visible to the SMMU.
class Walker {
 public:
  Walker(const harness::Trace &t, bool cacheable) : t_(t), cacheable_(cacheable) {
    next_order_.assign(t.events.size() + 1, static_cast<int>(t.events.size()));
    for (size_t i = t.events.size(); i-- > 0;)
      next_order_[i] = orders_for_device(t.events[i]) ? static_cast<int>(i) : next_order_[i + 1];
    for (size_t i = 0; i < t.events.size(); ++i) {
      const Event &e = t.events[i];
      if (e.kind == EventKind::Cmo) cmos_.push_back(static_cast<int>(i));
      if (e.kind == EventKind::Store && e.desc >= 0) stores_[e.desc].push_back(static_cast<int>(i));
    }
  }

  // Is the memory effect at trace index `from` (at addr) visible to the SMMU
  // by the time of the event at index `to`?
  bool visible_before(size_t from, size_t to, uint64_t addr) const {
    if (!cacheable_) return next_order_[from + 1] < static_cast<int>(to);
    for (auto it = std::upper_bound(cmos_.begin(), cmos_.end(), static_cast<int>(from));
         it != cmos_.end() && *it < static_cast<int>(to); ++it)
      if (cleans(t_.events[*it], addr)) return true;
    return false;
  }

  uint64_t qword(uint64_t a) const {
    auto it = mem_.find(a);
    return it == mem_.end() ? 0 : it->second;
  }

  // Applies event i (registrations and stores) to the CPU's view.
  void apply(size_t i) {
    const Event &e = t_.events[i];
    if ((e.kind == EventKind::Alloc || e.kind == EventKind::DescRegister) && e.desc >= 0) {
      for (size_t q = 0; q < e.before.size(); ++q) mem_[e.addr + 8 * q] = e.before[q];
      born_[e.desc] = static_cast<int>(i);
    }
    if (e.kind == EventKind::Store && e.size > 0 && e.size <= 8) {
      uint64_t qa = e.addr & ~7ull;
      unsigned shift = static_cast<unsigned>(e.addr & 7) * 8;
      uint64_t m = (e.size == 8 ? ~0ull : ((1ull << (8 * e.size)) - 1)) << shift;
      mem_[qa] = (qword(qa) & ~m) | ((e.value << shift) & m);
    }
  }

  // The followable target of the entry at `base` through edge e, if any.
  std::optional<uint64_t> target(const GraphEdge &e, uint64_t base) const {
    for (const auto &g : e.guards)
      if (!g.holds(qword(base + 8ull * g.qword))) return std::nullopt;
    return qword(base + 8ull * e.qword) & e.mask;
  }

  // The newest range registered so far that starts at addr (other than `except`).
  int range_at(uint64_t addr, int except) const {
    int found = -1;
    for (const auto &[d, at] : born_)
      if (d != except && t_.descs[d].base == addr && (found < 0 || born_.at(found) < at)) found = d;
    return found;
  }

  int born(int d) const { return born_.at(d); }
  const std::vector<int> &stores(int d) const {
    static const std::vector<int> none;
    auto it = stores_.find(d);
    return it == stores_.end() ? none : it->second;
  }

 private:
  const harness::Trace &t_;
  bool cacheable_;
  std::vector<int> next_order_, cmos_;
  std::map<int, std::vector<int>> stores_;
  std::map<uint64_t, uint64_t> mem_;
  std::map<int, int> born_;  // desc -> its Alloc/DescRegister event
};

// Does a store to [addr, addr+size) touch the pointer's or a guard's qword of the entry at base?
bool touches(const GraphEdge &e, uint64_t base, const Event &s) {
  auto hit = [&](unsigned q) { return s.addr < base + 8ull * q + 8 && s.addr + s.size > base + 8ull * q; };
  if (hit(e.qword)) return true;
  return std::any_of(e.guards.begin(), e.guards.end(), [&](const GraphGuard &g) { return hit(g.qword); });
}

}  // namespace

bool GraphGuard::holds(uint64_t q) const {
  bool in = std::find(values.begin(), values.end(), q & mask) != values.end();
  return negate ? !in : in;
}

StructureGraph level1_edges(const StructureGraph &g) {
  StructureGraph out{{}, g.omitted, g.pgtable_software_bits};
  for (const auto &e : g.edges)
    if (e.level1()) out.edges.push_back(e);
  return out;
}

StructureGraph non_level1_edges(const StructureGraph &g) {
  StructureGraph out{{}, g.omitted, g.pgtable_software_bits};
  for (const auto &e : g.edges)
    if (!e.level1()) out.edges.push_back(e);
  return out;
}

std::vector<Publication> check_structure_graph(const harness::Trace &t, const models::Model &model,
                                               const std::vector<GraphEdge> &edges,
                                               const std::vector<GraphEdge> *follow,
                                               uint64_t pgtable_software_bits) {
  const bool cacheable = model.coherency == models::Coherency::Cacheable;
  const std::string unsupported = unsupported_parameters(model);
  const std::vector<GraphEdge> &follow_edges = follow ? *follow : edges;
  Walker w(t, cacheable);
  std::vector<Publication> out;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const Event &p = t.events[i];
    if (p.kind != EventKind::Store || p.desc < 0) {
      w.apply(i);
      continue;
    }
    const harness::DescRange &pd = t.descs[p.desc];
    // Each edge this store can change: its followable target before and after.
    struct Change {
      const GraphEdge *edge;
      unsigned entry;
      uint64_t base;
      std::optional<uint64_t> before;
    };
    std::vector<Change> changes;
    for (const auto &e : edges) {
      if (e.from != pd.kind || !e.entry_qwords) continue;
      const uint64_t bytes = 8ull * e.entry_qwords;
      const unsigned entry = static_cast<unsigned>(p.offset / bytes);
      const uint64_t base = pd.base + entry * bytes;
      if (touches(e, base, p)) changes.push_back({&e, entry, base, w.target(e, base)});
    }
    w.apply(i);
    for (const auto &c : changes) {
      std::optional<uint64_t> after = w.target(*c.edge, c.base);
      if (!after || !*after || (c.before && *c.before == *after)) continue;
      Publication pub;
      pub.pointer_event = static_cast<int>(i);
      pub.edge = c.edge->name;
      pub.pointer = pd.name;
      pub.entry = c.entry;
      pub.target = *after;
      const int table = w.range_at(*after, p.desc);
      if (table < 0) {
        pub.outcome = Outcome::Unknown;
        pub.table = hex(*after);
        pub.reason = pd.name + " (" + c.edge->name + ") points at " + hex(*after) +
                     ", where no registered structure starts: what the SMMU reads there is not checked";
        out.push_back(pub);
        continue;
      }
      const harness::DescRange &td = t.descs[table];
      pub.table = td.name;
      if (td.kind != c.edge->to) {
        pub.outcome = Outcome::Unknown;
        pub.reason = pd.name + " (" + c.edge->name + ") points at " + td.name + ", registered as " +
                     harness::to_string(td.kind) + " where the pointer names " + harness::to_string(c.edge->to) +
                     ": the SMMU would read it as another structure, which is not checked";
        out.push_back(pub);
        continue;
      }
      // Everything reachable from the table through followable pointers, as the CPU holds them now.
      std::vector<int> reached{table};
      std::map<int, std::string> path{{table, pd.name + " -> " + td.name}};
      for (size_t r = 0; r < reached.size(); ++r) {
        const harness::DescRange &s = t.descs[reached[r]];
        for (const auto &e : follow_edges) {
          if (e.from != s.kind || !e.entry_qwords) continue;
          const uint64_t bytes = 8ull * e.entry_qwords;
          for (uint64_t k = 0; k < s.size / bytes; ++k) {
            std::optional<uint64_t> to = w.target(e, s.base + k * bytes);
            if (!to || !*to) continue;
            const int d = w.range_at(*to, reached[r]);
            if (d < 0 || t.descs[d].kind != e.to) {
              std::string note = s.name + " entry " + std::to_string(k) + " (" + e.name + ") also reaches " +
                                 (d < 0 ? hex(*to) + ", where no registered structure starts"
                                        : t.descs[d].name + ", registered as " + harness::to_string(t.descs[d].kind)) +
                                 ": not checked";
              if (std::find(pub.notes.begin(), pub.notes.end(), note) == pub.notes.end()) pub.notes.push_back(note);
              continue;
            }
            if (path.emplace(d, path[reached[r]] + " -> " + t.descs[d].name).second) reached.push_back(d);
          }
        }
      }
      pub.reached = reached.size();
      auto fail = [&](int s, size_t j, uint64_t seen, uint64_t intended, const std::string &what) {
        if (pub.outcome == Outcome::Violation) return;
        pub.outcome = Outcome::Violation;
        pub.kind = cacheable ? ViolationKind::Stale : ViolationKind::Misordered;
        pub.unordered_event = static_cast<int>(j);
        pub.unordered_in = t.descs[s].name;
        pub.path = path[s];
        pub.seen_value = seen;
        pub.intended_value = intended;
        std::string via = s == table ? pd.name + " to " + td.name : pub.path;
        pub.reason = "the SMMU can follow " + via + " and read " + what +
                     (cacheable ? ": no clean of it completed before the pointer was written"
                                : ": no barrier orders it before the pointer store");
      };
      for (int s : reached) {
        const harness::DescRange &sd = t.descs[s];
        const int born = w.born(s);
        for (int j : w.stores(s)) {
          if (j <= born || j >= static_cast<int>(i)) continue;
          const Event &st = t.events[j];
          if (s == table) ++pub.table_stores;
          if (sd.kind == harness::DescKind::PgTable && st.size == 8 &&
              ((st.value ^ st.old_value) & ~pgtable_software_bits) == 0)
            continue;  // nothing a walk reads changes
          if (!w.visible_before(j, i, st.addr))
            fail(s, j, st.old_value, st.value, sd.name + "[" + std::to_string(st.offset / 8) + "] before its store");
        }
        // The allocation's zeroing is a store too (the allocator's own barriers are not in the trace).
        // Before it, the SMMU may read any bytes (docs/model.md §4.4): no particular value is assumed.
        const Event &b = t.events[born];
        if (b.kind == EventKind::Alloc && !w.visible_before(born, i, sd.base)) {
          fail(s, born, 0, 0,
               b.zeroed ? "fresh memory (any bytes: the allocator's zeroing is not yet visible)"
                        : "fresh memory (any bytes: never written)");
          if (pub.unordered_event == born) pub.seen_fresh = true;
        }
      }
      if (pub.outcome == Outcome::Pass && !pub.notes.empty()) {
        pub.outcome = Outcome::Unknown;
        pub.reason = pub.notes.front();
      }
      if (!unsupported.empty()) {
        pub.outcome = Outcome::Unknown;
        pub.kind = ViolationKind::None;
        pub.reason = unsupported;
      }
      out.push_back(pub);
    }
  }
  return out;
}

}  // namespace smmu::checker
