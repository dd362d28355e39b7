// A check's story as a timeline, for `smmu-check explain`: a lane for the CPU
// (stores, barriers, CMOs, commands, boundaries), a lane per memory unit (its
// value history), a lane for the SMMU (the instants of its reads, each tied
// to the stores its value came from) and, for a page-table walk, a lane for
// what the reads left in the TLB and walk caches and what became of it.
// Built once from a verdict (timeline_entry.cpp, timeline_walk.cpp); laid out
// once (timeline_layout.h); drawn as text, SVG or HTML.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "pt_check.h"
#include "trace.h"
#include "verdict.h"

namespace smmu::report {

struct Timeline {
  std::string title;    // "pt_split_block_4k under coherent"
  std::string verdict;  // "violation (stale): a walk of IOVA ..."
  std::vector<std::string> details;  // lines that explain the verdict (why a cached entry stayed)

  struct CpuEvent {
    int index = 0;         // trace event index
    char glyph = 's';      // s store, b barrier, c CMO, q command, | boundary, a alloc, f free
    std::string label;     // what 'smmu-check trace' prints
    std::string where;     // kernel file:line
  };
  struct Unit {
    std::string name;                              // "ste0.q1", "L2 table2[0]"
    uint64_t addr = 0;                             // the 8-byte unit
    std::vector<std::pair<int, uint64_t>> values;  // (event index, value after it); first: initial (-1)
  };
  struct Read {
    int instant = 0;          // after trace events [0, instant)
    int unit = 0;             // index into units
    uint64_t value = 0;
    std::string label;        // "level 2", "q1 bits 63:32"
    std::vector<int> sources; // store events the value came from (-1: initial content)
    bool marked = false;      // one of the reads that make the violation
    bool use = false;         // no read of memory: a cached walk's result used after a boundary
  };
  // Events [first, last] of the trace that are not drawn, by kind.
  struct Elision {
    int first = 0, last = 0;
    int stores = 0, barriers = 0, cmos = 0, commands = 0, other = 0;
    std::string text() const;  // "events 15–526 not drawn (511 stores, 1 barrier)"
  };
  // An entry a walk's read put in the SMMU's TLB, walk cache or
  // configuration cache, and the invalidations that removed it or did not.
  struct CacheEntry {
    std::string name;        // "L2 table descriptor (walk cache)"
    int read = -1;           // index into reads: the read that filled it
    int from = 0;            // filled after trace events [0, from)
    int until = -1;          // gone from this instant on (-1: never, in this run)
    int removed_by = -1;     // the command whose completion removed it
    std::string removed_how; // "TLBI_NH_VA ... and the CMD_SYNC after it"
    struct Miss {
      int event = -1;        // the invalidation that named it but did not remove it
      std::string why;       // the checker's reason
    };
    std::vector<Miss> misses;
    bool marked = false;     // it outlived the boundary it made stale
  };

  std::vector<CpuEvent> cpu;
  std::vector<Unit> units;
  std::vector<Read> reads;
  std::vector<Elision> elided;
  std::vector<CacheEntry> cache;
  std::string cache_note;  // why the cache lane is empty, when it is
};

// An STE/CD verdict: the update's events, its qwords, one fetch per part.
Timeline timeline_of_entry(const harness::Trace &t, const checker::Verdict &v, const std::string &title);
// A page-table verdict: the run's events, the descriptors the walk read and
// the entries those reads cached.
Timeline timeline_of_walk(const harness::Trace &t, const checker::PtVerdict &v, const std::string &title);

void render_text(std::ostream &out, const Timeline &tl);
void render_svg(std::ostream &out, const Timeline &tl);
void render_html(std::ostream &out, const Timeline &tl);

}  // namespace smmu::report
