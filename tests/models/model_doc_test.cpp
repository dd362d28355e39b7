// docs/model.md is the repository's copy of the project's semantic reference,
// ../shared/MODEL.md beside the repository: kept in step, section by section
// (only the paths to the shared notes differ). Skipped without ../shared.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_all(std::string &s, const std::string &from, const std::string &to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

// The "## " sections, each with its text.
std::vector<std::string> sections(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) out.emplace_back();
    if (!out.empty()) out.back() += line + "\n";
  }
  return out;
}

}  // namespace

TEST(ModelDoc, IsInStepWithTheSharedReference) {
  const fs::path shared = fs::path(SMMU_SOURCE_DIR) / ".." / "shared" / "MODEL.md";
  if (!fs::exists(shared)) GTEST_SKIP() << shared << " is not beside the repository";
  std::string ours = read(fs::path(SMMU_SOURCE_DIR) / "docs" / "model.md");
  replace_all(ours, "`../shared/notes/architecture-facts.md` (beside the repository)", "`notes/architecture-facts.md`");
  replace_all(ours, "(see `../shared/notes/kernel-code-inventory.md`, beside the repository)",
              "(see notes/kernel-code-inventory.md)");
  std::vector<std::string> a = sections(read(shared)), b = sections(ours);
  ASSERT_EQ(a.size(), b.size()) << "docs/model.md has other sections than " << shared;
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(b[i], a[i]) << "section " << i + 1 << " differs from " << shared;
}
