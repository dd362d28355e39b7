#include "expectations.h"

#include <fnmatch.h>

#include <fstream>
#include <sstream>

#include "kernel_tree.h"

namespace smmu::report {

using harness::UserError;

namespace {

bool glob(const std::string &pattern, const std::string &s) { return fnmatch(pattern.c_str(), s.c_str(), 0) == 0; }

}  // namespace

bool Expectations::requires_pass(const std::string &check, const std::string &model) const {
  for (const auto &l : lines) {
    if (!glob(l.check, check)) continue;
    if (model == "any") return true;
    for (const auto &m : l.models)
      if (glob(m, model)) return true;
  }
  return false;
}

Expectations parse_expectations(const std::string &text, const std::string &file) {
  Expectations e;
  e.file = file;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::vector<std::pair<size_t, std::string>> words;  // 1-based column, word
    for (size_t i = 0; i < line.size();) {
      if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
        ++i;
        continue;
      }
      size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
      words.emplace_back(start + 1, line.substr(start, i - start));
    }
    if (words.empty()) continue;
    auto fail = [&](size_t col, const std::string &what) {
      return UserError(file + ":" + std::to_string(n) + ":" + std::to_string(col) + ": " + what);
    };
    auto after = [&](size_t k) { return words[k].first + words[k].second.size() + 1; };
    auto brackets = [&](size_t k) {
      const std::string &w = words[k].second;
      for (size_t i = 0; i < w.size(); ++i)
        if (w[i] == '[' && w.find(']', i + 1) == std::string::npos)
          throw fail(words[k].first + i, "expected ']' to close the '[' of a glob");
    };
    if (words[0].second != "pass")
      throw fail(words[0].first, "expected 'pass' (lines read: pass CHECK-GLOB MODEL-GLOB[,MODEL-GLOB...]), got '" +
                                     words[0].second + "'");
    if (words.size() < 2) throw fail(after(0), "expected a check glob after 'pass', e.g. kunit/* or pt/iopt_*");
    if (words.size() < 3)
      throw fail(after(1), "expected a model glob after the check, e.g. coherent or coherent,nc");
    if (words.size() > 3)
      throw fail(words[3].first, "expected the end of the line after the model glob, got '" + words[3].second + "'");
    brackets(1);
    brackets(2);
    Expectation x;
    x.line = n;
    x.check = words[1].second;
    const std::string &models = words[2].second;
    for (size_t start = 0;;) {
      size_t comma = models.find(',', start);
      std::string m = models.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (m.empty()) throw fail(words[2].first + start, "expected a model glob before and after each ','");
      x.models.push_back(m);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    e.lines.push_back(std::move(x));
  }
  return e;
}

Expectations read_expectations(const std::filesystem::path &file) {
  std::ifstream in(file);
  if (!in) throw UserError("--expect: cannot read '" + file.string() + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_expectations(ss.str(), file.string());
}

}  // namespace smmu::report
