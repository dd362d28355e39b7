// The timeline's drawing on synthetic timelines (no kernel): elided ranges are
// marked in text and SVG, labels never overlap however dense the columns, and
// the SVG is well formed and renders (rsvg-convert).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "svg_text.h"
#include "timeline.h"

namespace fs = std::filesystem;
using smmu::report::Timeline;

namespace {

// A unit written by `stores` consecutive stores of long values, each read back
// at once: the densest labels a timeline has (one per column, 18 characters).
Timeline dense(int stores) {
  Timeline tl;
  tl.title = "dense";
  tl.verdict = "violation (torn): synthetic";
  tl.units.push_back({"table0[0]", 0x1000, {{-1, 0}}});
  for (int i = 0; i < stores; ++i) {
    tl.cpu.push_back({i, 's', "store", "x.c:1"});
    tl.units[0].values.push_back({i, 0xfedcba9876543210ull + static_cast<uint64_t>(i)});
    Timeline::Read r;
    r.instant = i + 1;
    r.value = 0xfedcba9876543210ull + static_cast<uint64_t>(i);
    r.label = "level 3";
    r.sources = {i};
    r.marked = i % 2 == 0;
    tl.reads.push_back(r);
  }
  tl.cpu.push_back({1000, 'b', "barrier", ""});
  tl.elided.push_back({stores, 999, 980, 3, 1, 6, 0});
  Timeline::CacheEntry ce;
  ce.name = "L3 leaf (TLB)";
  ce.read = 0;
  ce.from = 1;
  ce.misses = {{1, "TLBI_NH_VA: TTL=2 names level 2 leaves; this entry is at level 3"},
               {2, "TLBI_NH_VA: not guaranteed by the architecture"}};
  ce.marked = true;
  tl.cache.push_back(ce);
  return tl;
}

std::string svg_of(const Timeline &tl) {
  std::ostringstream s;
  smmu::report::render_svg(s, tl);
  return s.str();
}

}  // namespace

TEST(Timeline, ElisionTextCountsWhatIsLeftOut) {
  Timeline::Elision e{14, 525, 511, 1, 0, 0, 0};
  EXPECT_EQ(e.text(), "events 15\u2013526 not drawn (511 stores, 1 barrier)");
  Timeline::Elision one{6, 6, 0, 0, 0, 1, 0};
  EXPECT_EQ(one.text(), "event 7 not drawn (1 command)");
}

TEST(Timeline, ElidedRangeIsMarkedInTextAndSvg) {
  Timeline tl = dense(3);
  std::ostringstream text;
  smmu::report::render_text(text, tl);
  const std::string marker = "events 4\u20131000 not drawn (980 stores, 3 barriers, 1 CMO, 6 commands)";
  EXPECT_NE(text.str().find("\u2026  " + marker), std::string::npos) << text.str();
  // In program order: after event 3, before event 1001.
  EXPECT_LT(text.str().find("       3  store"), text.str().find(marker));
  EXPECT_LT(text.str().find(marker), text.str().find("    1001  barrier"));
  std::string svg = svg_of(tl);
  EXPECT_NE(svg.find("<g class=\"elision\">"), std::string::npos);
  EXPECT_NE(svg.find("class=\"elision\">\u2026 " + marker + "</text>"), std::string::npos) << svg;
}

TEST(Timeline, NoTwoLabelsOverlapHoweverDense) {
  for (int stores : {1, 5, 40}) {
    const std::string svg = svg_of(dense(stores));
    std::vector<smmu::testing::TextBox> boxes = smmu::testing::svg_text_boxes(svg);
    EXPECT_GT(boxes.size(), static_cast<size_t>(2 * stores));
    for (const auto &o : smmu::testing::overlapping_text(boxes)) ADD_FAILURE() << stores << " stores: " << o;
  }
}

TEST(Timeline, OverlapCheckFindsOverlaps) {
  // The check itself: two labels at one spot, and two side by side.
  auto boxes = smmu::testing::svg_text_boxes(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" font-size=\"10\"><text x=\"0\" y=\"10\">0x1234</text>"
      "<text x=\"30\" y=\"12\">abc</text><text x=\"37\" y=\"30\">x</text><text x=\"43\" y=\"30\">y</text></svg>");
  ASSERT_EQ(boxes.size(), 4u);
  EXPECT_EQ(smmu::testing::overlapping_text(boxes).size(), 1u);  // 0x1234 is 36 wide; x and y touch only
  EXPECT_THROW(smmu::testing::svg_text_boxes("<svg><text>unclosed</svg>"), std::runtime_error);
}

TEST(Timeline, OnlyMarkedReadsAreRed) {
  const std::string svg = svg_of(dense(6));
  size_t marked = 0, reads = 0;
  for (size_t p = 0; (p = svg.find("<g class=\"read", p)) != std::string::npos; ++p) {
    ++reads;
    marked += svg.compare(p, 25, "<g class=\"read violation\"") == 0;
  }
  EXPECT_EQ(reads, 6u);
  EXPECT_EQ(marked, 3u);
}

TEST(Timeline, SvgRendersWithRsvg) {
  if (!smmu::testing::rsvg_available()) {
    // scripts/test runs scripts/setup first, so there a missing renderer is a setup bug.
    if (std::getenv("SMMU_CHECK_SETUP_DONE"))
      FAIL() << "rsvg-convert (librsvg2-bin) is missing after scripts/setup, which installs it";
    GTEST_SKIP() << "rsvg-convert is not installed (Debian librsvg2-bin; scripts/setup installs it)";
  }
  fs::path dir = fs::temp_directory_path() / ("smmu-timeline-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "dense.svg") << svg_of(dense(12));
  EXPECT_EQ(smmu::testing::render_with_rsvg((dir / "dense.svg").string(), (dir / "dense.png").string()), "");
  fs::remove_all(dir);
}

TEST(Timeline, DocsPicturesAreWellFormedAndOverlapFree) {
  // The committed pictures (scripts/docs-img): referenced from the docs, so they must stay readable.
  size_t pictures = 0;
  for (const auto &f : fs::directory_iterator(fs::path(SMMU_SOURCE_DIR) / "docs" / "img")) {
    if (f.path().extension() != ".svg") continue;
    ++pictures;
    std::ifstream in(f.path());
    std::stringstream svg;
    svg << in.rdbuf();
    EXPECT_LT(svg.str().size(), 64u * 1024) << f.path() << ": keep the pictures small";
    std::vector<smmu::testing::TextBox> boxes;
    ASSERT_NO_THROW(boxes = smmu::testing::svg_text_boxes(svg.str())) << f.path();
    for (const auto &o : smmu::testing::overlapping_text(boxes)) ADD_FAILURE() << f.path() << ": " << o;
  }
  EXPECT_GE(pictures, 2u);
}
