#include "cache_manifest.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace smmu::harness {
namespace {

const char *kManifest = ".manifest";

struct Entry {
  uintmax_t size = 0;
  long long mtime = 0;  // nanoseconds since the file clock's epoch
  std::string hash;
};

std::string hash_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i)
      h = (h ^ static_cast<unsigned char>(buf[i])) * 1099511628211ull;
    if (!in) break;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

long long mtime_of(const fs::path &p) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(fs::last_write_time(p).time_since_epoch()).count();
}

// Paths are written last on each line, so they may hold spaces.
std::map<std::string, Entry> read(const fs::path &file) {
  std::map<std::string, Entry> m;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    Entry e;
    std::string path;
    if (!(w >> e.size >> e.mtime >> e.hash)) continue;
    std::getline(w >> std::ws, path);
    m[path] = e;
  }
  return m;
}

}  // namespace

bool has_manifest(const fs::path &dir) { return fs::exists(dir / kManifest); }

void write_manifest(const fs::path &dir) {
  std::vector<fs::path> files;
  for (auto &e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != kManifest) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  fs::path tmp = dir / (std::string(kManifest) + ".tmp");
  {
    std::ofstream out(tmp);
    for (const auto &f : files)
      out << fs::file_size(f) << " " << mtime_of(f) << " " << hash_file(f) << " "
          << fs::relative(f, dir).string() << "\n";
  }
  fs::rename(tmp, dir / kManifest);
}

std::vector<std::string> verify_manifest(const fs::path &dir, VerifyDepth depth) {
  std::vector<std::string> problems;
  if (!has_manifest(dir)) return {"no manifest (made before manifests were recorded, or interrupted)"};
  auto expected = read(dir / kManifest);
  if (expected.empty()) problems.push_back("the manifest is empty or unreadable");
  for (const auto &[path, e] : expected) {
    fs::path f = dir / path;
    std::error_code ec;
    if (!fs::is_regular_file(f, ec)) {
      problems.push_back(path + ": missing");
      continue;
    }
    uintmax_t size = fs::file_size(f, ec);
    if (size != e.size) {
      problems.push_back(path + ": " + std::to_string(size) + " bytes, expected " + std::to_string(e.size));
      continue;
    }
    if (depth == VerifyDepth::Quick) {
      if (mtime_of(f) != e.mtime) problems.push_back(path + ": modified after it was recorded");
    } else if (hash_file(f) != e.hash) {
      problems.push_back(path + ": content differs from when it was recorded");
    }
  }
  return problems;
}

}  // namespace smmu::harness
