// --patch FILE: a kernel tree with a patch applied, for reviewing a change
// without a checkout of it. The patched copy lives in the cache, keyed by the
// base tree and the patch's content, so a second run reuses it (and the
// slice built from it, whose key names the tree's path).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "kernel_tree.h"

namespace smmu::harness {

// `base` with the unified diff or git diff at `patch` applied as 'git apply'
// and 'patch -p1' do (paths a/X, b/X). The copy holds the files the harness
// reads (kernel_paths_needed) and those the patch names, hard-linked from the
// base where the file system allows (GNU patch replaces each file it changes,
// so the base's files are never written). Throws UserError naming the patch,
// with patch's own message, when it does not apply.
KernelTree patched_tree(const KernelTree &base, const std::filesystem::path &patch,
                        const std::filesystem::path &cache,
                        const std::function<void(const std::string &)> &progress = {});

}  // namespace smmu::harness
