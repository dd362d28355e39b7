// An exclusive lock on a file, held for the object's lifetime, so that
// concurrent smmu-check processes (ctest -j, CI shards) sharing a cache do
// not extract or build the same thing at once.
#pragma once

#include <filesystem>

namespace smmu::harness {

class FileLock {
 public:
  explicit FileLock(const std::filesystem::path &path);
  ~FileLock();
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;

 private:
  int fd_ = -1;
};

}  // namespace smmu::harness
