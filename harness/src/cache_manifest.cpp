#include "cache_manifest.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdlib>
#include <cstring>
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

// One stat() per file for the quick check (a tree has 11k files, and the check
// runs at every start): regular, size, and the time mtime_of() gives, through
// the file clock's offset from stat's epoch, measured once.
struct Status {
  bool regular = false;
  uintmax_t size = 0;
  long long mtime = 0;
};

Status status_of(const fs::path &p) {
  struct stat st;
  Status out;
  if (::stat(p.c_str(), &st) != 0) return out;
  out.regular = S_ISREG(st.st_mode);
  out.size = static_cast<uintmax_t>(st.st_size);
  static const long long offset = [&] {
    long long native = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000ll + st.st_mtim.tv_nsec;
    return mtime_of(p) - native;
  }();
  out.mtime = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000ll + st.st_mtim.tv_nsec + offset;
  return out;
}

// Paths are written last on each line, so they may hold spaces.
std::map<std::string, Entry> read(const fs::path &file) {
  std::map<std::string, Entry> m;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    // "SIZE MTIME HASH PATH", parsed without a stream per line.
    const char *c = line.c_str();
    char *end = nullptr;
    Entry e;
    e.size = std::strtoumax(c, &end, 10);
    if (end == c || *end != ' ') continue;
    c = end + 1;
    e.mtime = std::strtoll(c, &end, 10);
    if (end == c || *end != ' ') continue;
    c = end + 1;
    const char *space = std::strchr(c, ' ');
    if (!space || space == c) continue;
    e.hash.assign(c, space);
    m.emplace(std::string(space + 1), std::move(e));
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
    const Status st = status_of(f);
    if (!st.regular) {
      problems.push_back(path + ": missing");
      continue;
    }
    if (st.size != e.size) {
      problems.push_back(path + ": " + std::to_string(st.size) + " bytes, expected " + std::to_string(e.size));
      continue;
    }
    if (depth == VerifyDepth::Quick) {
      if (st.mtime != e.mtime) problems.push_back(path + ": modified after it was recorded");
    } else if (hash_file(f) != e.hash) {
      problems.push_back(path + ": content differs from when it was recorded");
    }
  }
  return problems;
}

}  // namespace smmu::harness
