// Field-level witnesses: the tree's own STRTAB_STE_*/CTXDESC_CD_*/ARM_LPAE_PTE_*
// macros, evaluated by the compiler, name the bits a witness read touches.
// The masks are checked against what the compiled slice itself uses (its
// structure graph, built from the same macros by the glue), never literals.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "check_run.h"
#include "kernel_fields.h"
#include "kernel_fixture.h"

namespace fs = std::filesystem;
using smmu::checker::FieldMap;
using smmu::checker::FieldSpec;
using smmu::harness::DescKind;

namespace {

const FieldSpec *find(const std::vector<FieldSpec> &fields, unsigned qword, const std::string &part) {
  for (const auto &f : fields)
    if (f.qword == qword && f.macro.find(part) != std::string::npos) return &f;
  return nullptr;
}

const smmu::checker::GraphEdge *edge(const smmu::checker::StructureGraph &g, const std::string &prefix) {
  for (const auto &e : g.edges)
    if (e.name.rfind(prefix, 0) == 0) return &e;
  return nullptr;
}

// The pointer fields the glue compiles into the structure graph, and the
// software bit io_pgtable_arm_glue.c exports, are the fields named here.
void expect_tree_masks(const smmu::harness::KernelRunner &k) {
  smmu::checker::FieldMapPtr fields = smmu::checks::kernel_fields(k);
  ASSERT_TRUE(fields && !fields->empty());
  smmu::checker::StructureGraph g = smmu::checks::structure_graph(k);

  const FieldSpec *s1ctx = find(fields->ste, 0, "S1CTXPTR");
  const auto *s1edge = edge(g, "STE.S1ContextPtr (linear)");
  ASSERT_NE(s1ctx, nullptr);
  ASSERT_NE(s1edge, nullptr);
  EXPECT_EQ(s1ctx->mask, s1edge->mask);
  EXPECT_EQ(s1edge->qword, s1ctx->qword);

  const FieldSpec *s2ttb = find(fields->ste, 3, "S2TTB");
  const auto *s2edge = edge(g, "STE.S2TTB");
  ASSERT_NE(s2ttb, nullptr);
  ASSERT_NE(s2edge, nullptr);
  EXPECT_EQ(s2ttb->mask, s2edge->mask);
  // Its guards: V and Config of qword 0, as the glue takes them from the tree;
  // each is a field here (Config's values, CFG_S2_TRANS and the rest, are not).
  std::vector<std::string> guard_fields;
  for (const auto &gd : s2edge->guards)
    for (const auto &f : fields->ste)
      if (f.qword == gd.qword && f.mask == gd.mask) guard_fields.push_back(f.macro);
  EXPECT_EQ(guard_fields, (std::vector<std::string>{"STRTAB_STE_0_V", "STRTAB_STE_0_CFG"}));
  EXPECT_EQ(find(fields->ste, 0, "CFG_BYPASS"), nullptr);

  const FieldSpec *ttb0 = find(fields->cd, 1, "TTB0");
  const auto *cdedge = edge(g, "CD.TTB0");
  ASSERT_NE(ttb0, nullptr);
  ASSERT_NE(cdedge, nullptr);
  EXPECT_EQ(ttb0->mask, cdedge->mask);

  const FieldSpec *sw = find(fields->pte, 0, "SW_SYNC");
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw->mask, g.pgtable_software_bits);
  EXPECT_NE(find(fields->pte, 0, "ADDR_MASK"), nullptr);
  EXPECT_NE(find(fields->pte, 0, "ARM_LPAE_PTE_AF"), nullptr);
}

TEST(FieldMacros, Tree612NamesTheFieldsWithTheSliceMasks) { expect_tree_masks(smmu::testing::kernel("6.12")); }

TEST(FieldMacros, Tree73NamesTheFieldsWithTheSliceMasks) {
  TREE_OR_SKIP(root, "7.3");
  expect_tree_masks(smmu::testing::kernel_at(root));
}

