// `smmu-check kunit --model`: the table, the exit status, and clear errors.
#include <gtest/gtest.h>

#include "kernel_fixture.h"

using smmu::testing::run_cli;

TEST(CheckCli, EveryKunitTransitionPassesUnderCoherent) {
  auto r = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("write_ste_test_non_hitless              coherent                pass       -           3      breaking"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("check: 22 passed, 0 failed\n"), std::string::npos) << r.out;
}

// --model takes a comma-separated list in every command that checks, as in
// `kernel`: one row per model, a model named twice once.
TEST(CheckCli, ModelListsAreAcceptedAsInKernel) {
  auto k = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent,nc,coherent", "--filter",
                    "ste_test_bypass_to_abort"});
  EXPECT_EQ(k.status, 0) << k.out;
  EXPECT_NE(k.out.find("write_ste_test_bypass_to_abort          coherent "), std::string::npos) << k.out;
  EXPECT_NE(k.out.find("write_ste_test_bypass_to_abort          nc "), std::string::npos) << k.out;
  EXPECT_NE(k.out.find("check: 2 passed, 0 failed\n"), std::string::npos) << k.out;
  auto p = run_cli({"pt", "--debian", "6.12", "--quiet", "--model", "coherent,nc", "--scenario", "iopt_map_page_coherent"});
  EXPECT_EQ(p.status, 0) << p.out;
  EXPECT_NE(p.out.find(" nc "), std::string::npos) << p.out;
  auto bad = run_cli({"sweep", "--debian", "6.12", "--quiet", "--model", "coherent,nope"});
  EXPECT_EQ(bad.status, 2) << bad.out;
}

TEST(CheckCli, AViolationPrintsItsWitnessAndFails) {
  auto r = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "cacheable-byte", "--engine",
                    "both", "--clean-at-sync", "--filter", "cd_test_s1_change_asid"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("violation (torn): write_cd_test_s1_change_asid under cacheable-byte [explicit+z3+decompose]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("q0 bits 55:48 = "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:" +
                       std::to_string(smmu::testing::entry_set_line("6.12"))),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("check: 0 passed, 1 failed\n"), std::string::npos);
}

TEST(CheckCli, InjectedBugIsCaught) {
  auto r = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent", "--filter",
                    "ste_test_bypass_to_cdtable", "--inject", "drop-sync:1"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("violation (misordered)"), std::string::npos) << r.out;
}

TEST(CheckCli, BadEngineInjectionAndModelAreUserErrors) {
  auto a = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent", "--engine", "sat"});
  EXPECT_EQ(a.status, 2);
  EXPECT_NE(a.out.find("--engine expects auto, explicit, z3, decompose or both, got 'sat'"), std::string::npos) << a.out;
  auto b = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent", "--inject", "drop:1"});
  EXPECT_EQ(b.status, 2);
  EXPECT_NE(b.out.find("--inject expects drop-sync:K"), std::string::npos) << b.out;
  auto c = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherentt"});
  EXPECT_EQ(c.status, 2) << c.out;
}

TEST(CheckCli, JsonCarriesEveryFieldAndTheWitness) {
  auto r = run_cli({"kunit", "--debian", "6.12", "--quiet", "--model", "coherent", "--filter",
                    "ste_test_bypass_to_cdtable", "--inject", "drop-sync:1", "--format", "json"});
  EXPECT_EQ(r.status, 1) << r.out;
  const std::string entry_set = "\"file\":\"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c\",\"line\":" +
                                std::to_string(smmu::testing::entry_set_line("6.12"));
  for (const std::string &field : std::vector<std::string>{
           "\"check\":\"arm_smmu_v3_write_ste_test_bypass_to_cdtable\"", "\"model\":\"coherent\"",
           "\"verdict\":\"violation\"", "\"kind\":\"misordered\"", "\"syncs\":2", "\"hitless\":true",
           "\"explored\":", "\"unique\":", "\"engine\":\"decompose\"", "\"time_s\":", "\"witness\":{",
           "\"observed\":[\"0x", "\"trace\":[{\"event\":1,", entry_set, "\"passed\":0,\"failed\":1}"})
    EXPECT_NE(r.out.find(field), std::string::npos) << field << "\n" << r.out.substr(0, 2000);
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < r.out.size(); ++i) {
    char c = r.out[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      ASSERT_GT(depth, 0);
      --depth;
    }
  }
  EXPECT_EQ(depth, 0);
  EXPECT_FALSE(in_string);
}
