// The explore report on a synthetic result, without kernel code: a note
// several findings rest on is said once in the text, and JSON keeps it on
// every finding (and reads it back).
#include <gtest/gtest.h>

#include <sstream>

#include "explore_report.h"

namespace smmu::explore {
namespace {

size_t occurrences(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ExploreReportNotes, TextSaysASharedNoteOnceJsonKeepsItOnEveryFinding) {
  const std::string note = "coherent_walk=true: the tables get no CMOs";
  ExploreReport r;
  r.tree = "debian 6.12";
  r.models = {"cacheable-64"};
  r.shards_merged = {0};
  for (int i = 0; i < 3; ++i) {
    ExploredFinding f;
    const std::string at = "drivers/iommu/io-pgtable-arm.c:" + std::to_string(300 + i);
    f.finding = {"stale at " + at, "stale", at, "cacheable-64", "  walk of IOVA 0x80000000\n", {note}};
    f.sequences = 1;
    f.first_index = static_cast<uint64_t>(i);
    f.shrunk = "config granule=4K stage=1 walk=coherent range-inv=on ias=48\n";
    r.result.findings.push_back(f);
  }
  std::ostringstream text;
  write_text(text, r, false);
  EXPECT_EQ(occurrences(text.str(), "walk of IOVA 0x80000000"), 3u) << text.str();
  EXPECT_EQ(occurrences(text.str(), "note: " + note), 1u) << text.str();

  std::ostringstream json;
  write_json(json, r);
  EXPECT_EQ(occurrences(json.str(), note), 3u) << json.str();
  const ExploreReport back = read_json(json.str(), "r.json");
  ASSERT_EQ(back.result.findings.size(), 3u);
  for (const auto &f : back.result.findings) EXPECT_EQ(f.finding.notes, std::vector<std::string>{note});
}

}  // namespace
}  // namespace smmu::explore
