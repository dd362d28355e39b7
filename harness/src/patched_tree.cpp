#include "patched_tree.h"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "file_lock.h"
#include "subprocess.h"

namespace fs = std::filesystem;

namespace smmu::harness {

namespace {

// FNV-1a, twice with different offsets: a 128-bit name for a cache entry.
struct Key {
  uint64_t a = 1469598103934665603ull, b = 0x84222325cbf29ce4ull;
  void add(const std::string &s) {
    for (unsigned char c : s) {
      a = (a ^ c) * 1099511628211ull;
      b = (b ^ c) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
    }
    a = (a ^ 0xff) * 1099511628211ull;  // a separator: ("ab","c") is not ("a","bc")
    b = (b ^ 0xff) * 0x100000001b3ull;
  }
  std::string hex() const {
    char s[33];
    std::snprintf(s, sizeof s, "%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    return s;
  }
};

std::string read_all(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw UserError("--patch " + p.string() + ": cannot read it");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The tree-relative paths a patch names ("--- a/X", "+++ b/X", as -p1 strips them).
std::set<std::string> patched_paths(const std::string &text) {
  std::set<std::string> out;
  std::istringstream in(text);
  auto keep = [&](const std::string &p) {
    if (!p.empty() && p.find("..") == std::string::npos && p[0] != '/') out.insert(p);
  };
  for (std::string line; std::getline(in, line);) {
    // A git rename or copy names its source without a/ (and may have no hunk).
    for (const char *git : {"rename from ", "copy from "})
      if (line.rfind(git, 0) == 0) keep(line.substr(std::char_traits<char>::length(git)));
    if (line.rfind("--- ", 0) != 0 && line.rfind("+++ ", 0) != 0) continue;
    std::string p = line.substr(4);
    p = p.substr(0, p.find('\t'));  // diff -u appends the date after a tab
    if (p == "/dev/null") continue;
    auto slash = p.find('/');
    if (slash != std::string::npos) keep(p.substr(slash + 1));
  }
  return out;
}

// The base's files that the key depends on: every path the harness reads, by
// size and modification time (a --src tree edited since is another copy).
void add_base(Key &k, const fs::path &root, const std::string &rel) {
  std::error_code ec;
  const fs::path p = root / rel;
  if (fs::is_regular_file(p, ec)) {
    k.add(rel);
    k.add(std::to_string(fs::file_size(p, ec)));
    k.add(std::to_string(fs::last_write_time(p, ec).time_since_epoch().count()));
    return;
  }
  if (!fs::is_directory(p, ec)) return;
  std::set<std::string> names;  // sorted: directory order is not stable
  for (const auto &e : fs::recursive_directory_iterator(p, ec))
    if (e.is_regular_file(ec)) names.insert(fs::relative(e.path(), root).string());
  for (const auto &n : names) add_base(k, root, n);
}

// Hard links where the file system allows, else copies.
void link_or_copy(const fs::path &from, const fs::path &to) {
  std::error_code ec;
  fs::create_directories(to.parent_path());
  if (fs::is_directory(from, ec)) {
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
    if (!ec) return;
    fs::remove_all(to, ec);
    fs::copy(from, to, fs::copy_options::recursive);
  } else {
    fs::create_hard_link(from, to, ec);
    if (ec) fs::copy_file(from, to);
  }
}

}  // namespace

KernelTree patched_tree(const KernelTree &base, const fs::path &patch, const fs::path &cache,
                        const std::function<void(const std::string &)> &progress) {
  const std::string text = read_all(patch);
  Key k;
  k.add(fs::absolute(base.root).string());
  for (const auto &p : kernel_paths_needed()) add_base(k, base.root, p);
  const std::set<std::string> named = patched_paths(text);
  for (const auto &p : named) add_base(k, base.root, p);
  k.add(text);
  const fs::path dir = cache / "patched" / k.hex();
  const fs::path root = dir / "tree", stamp = dir / ".applied";
  fs::create_directories(dir);
  FileLock lock(cache / "patched" / (".lock-" + k.hex()));
  std::error_code ec;
  if (!fs::exists(stamp, ec)) {
    if (progress) progress("applying " + patch.string() + " to a copy of " + base.origin);
    // Staged, so that a killed run or a patch that does not apply leaves no tree behind.
    const fs::path staging = dir / ".applying";
    fs::remove_all(staging);
    for (const auto &p : kernel_paths_needed())
      if (fs::exists(base.root / p, ec)) link_or_copy(base.root / p, staging / p);
    for (const auto &p : named)
      if (fs::is_regular_file(base.root / p, ec) && !fs::exists(staging / p, ec)) link_or_copy(base.root / p, staging / p);
    // --forward: a patch already in the tree is an error, not silently reversed.
    ProcessResult r = run_process({"patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch", "-d",
                                   staging.string(), "-i", fs::absolute(patch).string()});
    if (r.status != 0) {
      fs::remove_all(dir, ec);  // nothing of a patch that does not apply stays in the cache
      if (r.status == -1 && r.output.find("No such file") != std::string::npos)
        throw UserError("--patch needs GNU patch, which is not installed (scripts/setup installs it)");
      throw UserError("--patch " + patch.string() + " does not apply to " + base.origin + ":\n" + r.output);
    }
    fs::remove_all(root, ec);
    fs::rename(staging, root);
    std::ofstream(stamp) << patch.string() << "\n";
  }
  KernelTree t = source_tree(root);
  t.origin = base.origin + " + " + patch.filename().string();
  t.package = base.package;
  return t;
}

}  // namespace smmu::harness
