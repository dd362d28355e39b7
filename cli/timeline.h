// A check's story as a timeline, for `smmu-check explain`: a lane for the CPU
// (stores, barriers, CMOs, commands, boundaries), a lane per memory unit (its
// value history) and a lane for the SMMU (the instants of its reads, each
// tied to the stores its value came from). The violating reads are marked.
// Built once from a verdict; drawn as text, SVG or HTML (timeline_render.cpp).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "pt_check.h"
#include "trace.h"
#include "verdict.h"

namespace smmu::cli {

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
    bool marked = false;      // part of the violation
  };

  std::vector<CpuEvent> cpu;
  std::vector<Unit> units;
  std::vector<Read> reads;
};

// An STE/CD verdict: the update's events, its qwords, one fetch per part.
Timeline timeline_of_entry(const harness::Trace &t, const checker::Verdict &v, const std::string &title);
// A page-table verdict: the run's events, the descriptors the walk read.
Timeline timeline_of_walk(const harness::Trace &t, const checker::PtVerdict &v, const std::string &title);

void render_text(std::ostream &out, const Timeline &tl);
void render_svg(std::ostream &out, const Timeline &tl);
void render_html(std::ostream &out, const Timeline &tl);

}  // namespace smmu::cli
