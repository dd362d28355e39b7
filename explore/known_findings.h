// The findings a tree is known to have, each with its documented reason
// (cases/explore-known-*.txt). A line names the finding's kind, the kernel
// file, and text of the kernel line its signature points at, so a point
// release that moves the line keeps it known, and text the signature must
// contain (its detail: why a cached entry stayed), then the reason:
//
//   stale drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c "arm_smmu_cmdq_issue_cmdlist(smmu, cmds->cmdq"
//         "TTL=3 names level 3 leaves; this entry is at level 2" the split invalidates ... (reason)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "explorer.h"

namespace smmu::explore {

// Throws std::invalid_argument("FILE:LINE: expected ...").
std::vector<KnownFinding> read_known_findings(const std::filesystem::path &file);

// The text of line `line` of `file` under `root` (empty if it has none).
std::string kernel_line_text(const std::filesystem::path &root, const std::string &file, int line);

}  // namespace smmu::explore
