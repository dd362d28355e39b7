#include "file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace smmu::harness {

FileLock::FileLock(const std::filesystem::path &path) {
  std::filesystem::create_directories(path.parent_path());
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ >= 0) flock(fd_, LOCK_EX);
}

FileLock::~FileLock() {
  if (fd_ >= 0) {
    flock(fd_, LOCK_UN);
    close(fd_);
  }
}

}  // namespace smmu::harness