// The classification on macros as a tree could write them.
TEST(FieldMacros, ValuesPositionsAndGroupingsAreNotFields) {
  std::vector<smmu::harness::FieldMacro> m = {
      {"u", "STRTAB_STE_0_CFG", "GENMASK_ULL(3, 1)", 0xe},
      {"u", "STRTAB_STE_0_CFG_BYPASS", "4", 4},
      {"u", "STRTAB_STE_0_S1FMT_LINEAR", "0", 0},
      {"u", "STRTAB_STE_1_S1DSS", "GENMASK_ULL(1, 0)", 3},
      {"u", "CTXDESC_CD_0_TCR_T0SZ", "GENMASK_ULL(5, 0)", 0x3f},
      {"u", "CTXDESC_CD_0_TCR_EPD0", "(1ULL << 14)", 1ull << 14},
      {"u", "ARM_LPAE_PTE_TYPE_SHIFT", "0", 0},
      {"u", "ARM_LPAE_PTE_TYPE_MASK", "0x3", 3},
      {"u", "ARM_LPAE_PTE_TYPE_BLOCK", "1", 1},
      {"u", "ARM_LPAE_PTE_SH_NS", "(((arm_lpae_iopte)0) << 8)", 0},
      {"u", "ARM_LPAE_PTE_SH_OS", "(((arm_lpae_iopte)2) << 8)", 0x200},
      {"u", "ARM_LPAE_PTE_SH_IS", "(((arm_lpae_iopte)3) << 8)", 0x300},
      {"u", "ARM_LPAE_PTE_AF", "(((arm_lpae_iopte)1) << 10)", 0x400},
      {"u", "ARM_LPAE_PTE_ATTR_LO_MASK", "(((arm_lpae_iopte)0x3ff) << 2)", 0xffc},
      {"u", "ARM_LPAE_PTE_XN", "(((arm_lpae_iopte)3) << 53)", 3ull << 53},
      {"u", "ARM_LPAE_PTE_ATTR_HI_MASK", "(ARM_LPAE_PTE_XN | ARM_LPAE_PTE_DBM)", (3ull << 53) | (1ull << 51)},
  };
  FieldMap f = smmu::checks::field_map(m);
  std::vector<std::string> ste, cd, pte;
  for (const auto &x : f.ste) ste.push_back(std::to_string(x.qword) + ":" + x.name);
  for (const auto &x : f.cd) cd.push_back(x.name);
  for (const auto &x : f.pte) pte.push_back(x.name + "=" + std::to_string(x.mask));
  std::sort(pte.begin(), pte.end());
  EXPECT_EQ(ste, (std::vector<std::string>{"0:CFG", "1:S1DSS"}));
  EXPECT_EQ(cd, (std::vector<std::string>{"TCR_T0SZ", "TCR_EPD0"}));
  EXPECT_EQ(pte, (std::vector<std::string>{"AF=1024", "SH=768", "TYPE=3", "XN=" + std::to_string(3ull << 53)}));
}

std::string seq_case(const std::string &name) {
  return (fs::path(SMMU_TEST_DATA_DIR) / ".." / ".." / "cases" / name).lexically_normal().string();
}

size_t occurrences(const std::string &s, const std::string &what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(FieldWitness, CacheableByteTearNamesTheS1ContextPointer) {
  auto r = smmu::testing::run_cli({"seq", "--debian", "6.12", seq_case("ste_cdtable_pointer_cacheable_byte.seq")});
  ASSERT_EQ(r.status, 0) << r.out;
  // The byte the writer's store gave, inside the S1 context pointer, by the tree's macro.
  std::istringstream lines(r.out);
  bool named = false;
  for (std::string l; std::getline(lines, l);)
    if (l.find("    q0 bits 23:16 = 0x04") == 0 && l.find("S1CTXPTR (STRTAB_STE_0_S1CTXPTR_MASK, bits 51:6)") != std::string::npos &&
        l.find("from store [A]") != std::string::npos)
      named = true;
  EXPECT_TRUE(named) << r.out;
  // The two bytes from before the update, one run.
  EXPECT_NE(r.out.find("    q0 bits 39:24 = 0x0880  S1CTXPTR"), std::string::npos) << r.out;

  auto j = smmu::testing::run_cli(
      {"seq", "--debian", "6.12", "--format", "json", seq_case("ste_cdtable_pointer_cacheable_byte.seq")});
  EXPECT_NE(j.out.find("\"macro\":\"STRTAB_STE_0_S1CTXPTR_MASK\""), std::string::npos) << j.out;
}

TEST(FieldWitness, PageTableWitnessNamesTablesAndChangedBits) {
  auto r = smmu::testing::run_cli(
      {"pt", "--debian", "6.12", "--scenario", "pt_split_block_4k", "--model", "cacheable-64"});
  ASSERT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("level 0  read table0[0] after event"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("read 0x2000"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("(table 0x"), std::string::npos) << r.out;
  // The split: the block became a table descriptor (its type bits, by the tree's mask name).
  EXPECT_NE(r.out.find("changed: TYPE 0x1 -> 0x3"), std::string::npos) << r.out;
}

TEST(FieldWitness, ANoteSharedByTwoViolationsIsPrintedOnce) {
  auto r = smmu::testing::run_cli({"pt", "--debian", "6.12", "--scenario", "pt_split_block_4k", "--model",
                                   "cacheable-64,cacheable-byte"});
  ASSERT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(occurrences(r.out, "\nviolation ("), 2u) << r.out;
  EXPECT_EQ(occurrences(r.out, "note: coherent_walk=true"), 1u) << r.out;
  // JSON keeps it with every row.
  auto j = smmu::testing::run_cli({"pt", "--debian", "6.12", "--scenario", "pt_split_block_4k", "--model",
                                   "cacheable-64,cacheable-byte", "--format", "json"});
  EXPECT_EQ(occurrences(j.out, "coherent_walk=true"), 2u) << j.out;
}

}  // namespace
