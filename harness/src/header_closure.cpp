#include "header_closure.h"

#include <deque>
#include <fstream>
#include <regex>
#include <set>

namespace fs = std::filesystem;

namespace smmu::harness {
namespace {

// Where a kernel build's -I flags would find <name> inside the tree.
std::string resolve_in_tree(const KernelTree &tree, const std::string &name) {
  for (const char *dir : {"include/", "include/uapi/"}) {
    std::error_code ec;
    if (fs::is_regular_file(tree.root / (dir + name), ec)) return dir + name;
  }
  return "";
}

bool shim_provides(const std::vector<fs::path> &shim_dirs, const std::string &name) {
  std::error_code ec;
  for (const auto &d : shim_dirs)
    if (fs::is_regular_file(d / name, ec)) return true;
  return false;
}

// A seed include/uapi/linux/bits.h is included as <uapi/linux/bits.h>.
std::string include_name_of(const std::string &tree_path) {
  const std::string dir = "include/";
  return tree_path.rfind(dir, 0) == 0 ? tree_path.substr(dir.size()) : tree_path;
}

}  // namespace

HeaderClosure real_header_closure(const KernelTree &tree, const std::vector<std::string> &seeds,
                                  const std::vector<fs::path> &shim_dirs) {
  static const std::regex include_line(R"(^\s*#\s*include\s*<([^>]+)>)");
  HeaderClosure out;
  std::set<std::string> seen;  // include names, staged or unresolved
  std::deque<std::string> todo;
  auto stage = [&](const std::string &tree_path, const std::string &name) {
    if (!seen.insert(name).second) return;
    out.staged.push_back({tree_path, name});
    todo.push_back(tree_path);
  };
  for (const auto &s : seeds) {
    std::error_code ec;
    if (fs::is_regular_file(tree.root / s, ec)) stage(s, include_name_of(s));
  }
  while (!todo.empty()) {
    std::string file = todo.front();
    todo.pop_front();
    std::ifstream in(tree.root / file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      if (!std::regex_search(line, m, include_line)) continue;
      std::string name = m[1];
      if (seen.count(name) || shim_provides(shim_dirs, name)) continue;
      std::string found = resolve_in_tree(tree, name);
      if (found.empty()) {
        seen.insert(name);
        out.unresolved.push_back({name, file + ":" + std::to_string(n)});
      } else {
        stage(found, name);
      }
    }
  }
  return out;
}

std::string explain_missing_header(const KernelTree &tree, const HeaderClosure &closure,
                                   const std::string &compiler_output) {
  static const std::regex not_found(R"('([^']+)' file not found)");
  std::smatch m;
  if (!std::regex_search(compiler_output, m, not_found)) return "";
  for (const auto &u : closure.unresolved)
    if (u.include_name == m[1])
      return "the kernel header <" + u.include_name + ">, included by " + u.included_by +
             ", is neither in the tree nor in smmu-check's shim (harness/shim/include): "
             "the shim needs a stand-in for it";
  if (!resolve_in_tree(tree, m[1]).empty())
    return "<" + std::string(m[1]) + "> is in the tree but not staged (only the profile's real headers and "
           "what they include are), and smmu-check's shim (harness/shim/include) has no stand-in for it";
  return "<" + std::string(m[1]) + "> is neither in the tree nor in smmu-check's shim (harness/shim/include)";
}

}  // namespace smmu::harness
