// smmu-check: runs the real Linux SMMUv3 descriptor update code in user space
// and checks what a concurrently fetching SMMU can observe.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "kernel_tree.h"
#include "model_error.h"

namespace {

using smmu::cli::Subcommand;

const Subcommand kSubcommands[] = {
    {"kernel", "run every check a tree supports under a set of models: one table, a CI gate", smmu::cli::cmd_kernel},
    {"kunit", "run the tree's own arm-smmu-v3 KUnit test in user space (TAP output)", smmu::cli::cmd_kunit},
    {"trace", "print the recorded CPU events of one KUnit case or scenario", smmu::cli::cmd_trace},
    {"sweep", "check every pair of STEs/CDs from parameter grids, through the real writer", smmu::cli::cmd_sweep},
    {"prove", "prove the STE/CD writer safe for every pair, from its IR with Z3, or give a counterexample", smmu::cli::cmd_prove},
    {"list", "list the KUnit cases and scenarios a tree provides", smmu::cli::cmd_list},
    {"models", "list the memory models, or show what one resolves to and why", smmu::cli::cmd_models},
    {"pt", "check io-pgtable-arm map/unmap scenarios against a concurrent page-table walker", smmu::cli::cmd_pt},
    {"explain", "draw one case under one model as a timeline (text, SVG, HTML)", smmu::cli::cmd_explain},
    {"lint", "list plain (not single-copy atomic) stores into live STE/CD/PTE memory", smmu::cli::cmd_lint},
    {"seq", "check a proposed update sequence written as text (.seq) against its expectations", smmu::cli::cmd_seq},
    {"explore", "generate map/unmap sequences on the real driver, check each, shrink what fails", smmu::cli::cmd_explore},
    {"merge", "join the JSON reports of 'kernel --shard K/N' into one report, in any format", smmu::cli::cmd_merge},
    {"trees", "the kernel trees it can use (installed, cached, in Debian's archive) and their families", smmu::cli::cmd_trees},
    {"cache", "list, verify (and repair) or clean the cache of trees and slices", smmu::cli::cmd_cache},
    {"coverage", "the kernel lines the KUnit cases and scenarios execute (a coverage build)", smmu::cli::cmd_coverage},
    {"version", "the tool's version, its LLVM and Z3, and with a tree its slice hash (also --version)", smmu::cli::cmd_version},
};

void usage(std::ostream &out) {
  out << "usage: smmu-check <command> [options]\n\n"
         "smmu-check runs the real Linux SMMUv3 STE/CD writer, invalidation and\n"
         "io-pgtable-arm code in user space, records every store, barrier, cache\n"
         "maintenance operation and command, and checks what an SMMU fetching\n"
         "concurrently can observe.\n\ncommands:\n";
  for (const auto &s : kSubcommands) {
    std::string n = s.name;
    out << "  " << n << std::string(10 - n.size(), ' ') << s.summary << "\n";
  }
  out << "\nexamples:\n"
         "  smmu-check kernel --debian 6.12\n"
         "  smmu-check kunit --debian 6.12\n"
         "  smmu-check trace --debian 6.12 arm_smmu_v3_write_ste_test_bypass_to_abort\n"
         "  smmu-check kunit --debian 6.12 --model all --engine both\n"
         "  smmu-check sweep --debian 6.12 --model coherent\n"
         "  smmu-check prove --debian 6.12 --model coherent,nc\n"
         "  smmu-check pt --debian 6.12 --model coherent+plain-tear32\n"
         "  smmu-check lint --debian 6.12\n"
         "  smmu-check seq cases/ste_hitless_abort_to_bypass.seq\n"
         "\n'smmu-check <command> --help' explains each command.\n";
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    usage(std::cout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") args[0] = "version";
  for (const auto &s : kSubcommands) {
    if (args[0] != s.name) continue;
    try {
      return s.run(std::vector<std::string>(args.begin() + 1, args.end()));
    } catch (const smmu::harness::UserError &e) {
      std::cerr << "smmu-check " << s.name << ": error: " << e.what() << "\n";
      return 2;
    } catch (const smmu::models::ModelError &e) {  // a bad model file or --model spec: user input
      std::cerr << "smmu-check " << s.name << ": error: " << e.what() << "\n";
      return 2;
    } catch (const std::exception &e) {
      std::cerr << "smmu-check " << s.name << ": internal error: " << e.what() << "\n";
      return 3;
    }
  }
  std::cerr << "smmu-check: unknown command '" << args[0] << "'\n\n";
  usage(std::cerr);
  return 2;
}
