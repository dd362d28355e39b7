// What a cache entry (an extracted tree, a built slice) held when it was made:
// each file's size, modification time and content hash. A run checks sizes
// and times (cheap); `smmu-check cache --verify` checks hashes. An entry that
// fails is rebuilt once, with a note, before anything is reported.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace smmu::harness {

enum class VerifyDepth { Quick, Full };

// Records every regular file under `dir` (but the manifest itself) in `dir`/.manifest.
void write_manifest(const std::filesystem::path &dir);

// The problems found ("include/linux/bits.h: size 1234, expected 2345"); empty when
// the entry is intact. A missing manifest is one problem.
std::vector<std::string> verify_manifest(const std::filesystem::path &dir, VerifyDepth depth);

bool has_manifest(const std::filesystem::path &dir);

}  // namespace smmu::harness
