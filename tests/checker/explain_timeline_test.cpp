// explain's timeline on the real 6.12 runs, built as the command builds it
// (report/timeline.h from the checker's verdict): the page-table split's cache
// lane ties the TTL=3 TLBI to the stale use it failed to prevent; the 511
// stores it does not draw are marked; a byte-granular STE tear marks only the
// bytes that make it; the pictures are well formed, overlap-free and render.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "check_update.h"
#include "explicit_engine.h"
#include "kernel_fixture.h"
#include "kernel_semantics.h"
#include "model_registry.h"
#include "pt_slice.h"
#include "svg_text.h"
#include "timeline.h"
#include "trace_print.h"

using namespace smmu;
using report::Timeline;

namespace {

Timeline split_timeline(const std::string &model, harness::Trace *trace_out = nullptr) {
  harness::RunResult run = smmu::testing::run_case("6.12", "pt_split_block_4k");
  checker::PtSemantics sem = checker::pt_semantics(smmu::testing::kernel("6.12").slice());
  checker::PtVerdict v = checker::check_pt_trace(run.trace, models::resolve_model(model), sem);
  EXPECT_EQ(v.outcome, checker::Outcome::Violation) << v.reason;
  if (trace_out) *trace_out = run.trace;
  return report::timeline_of_walk(run.trace, v, "pt_split_block_4k under " + model);
}

// The split's TLBI: the one command whose text names TTL 3, found by content.
int ttl3_tlbi(const harness::Trace &t) {
  int found = -1;
  for (size_t i = 0; i < t.events.size(); ++i)
    if (t.events[i].kind == harness::EventKind::Command && harness::describe(t, t.events[i]).find("ttl=3") != std::string::npos) {
      EXPECT_EQ(found, -1) << "one TTL=3 TLBI";
      found = static_cast<int>(i);
    }
  return found;
}

std::string svg_of(const Timeline &tl) {
  std::ostringstream s;
  report::render_svg(s, tl);
  return s.str();
}

std::string text_of(const Timeline &tl) {
  std::ostringstream s;
  report::render_text(s, tl);
  return s.str();
}

void expect_drawable(const std::string &svg, const std::string &name) {
  std::vector<smmu::testing::TextBox> boxes;
  ASSERT_NO_THROW(boxes = smmu::testing::svg_text_boxes(svg)) << name;
  for (const auto &o : smmu::testing::overlapping_text(boxes)) ADD_FAILURE() << name << ": " << o;
  if (!smmu::testing::rsvg_available()) return;  // timeline_test's SvgRendersWithRsvg says so (and fails on CI)
  auto dir = std::filesystem::temp_directory_path() / ("smmu-explain-tl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (name + ".svg")) << svg;
  EXPECT_EQ(smmu::testing::render_with_rsvg((dir / (name + ".svg")).string(), (dir / (name + ".png")).string()), "");
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST(ExplainTimeline, SplitCacheLaneTiesTheTtl3TlbiToTheStaleUse) {
  harness::Trace t;
  Timeline tl = split_timeline("coherent", &t);
  const int tlbi = ttl3_tlbi(t);
  ASSERT_GE(tlbi, 0);
  // The cached walk's use after the split: marked, after the TLBI.
  int use = -1;
  for (size_t r = 0; r < tl.reads.size(); ++r)
    if (tl.reads[r].use) use = static_cast<int>(r);
  ASSERT_GE(use, 0);
  EXPECT_TRUE(tl.reads[use].marked);
  EXPECT_GT(tl.reads[use].instant, tlbi + 1);
  // The leaf the walk cached: the TLBI named it, and TTL=3 is why it stayed, until the use.
  const Timeline::CacheEntry *leaf = nullptr;
  for (const auto &c : tl.cache)
    if (c.name.find("leaf (TLB)") != std::string::npos) leaf = &c;
  ASSERT_NE(leaf, nullptr) << text_of(tl);
  EXPECT_TRUE(leaf->marked);
  EXPECT_EQ(leaf->until, -1);
  ASSERT_EQ(leaf->misses.size(), 1u);
  EXPECT_EQ(leaf->misses[0].event, tlbi);
  EXPECT_NE(leaf->misses[0].why.find("TTL=3 names level 3 leaves"), std::string::npos) << leaf->misses[0].why;
  EXPECT_LE(leaf->from, tlbi);
  const std::string svg = svg_of(tl), n = std::to_string(tlbi + 1);
  EXPECT_NE(svg.find("<g class=\"cache-miss\" data-event=\"" + n + "\">"), std::string::npos);
  EXPECT_NE(svg.find("event " + n + " did not remove it: "), std::string::npos);
  EXPECT_NE(svg.find("class=\"cache-use\""), std::string::npos);
  const std::string text = text_of(tl);
  EXPECT_NE(text.find("cache: L2 leaf (TLB) stays: "), std::string::npos) << text;
  EXPECT_NE(text.find("cache: through L2 leaf (TLB), still held here"), std::string::npos) << text;
  expect_drawable(svg, "split-coherent");
}

TEST(ExplainTimeline, SplitUnderCacheable64HasTheCacheLane) {
  harness::Trace t;
  Timeline tl = split_timeline("cacheable-64", &t);
  const int tlbi = ttl3_tlbi(t);
  ASSERT_FALSE(tl.cache.empty()) << text_of(tl);
  size_t missed = 0;
  for (const auto &c : tl.cache)
    for (const auto &m : c.misses) missed += m.event == tlbi && m.why.find("leaf-only") != std::string::npos;
  EXPECT_GE(missed, 2u) << "the walk-cache table descriptors stay: the TLBI is leaf-only";
  expect_drawable(svg_of(tl), "split-cacheable-64");
}

TEST(ExplainTimeline, SplitElidesTheBlockRewriteWithAMarker) {
  harness::Trace t;
  Timeline tl = split_timeline("coherent", &t);
  ASSERT_FALSE(tl.elided.empty());
  // The longest range: the split's stores into the new table, counted from the trace.
  const Timeline::Elision *e = &tl.elided[0];
  for (const auto &x : tl.elided)
    if (x.last - x.first > e->last - e->first) e = &x;
  int stores = 0;
  for (int i = e->first; i <= e->last; ++i) stores += t.events[i].kind == harness::EventKind::Store;
  EXPECT_GE(stores, 500);
  EXPECT_EQ(e->stores, stores);
  for (const auto &c : tl.cpu) EXPECT_FALSE(c.index >= e->first && c.index <= e->last) << c.index;
  const std::string marker = "events " + std::to_string(e->first + 1) + "\u2013" + std::to_string(e->last + 1) +
                             " not drawn (" + std::to_string(stores) + " stores";
  EXPECT_NE(text_of(tl).find("\u2026  " + marker), std::string::npos) << text_of(tl);
  EXPECT_NE(svg_of(tl).find(marker), std::string::npos);
}

TEST(ExplainTimeline, ByteTearMarksOnlyTheBytesThatMakeIt) {
  harness::RunResult run = smmu::testing::run_case("6.12", "arm_smmu_v3_write_ste_test_s1_to_s2");
  checker::EntrySemantics sem = checks::kernel_semantics(smmu::testing::kernel("6.12"), false);
  checker::ExplicitEngine engine(sem);
  checker::Verdict v = checker::check_trace(run.trace, models::resolve_model("cacheable-byte"), engine, sem);
  ASSERT_EQ(v.outcome, checker::Outcome::Violation) << v.reason;
  const checker::Witness &w = v.witness;
  // The essential parts alone make the violation, whichever stable state the rest comes from...
  auto with = [&](const checker::Entry &fill, size_t skip) {
    checker::Entry e = fill;
    for (size_t i = 0; i < w.parts.size(); ++i) {
      const auto &p = w.parts[i];
      if (!p.essential || i == skip) continue;
      uint64_t m = p.width >= 64 ? ~0ull : ((1ull << p.width) - 1) << p.shift;
      e[p.qword] = (e[p.qword] & ~m) | ((p.value << p.shift) & m);
    }
    checker::Entry meaning = sem.meaning(harness::DescKind::Ste, e);
    return meaning != w.meaning_start && meaning != w.meaning_end;
  };
  size_t essential = 0;
  for (const auto &p : w.parts) essential += p.essential;
  EXPECT_GE(essential, 1u);
  EXPECT_LE(essential, 3u) << "a tear needs a few bytes, not the " << w.parts.size() << " read";
  EXPECT_TRUE(with(w.end, w.parts.size()));
  // ...and none of them can be left out.
  for (size_t i = 0; i < w.parts.size(); ++i)
    if (w.parts[i].essential) EXPECT_FALSE(with(w.start, i) && with(w.end, i)) << "part " << i << " is not needed";
  Timeline tl = report::timeline_of_entry(run.trace, v, "s1_to_s2 under cacheable-byte");
  size_t marked = 0;
  for (const auto &r : tl.reads) marked += r.marked;
  EXPECT_EQ(marked, essential);
  EXPECT_GT(tl.reads.size(), 20u) << "the other bytes are still drawn, neutral";
  expect_drawable(svg_of(tl), "ste-byte-tear");
}
