#include "kernel_fixture.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "command.h"
#include "subprocess.h"

namespace smmu::testing {

const harness::KernelTree &kernel_tree(const std::string &series) {
  static std::map<std::string, harness::KernelTree> trees;
  auto it = trees.find(series);
  if (it == trees.end())
    it = trees.emplace(series, harness::debian_tree(series, harness::default_cache_dir())).first;
  return it->second;
}

const harness::KernelRunner &kernel(const std::string &series) {
  static std::map<std::string, std::unique_ptr<harness::KernelRunner>> runners;
  auto &r = runners[series];
  if (!r) {
    harness::BuildOptions o;
    r = std::make_unique<harness::KernelRunner>(kernel_tree(series), o);
  }
  return *r;
}

harness::RunResult run_case(const std::string &series, const std::string &name) {
  const auto &k = kernel(series);
  return k.run(k.find(name));
}

namespace {

const std::vector<std::string> &source_lines(const std::string &series, const std::string &file) {
  static std::map<std::pair<std::string, std::string>, std::vector<std::string>> files;
  auto key = std::make_pair(series, file);
  auto it = files.find(key);
  if (it == files.end()) {
    std::filesystem::path path = kernel_tree(series).root / file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("kernel_line: cannot read " + path.string());
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    it = files.emplace(key, std::move(lines)).first;
  }
  return it->second;
}

std::string where(const std::string &series, const std::string &file) {
  return file + " of " + kernel_tree(series).origin + " (" + kernel_tree(series).version + ")";
}

}  // namespace

int kernel_line(const std::string &series, const std::string &file, const std::string &needle,
                int nth, int from) {
  const auto &lines = source_lines(series, file);
  int seen = 0;
  for (size_t i = from > 1 ? from - 1 : 0; i < lines.size(); ++i)
    if (lines[i].find(needle) != std::string::npos && ++seen == nth) return static_cast<int>(i) + 1;
  throw std::runtime_error("kernel_line: no line " + (nth > 1 ? "#" + std::to_string(nth) + " " : "") +
                           "containing '" + needle + "' from line " + std::to_string(from) + " of " +
                           where(series, file));
}

int kernel_line_after(const std::string &series, const std::string &file,
                      const std::vector<std::string> &needles) {
  int line = 1;
  for (const auto &n : needles) line = kernel_line(series, file, n, 1, line);
  return line;
}

int kernel_column(const std::string &series, const std::string &file, int line,
                  const std::string &needle) {
  const auto &lines = source_lines(series, file);
  size_t at = line >= 1 && static_cast<size_t>(line) <= lines.size()
                  ? lines[line - 1].find(needle)
                  : std::string::npos;
  if (at == std::string::npos)
    throw std::runtime_error("kernel_column: '" + needle + "' is not on line " + std::to_string(line) +
                             " of " + where(series, file));
  return static_cast<int>(at) + 1;
}

const char *const kDriverFile = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c";
const char *const kPgtableFile = "drivers/iommu/io-pgtable-arm.c";

int entry_set_line(const std::string &series) {
  return kernel_line(series, kDriverFile, "WRITE_ONCE(entry[i], target[i])");
}

int write_entry_barrier_line(const std::string &series) {
  return kernel_line_after(series, kDriverFile, {"void arm_smmu_write_entry(", "dma_wmb();"});
}

int clear_pte_line(const std::string &series) { return kernel_line(series, kPgtableFile, "ptep[i] = 0;"); }

int init_pte_line(const std::string &series) {
  return kernel_line(series, kPgtableFile, "ptep[i] = pte | paddr_to_iopte(");
}

std::filesystem::path optional_tree(const std::string &series) {
  std::string var = "SMMU_CHECK_TREE_" + series;
  for (char &c : var)
    if (c == '.') c = '_';
  if (const char *t = std::getenv(var.c_str()); t && *t) return t;
  std::filesystem::path cached = harness::default_cache_dir() / "trees" / ("debian-" + series) /
                                 ("linux-source-" + series);
  std::error_code ec;
  return std::filesystem::is_regular_file(cached / "Makefile", ec) ? cached : std::filesystem::path();
}

std::string no_tree_message(const std::string &series) {
  std::string var = series;
  for (char &c : var)
    if (c == '.') c = '_';
  return "no Linux " + series + " tree: set SMMU_CHECK_TREE_" + var +
         " to a kernel source directory, or extract Debian's linux-source-" + series +
         " into the cache (smmu-check --debian " + series + ")";
}

const harness::KernelRunner &kernel_at(const std::filesystem::path &root) {
  static std::map<std::string, std::unique_ptr<harness::KernelRunner>> runners;
  auto &r = runners[root.string()];
  if (!r) r = std::make_unique<harness::KernelRunner>(harness::source_tree(root), harness::BuildOptions{});
  return *r;
}

harness::RunResult run_case_at(const std::filesystem::path &root, const std::string &name) {
  const auto &k = kernel_at(root);
  return k.run(k.find(name));
}

std::filesystem::path driver_mutant_tree(const std::string &name, const std::string &anchor,
                                         const std::string &old, const std::string &replacement,
                                         const std::string &file_in_tree) {
  namespace fs = std::filesystem;
  const fs::path src = kernel_tree("6.12").root;
  const fs::path dst = fs::temp_directory_path() / ("smmu-check-mutant-" + name);
  fs::remove_all(dst);
  fs::copy(src, dst, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  const fs::path file = dst / file_in_tree;
  std::stringstream ss;
  ss << std::ifstream(file).rdbuf();
  std::string text = ss.str();
  size_t a = text.find(anchor), i = a == std::string::npos ? a : text.find(old, a);
  if (i == std::string::npos) throw std::runtime_error("no '" + old + "' after '" + anchor + "'");
  text.replace(i, old.size(), replacement);
  std::ofstream(file, std::ios::trunc) << text;
  return dst;
}

CliResult run_cli(const std::vector<std::string> &args) {
  std::vector<std::string> argv = {SMMU_CHECK_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  harness::ProcessResult p = harness::run_process(argv);
  return {p.status, p.output};
}

size_t count(const harness::Trace &t, harness::EventKind kind) { return t.count(kind); }

void expect_four_page_range_tlbi(const std::array<uint64_t, 2> &cmd) {
  EXPECT_EQ(cmd[0], 0x0005000000200012ull);
  EXPECT_EQ(cmd[1], 0x0000000000010701ull);
  harness::Command c = harness::decode_command(cmd);
  EXPECT_EQ(c.opcode, static_cast<uint8_t>(harness::CmdOp::TlbiNhVa));
  EXPECT_EQ(c.asid, 5);
  EXPECT_EQ(c.vmid, 0);
  EXPECT_EQ(c.scale, 2);
  EXPECT_EQ(c.num, 0);
  EXPECT_EQ(c.tg, 1);
  EXPECT_EQ(c.ttl, 3);
  EXPECT_TRUE(c.leaf);
  EXPECT_EQ(c.addr, 0x10000u);
}

harness::Trace one_step_update(harness::DescKind kind, const std::vector<uint64_t> &before,
                               const std::vector<uint64_t> &after, int n) {
  harness::Trace t;
  t.descs.push_back({"e0", kind, 0x1000, 64, true});
  harness::Event begin;
  begin.kind = harness::EventKind::UpdateBegin;
  begin.desc = 0;
  begin.before = before;
  begin.after = before;
  for (int q = 0; q < n; ++q) begin.after[q] = after[q];
  t.events.push_back(begin);
  for (int q = 0; q < n; ++q) {
    harness::Event s;
    s.kind = harness::EventKind::Store;
    s.desc = 0;
    s.offset = 8 * q;
    s.size = 8;
    s.value = begin.after[q];
    t.events.push_back(s);
  }
  t.events.push_back({harness::EventKind::UpdateSync});
  t.events.push_back({harness::EventKind::UpdateEnd});
  return t;
}

}  // namespace smmu::testing
