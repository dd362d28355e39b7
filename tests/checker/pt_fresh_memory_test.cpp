// Fresh memory (allocated, not yet zeroed or written, as the walker may see
// it) holds arbitrary bytes: a walker that can read them must be checked
// against every meaning they may have at that level (a table, a leaf, a
// fault), whatever the runtime filled the page with and whatever was
// allocated between the table's allocation and its registration.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "fault_injection.h"
#include "fresh_values.h"
#include "kernel_fixture.h"
#include "model_registry.h"
#include "pt_check.h"
#include "pt_slice.h"

using namespace smmu;
using checker::Outcome;
using checker::ViolationKind;
using checker::WalkOutcome;

namespace {

std::string pt_case(const std::string &name) { return std::string(SMMU_TEST_DATA_DIR) + "/pt_cases/" + name; }

const checker::PtSemantics &semantics() {
  static checker::PtSemantics s = checker::pt_semantics(smmu::testing::kernel("6.12").slice());
  return s;
}

harness::RunResult run_case_file(const std::string &file) {
  harness::CaseRunner runner(file, harness::BuildOptions{});
  auto cases = runner.cases();
  EXPECT_EQ(cases.size(), 1u) << file;
  harness::RunResult r = runner.run(cases.at(0));
  EXPECT_EQ(r.status, harness::RunStatus::Pass) << file;
  return r;
}

// The 1-based line of `file` holding `needle`.
int line_of(const std::string &file, const std::string &needle) {
  std::ifstream in(file);
  int n = 0;
  for (std::string l; std::getline(in, l);) {
    ++n;
    if (l.find(needle) != std::string::npos) return n;
  }
  ADD_FAILURE() << needle << " not in " << file;
  return -1;
}

checker::PtVerdict check(const harness::Trace &t, const std::string &model) {
  return checker::check_pt_trace(t, models::resolve_model(model), semantics());
}

// The read's bytes that came from fresh memory name it, and the allocation's file:line.
bool from_fresh_memory(const harness::Trace &t, const checker::PtRead &r, const std::string &file) {
  for (const auto &s : r.sources)
    if (s.what.find("fresh memory") != std::string::npos && s.trace_index >= 0 &&
        t.events[s.trace_index].kind == harness::EventKind::Alloc &&
        t.events[s.trace_index].loc.file.find(file) != std::string::npos)
      return true;
  return false;
}

}  // namespace

TEST(PtFreshMemory, TableRegisteredAfterAnotherAllocationKeepsItsFreshStatus) {
  harness::RunResult r = run_case_file(pt_case("fresh_table_second_alloc.c"));
  const int alloc_line = line_of(pt_case("fresh_table_second_alloc.c"), "l2 = (kshim_u64 *)kshim_alloc(");
  int allocs = 0;
  for (const auto &e : r.trace.events) allocs += e.kind == harness::EventKind::Alloc && e.loc.line == alloc_line;
  EXPECT_EQ(allocs, 1) << "the new level-2 table is reported as an allocation";
  for (const char *m : {"coherent", "cacheable-64"}) {
    SCOPED_TRACE(m);
    checker::PtVerdict v = check(r.trace, m);
    ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
    if (std::string(m) == "coherent") {
      EXPECT_EQ(v.kind, ViolationKind::Misordered);
    }
    ASSERT_GE(v.witness.reads.size(), 3u);
    const checker::PtRead &read = v.witness.reads.back();
    EXPECT_EQ(read.level, 2);
    EXPECT_TRUE(from_fresh_memory(r.trace, read, "fresh_table_second_alloc.c")) << v.reason;
  }
}

// 0xA5A5... (the runtime's fill) is reserved at level 3: a checker that read
// the fill literally would see a fault there and pass.
TEST(PtFreshMemory, LeafTableReadBeforeItsZeroingMayHoldAValidPage) {
  harness::RunResult r = run_case_file(pt_case("fresh_leaf_table.c"));
  for (const char *m : {"coherent", "cacheable-64", "cacheable-byte"}) {
    SCOPED_TRACE(m);
    checker::PtVerdict v = check(r.trace, m);
    ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
    if (std::string(m) == "coherent") {
      EXPECT_EQ(v.kind, ViolationKind::Misordered);
    }
    ASSERT_EQ(v.witness.reads.size(), 4u);
    const checker::PtRead &leaf = v.witness.reads.back();
    EXPECT_EQ(leaf.level, 3);
    EXPECT_TRUE(from_fresh_memory(r.trace, leaf, "fresh_leaf_table.c"));
    // The value chosen for the fresh bytes is a page descriptor by the tree's own decoding.
    uint64_t addr = 0, attrs = 0;
    EXPECT_EQ(semantics().decode(r.trace.events.back().walk, v.witness.iova, 3, leaf.value, &addr, &attrs), 1);
    EXPECT_EQ(v.witness.outcome.kind, WalkOutcome::Kind::Translate);
    EXPECT_EQ(v.witness.outcome.level, 3);
  }
}

