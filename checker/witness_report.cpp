#include "witness_report.h"

#include <cstdio>
#include <map>

#include "entry_update.h"
#include "hex.h"
#include "trace_print.h"

namespace smmu::checker {
namespace {

std::string qwords(const Entry &e) {
  std::string s;
  for (int i = 0; i < kEntryQwords; ++i) s += (i ? " " : "") + hex(e[i], 16);
  return s;
}

std::string where(const harness::Event &e) {
  return e.loc.line > 0 ? e.loc.file + ":" + std::to_string(e.loc.line) : "";
}

}  // namespace

std::vector<ObservedPart> merged_parts(const Witness &w) {
  std::vector<ObservedPart> out;
  for (const auto &p : w.parts) {
    auto part_of = [&](uint64_t q) { return p.width == 64 ? q : (q >> p.shift) & ((1ull << p.width) - 1); };
    if (p.trace_index < 0 && part_of(w.start[p.qword]) == p.value && part_of(w.end[p.qword]) == p.value)
      continue;  // a part the epoch never changes is noise
    if (!out.empty()) {
      ObservedPart &b = out.back();
      if (b.qword == p.qword && b.shift + b.width == p.shift && b.trace_index == p.trace_index &&
          b.stale == p.stale && b.width + p.width <= 64) {
        b.value |= p.value << b.width;
        b.width += p.width;
        continue;
      }
    }
    out.push_back(p);
  }
  return out;
}

void print_witness(std::ostream &out, const harness::Trace &t, const Verdict &v, const FieldMap *fields) {
  const Witness &w = v.witness;
  std::vector<EntryUpdate> updates = extract_entry_updates(t);
  if (w.update >= updates.size()) return;
  const EntryUpdate &u = updates[w.update];

  // Letters for the stores the observation took values from.
  std::map<int, char> letter;
  for (const auto &p : w.parts)
    if (p.trace_index >= 0 && !letter.count(p.trace_index))
      letter[p.trace_index] = static_cast<char>('A' + letter.size() % 26);

  out << "  CPU events of update " << w.update + 1 << " (" << u.descriptor << ", numbered as in "
      << "'smmu-check trace' unless a bug was injected):\n";
  size_t epoch = 0;
  out << "    -- epoch 0" << (w.epoch == 0 ? "  <== the SMMU fetch happens here" : "") << "\n";
  for (size_t k = 0; k < u.epochs.size(); ++k) {
    for (const EntryEvent &ev : u.epochs[k].events) {
      const harness::Event &e = t.events[ev.trace_index];
      std::string mark = letter.count(ev.trace_index) ? std::string(" [") + letter[ev.trace_index] + "]" : "";
      char idx[16];
      std::snprintf(idx, sizeof idx, "%6d  ", ev.trace_index + 1);
      out << idx << describe(t, e) << mark << "   " << where(e) << "\n";
    }
    if (u.epochs[k].sync_trace_index >= 0) {
      ++epoch;
      out << "    -- sync " << epoch << " (event " << u.epochs[k].sync_trace_index + 1
          << ") ends epoch " << k << "; epoch " << epoch
          << (w.epoch == epoch ? "  <== the SMMU fetch happens here" : "") << "\n";
    }
  }
  out << "  The SMMU reads, each part at its own instant:\n";
  for (const auto &p : merged_parts(w)) {
    const uint64_t mask = part_mask(p);
    out << "    q" << p.qword;
    if (p.width < 64) out << " bits " << p.shift + p.width - 1 << ":" << p.shift;
    out << " = " << hex(p.value, (p.width + 3) / 4) << "  ";
    // The fields worth naming: where the read or the epoch's two ends disagree.
    const uint64_t read = p.width >= 64 ? p.value : p.value << p.shift;
    const uint64_t start = w.start[p.qword], end = w.end[p.qword];
    const std::string named =
        fields ? fields_phrase(*fields, u.kind, p.qword, mask, (start ^ end) | (read ^ start) | (read ^ end)) : "";
    if (!named.empty()) out << named << "  ";
    if (p.trace_index < 0)
      out << "(the entry before the update)";
    else
      out << "from store [" << letter[p.trace_index] << "] (event " << p.trace_index + 1 << ", "
          << where(t.events[p.trace_index]) << ")";
    if (p.stale) out << "  STALE: overwritten before this epoch began";
    out << "\n";
  }
  out << "  observed          " << qwords(w.observed) << "\n"
      << "  it means          " << qwords(w.meaning_observed) << "\n"
      << "  epoch start means " << qwords(w.meaning_start) << "\n"
      << "  epoch end means   " << qwords(w.meaning_end) << "\n"
      << "  (meaning = entry & used(entry), with the tree's own get_used)\n";
}

}  // namespace smmu::checker
