#include "known_findings.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace smmu::explore {

std::vector<KnownFinding> read_known_findings(const std::filesystem::path &file) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument(file.string() + ": cannot be read");
  std::vector<KnownFinding> out;
  std::string raw;
  const char *kinds[] = {"torn", "misordered", "stale", "kernel-failure", "kernel-warning", "kernel-bug"};
  for (int number = 1; std::getline(in, raw); ++number) {
    const std::string at = file.string() + ":" + std::to_string(number) + ": expected ";
    const auto first = raw.find_first_not_of(" \t");
    if (first == std::string::npos || raw[first] == '#') continue;
    std::istringstream words(raw);
    KnownFinding k;
    words >> k.kind >> k.file;
    bool kind_ok = false;
    for (const char *kind : kinds) kind_ok |= k.kind == kind;
    if (!kind_ok)
      throw std::invalid_argument(at + "a kind (torn, misordered, stale, kernel-failure, kernel-warning, "
                                       "kernel-bug), got '" + k.kind + "'");
    if (k.file.empty()) throw std::invalid_argument(at + "a kernel file after the kind");
    const auto open = raw.find('"'), close = open == std::string::npos ? open : raw.find('"', open + 1);
    if (close == std::string::npos || close == open + 1)
      throw std::invalid_argument(at + "the kernel line's text in double quotes after the file");
    k.line_text = raw.substr(open + 1, close - open - 1);
    const auto open2 = raw.find('"', close + 1), close2 = open2 == std::string::npos ? open2 : raw.find('"', open2 + 1);
    if (close2 == std::string::npos)
      throw std::invalid_argument(at + "the finding's detail in double quotes after the line's text (\"\" for none)");
    k.detail = raw.substr(open2 + 1, close2 - open2 - 1);
    const auto reason = raw.find_first_not_of(" \t", close2 + 1);
    if (reason == std::string::npos) throw std::invalid_argument(at + "the reason after the quoted text");
    k.reason = raw.substr(reason);
    out.push_back(std::move(k));
  }
  return out;
}

std::string kernel_line_text(const std::filesystem::path &root, const std::string &file, int line) {
  std::ifstream in(root / file);
  std::string text;
  for (int n = 1; std::getline(in, text); ++n)
    if (n == line) return text;
  return "";
}

}  // namespace smmu::explore
