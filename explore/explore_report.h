// An exploration's report: text for a person, JSON for CI and for `merge`,
// which joins the shards of one seed space into the report one run gives.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "explorer.h"

namespace smmu::explore {

struct ExploreReport {
  std::string tree;                 // the tree's origin, as the kernel report names it
  std::vector<std::string> models;
  GeneratorLimits limits;
  ExploreResult result;
  std::vector<uint64_t> shards_merged;  // shard indices (0-based) this report covers
};

void write_text(std::ostream &out, const ExploreReport &r, bool details);
void write_json(std::ostream &out, const ExploreReport &r);
// Throws std::invalid_argument("NAME: expected ...").
ExploreReport read_json(const std::string &text, const std::string &name);
// Shards of one seed space: same tree, models, seed and shard count, each shard once.
ExploreReport merge(const std::vector<ExploreReport> &shards, const std::vector<std::string> &names);

}  // namespace smmu::explore