// Every level: a fresh descriptor may be a table, a leaf or a fault. With
// the dma_wmb before the first table pointer dropped, the walker reads the
// new level-1 table's bytes; each meaning is a possible witness.
TEST(PtFreshMemory, FreshDescriptorTakesEveryMeaningAtItsLevel) {
  harness::Trace t = smmu::testing::run_case("6.12", "iopt_map_page_coherent").trace;
  ASSERT_TRUE(harness::inject(t, harness::Fault::DropDmaWmb, 1));
  checker::PtVerdict v = check(t, "coherent");
  ASSERT_EQ(v.outcome, Outcome::Violation);
  EXPECT_EQ(v.kind, ViolationKind::Misordered);
  const checker::PtRead &fresh = v.witness.reads.back();
  bool named = false;
  for (const auto &s : fresh.sources) named |= s.what.find("fresh memory") != std::string::npos;
  EXPECT_TRUE(named);
  uint64_t addr = 0, attrs = 0;
  int d = semantics().decode(t.events.back().walk, v.witness.iova, fresh.level, fresh.value, &addr, &attrs);
  EXPECT_GE(d, 0) << "the witness's fresh value is a table or a leaf, not a fault";
}

// A table nobody zeroed or wrote, published with a clean and a barrier: even
// the final stable state reaches bytes nobody initialised.
TEST(PtFreshMemory, UnzeroedTableNeverWrittenFailsUnderEveryModel) {
  harness::RunResult r = run_case_file(pt_case("fresh_unzeroed_table.c"));
  for (const auto &m : models::resolve_models("all")) {
    SCOPED_TRACE(m.name);
    checker::PtVerdict v = checker::check_pt_trace(r.trace, m, semantics());
    ASSERT_EQ(v.outcome, Outcome::Violation) << v.reason;
    const checker::PtRead &leaf = v.witness.reads.back();
    EXPECT_TRUE(from_fresh_memory(r.trace, leaf, "fresh_unzeroed_table.c"));
    bool never_written = false;
    for (const auto &s : leaf.sources) never_written |= s.what.find("never written") != std::string::npos;
    EXPECT_TRUE(never_written);
  }
}

// The values themselves, with the tree's decoding at every level of a 4K
// stage-1 table: one per meaning the fresh bytes allow, none the known bytes rule out.
TEST(PtFreshMemory, FreshValuesDecodeAsChosenAtEveryLevel) {
  checker::WalkGeom g;
  g.start_level = 0;
  g.pgd_bits = 9;
  g.bits_per_level = 9;
  g.ias = g.oas = 48;
  g.stage = 1;
  g.fmt = 2;  // ARM_64_LPAE_S1
  const uint64_t iova = 0x80001000ull;
  for (int l = 0; l <= 3; ++l) {
    SCOPED_TRACE(l);
    auto vals = checker::fresh_values(semantics(), g, iova, l, 0, ~0ull);
    std::vector<int> meanings;
    for (const auto &f : vals) {
      uint64_t addr = 0, attrs = 0;
      EXPECT_EQ(semantics().decode(g, iova, l, f.value, &addr, &attrs), f.meaning) << std::hex << f.value;
      meanings.push_back(f.meaning);
    }
    // Level 3 has no table descriptors: a type-3 entry is a page there.
    EXPECT_EQ(meanings, l < 3 ? std::vector<int>({1, 0, -1}) : std::vector<int>({1, -1}));
  }
  // A zero low byte (the zeroing reached it) leaves only a fault; a table type there only a table.
  auto zero_low = checker::fresh_values(semantics(), g, iova, 2, 0, ~0xffull);
  ASSERT_EQ(zero_low.size(), 1u);
  EXPECT_EQ(zero_low[0].meaning, -1);
  auto table_low = checker::fresh_values(semantics(), g, iova, 2, 0x3, ~0xffull);
  ASSERT_EQ(table_low.size(), 1u);
  EXPECT_EQ(table_low[0].meaning, 0);
  EXPECT_EQ(table_low[0].value & 0xff, 0x3u) << "known bytes are kept";
}
