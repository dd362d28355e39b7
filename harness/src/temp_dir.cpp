#include "temp_dir.h"

#include <stdlib.h>

#include "kernel_tree.h"

namespace fs = std::filesystem;

namespace smmu::harness {

TempDir::TempDir(const std::string &prefix) {
  std::string t = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(t.data())) throw UserError("cannot create a temporary directory " + t);
  path_ = t;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace smmu::harness
