// Subcommands: each takes its arguments after the subcommand name and returns the exit status.
#pragma once

#include <string>
#include <vector>

namespace smmu::cli {

struct Subcommand {
  const char *name;
  const char *summary;
  int (*run)(const std::vector<std::string> &args);
};

int cmd_kunit(const std::vector<std::string> &args);
int cmd_trace(const std::vector<std::string> &args);
int cmd_list(const std::vector<std::string> &args);
int cmd_sweep(const std::vector<std::string> &args);
int cmd_prove(const std::vector<std::string> &args);
int cmd_models(const std::vector<std::string> &args);
int cmd_pt(const std::vector<std::string> &args);
int cmd_lint(const std::vector<std::string> &args);
int cmd_explain(const std::vector<std::string> &args);
int cmd_seq(const std::vector<std::string> &args);
int cmd_kernel(const std::vector<std::string> &args);
int cmd_explore(const std::vector<std::string> &args);
int cmd_merge(const std::vector<std::string> &args);
int cmd_trees(const std::vector<std::string> &args);
int cmd_cache(const std::vector<std::string> &args);
int cmd_coverage(const std::vector<std::string> &args);
int cmd_version(const std::vector<std::string> &args);

}  // namespace smmu::cli
