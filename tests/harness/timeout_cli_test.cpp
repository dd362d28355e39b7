// Every command that runs the tree's code takes --timeout SECONDS, checks it
// before any work, and ends a run that hangs as a failed kernel run named at
// the file:line of its last event, its verdicts unknown: never a hang of the
// tool. The hang is real: a copy of 6.12 whose block split loops forever.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "kernel_fixture.h"

namespace fs = std::filesystem;
using smmu::testing::run_cli;

namespace {

// The commands that run KUnit cases, scenarios or generated sequences, each
// with the arguments it needs besides the tree.
const std::vector<std::vector<std::string>> kRunningCommands = {
    {"kernel"}, {"kunit"}, {"pt"}, {"sweep"}, {"trace", "pt_split_block_4k"}, {"explain", "pt_split_block_4k"},
    {"explore"}};

std::vector<std::string> with(std::vector<std::string> v, const std::vector<std::string> &more) {
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

// "FILE.c:LINE: scenario NAME did not finish within 1 s after event N".
std::regex hung(const std::string &what) {
  return std::regex(R"([a-z0-9_./-]+\.[ch]:[0-9]+: )" + what + R"( did not finish within 1 s after event [0-9]+)");
}

}  // namespace

TEST(TimeoutCli, EveryCommandRunningKernelCodeChecksTimeoutBeforeAnyWork) {
  for (const auto &cmd : kRunningCommands) {
    // A tree that does not exist: the option is judged before the tree is looked at.
    for (const std::string bad : {"0", "1.5", "soon"}) {
      auto r = run_cli(with(cmd, {"--src", "/nonexistent/tree", "--timeout", bad}));
      EXPECT_EQ(r.status, 2) << cmd[0] << " " << r.out;
      EXPECT_NE(r.out.find("--timeout expects a number of seconds from 1 to 86400; got '" + bad + "'"),
                std::string::npos)
          << cmd[0] << " " << r.out;
    }
    auto cov = run_cli(with(cmd, {"--src", "/nonexistent/tree", "--timeout", "5", "--coverage"}));
    EXPECT_EQ(cov.status, 2) << cmd[0] << " " << cov.out;
    EXPECT_NE(cov.out.find("--timeout does not apply with --coverage"), std::string::npos) << cmd[0] << " " << cov.out;
    auto help = run_cli({cmd[0], "--help"});
    EXPECT_EQ(help.status, 0) << cmd[0];
    EXPECT_NE(help.out.find("--timeout SECONDS the time each"), std::string::npos) << cmd[0] << " " << help.out;
    EXPECT_NE(help.out.find("may run (default 60)"), std::string::npos) << cmd[0] << " " << help.out;
  }
  // coverage's runs stay in its own process: no limit is accepted, and its help says why.
  auto cov = run_cli({"coverage", "--debian", "6.12", "--timeout", "5"});
  EXPECT_EQ(cov.status, 2) << cov.out;
  EXPECT_NE(cov.out.find("unknown option --timeout"), std::string::npos) << cov.out;
  EXPECT_NE(run_cli({"coverage", "--help"}).out.find("there is no --timeout"), std::string::npos);
  auto steer = run_cli({"explore", "--debian", "6.12", "--timeout", "5", "--steer"});
  EXPECT_EQ(steer.status, 2) << steer.out;
  EXPECT_NE(steer.out.find("--timeout does not apply with --steer"), std::string::npos) << steer.out;
}

TEST(TimeoutCli, AHangInTheTreesCodeIsAFailedKernelRunInEveryCommand) {
  const fs::path tree = smmu::testing::driver_mutant_tree(
      "endless-split", "static size_t arm_lpae_split_blk_unmap(", "if (WARN_ON(lvl == ARM_LPAE_MAX_LEVELS))",
      "for (;;)\n\t\t;\n\tif (WARN_ON(lvl == ARM_LPAE_MAX_LEVELS))", smmu::testing::kPgtableFile);
  const std::string src = tree.string();
  // Built once here, with nothing hanging: a map without a split.
  auto built = run_cli({"pt", "--src", src, "--quiet", "--model", "coherent", "--scenario", "iopt_map_page_coherent"});
  ASSERT_EQ(built.status, 0) << built.out;

  using Clock = std::chrono::steady_clock;
  auto timed = [](const std::vector<std::string> &args, double &seconds) {
    const auto t0 = Clock::now();
    auto r = run_cli(args);
    seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return r;
  };
  const std::vector<std::string> common = {"--src", src, "--quiet", "--timeout", "1"};
  double s = 0;

  auto kernel = timed(with({"kernel", "--only", "pt/pt_split_block_4k", "--model", "coherent", "--details"}, common), s);
  EXPECT_EQ(kernel.status, 1) << kernel.out;
  EXPECT_LT(s, 30) << kernel.out;
  EXPECT_TRUE(std::regex_search(kernel.out, hung("scenario pt_split_block_4k"))) << kernel.out;
  EXPECT_TRUE(std::regex_search(kernel.out, std::regex(R"(pt/pt_split_block_4k +unknown \(kernel bug\))")))
      << kernel.out;

  auto pt = timed(with({"pt", "--scenario", "pt_split_block_4k", "--model", "coherent"}, common), s);
  EXPECT_EQ(pt.status, 1) << pt.out;
  EXPECT_LT(s, 30) << pt.out;
  EXPECT_TRUE(std::regex_search(pt.out, hung("scenario pt_split_block_4k"))) << pt.out;
  EXPECT_NE(pt.out.find("nothing of the run could be checked"), std::string::npos) << pt.out;

  auto trace = timed(with({"trace", "pt_split_block_4k"}, common), s);
  EXPECT_EQ(trace.status, 1) << trace.out;
  EXPECT_LT(s, 30) << trace.out;
  EXPECT_NE(trace.out.find("# the kernel run died: "), std::string::npos) << trace.out;
  EXPECT_TRUE(std::regex_search(trace.out, hung("scenario pt_split_block_4k"))) << trace.out;

  auto explain = timed(with({"explain", "pt_split_block_4k"}, common), s);
  EXPECT_EQ(explain.status, 1) << explain.out;
  EXPECT_LT(s, 30) << explain.out;
  EXPECT_NE(explain.out.find("unknown: nothing of the run could be checked"), std::string::npos) << explain.out;
  EXPECT_TRUE(std::regex_search(explain.out, hung("scenario pt_split_block_4k"))) << explain.out;

  // A generated sequence that splits a block: the same, for explore.
  const fs::path ops = tree / "split.ops";
  std::ofstream(ops) << "config granule=4K stage=1 walk=coherent range-inv=on ias=48\n"
                        "map 0x80000000 -> 0x880000000 pgsize=0x200000 count=1\n"
                        "unmap 0x80000000 pgsize=0x1000 count=1\n"
                        "iotlb_sync\n";
  auto explore = timed(with({"explore", "--replay", ops.string(), "--model", "coherent"}, common), s);
  EXPECT_EQ(explore.status, 1) << explore.out;
  EXPECT_LT(s, 30) << explore.out;
  EXPECT_NE(explore.out.find("unknown: coherent: the kernel run died: "), std::string::npos) << explore.out;
  EXPECT_TRUE(std::regex_search(explore.out, hung("explore sequence"))) << explore.out;
  fs::remove_all(tree);
}
