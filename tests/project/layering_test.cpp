// The data flows one way, and so do the includes: cli -> checks, report ->
// checker -> harness, models. A header of a layer includes nothing above it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const fs::path kSource = SMMU_SOURCE_DIR;

// Each layer and the layers it may include from.
const std::map<std::string, std::set<std::string>> kMayInclude = {
    {"models", {}},
    {"harness", {}},
    {"checker", {"harness", "models"}},
    {"lint", {"harness"}},
    {"explore", {"checker", "harness", "models"}},
    {"report", {"checker", "harness", "models"}},
    {"checks", {"report", "checker", "harness", "models", "lint"}},
    {"cli", {"checks", "report", "checker", "harness", "models", "lint", "explore"}},
};

// Our own sources of a layer: the kernel shim and our scenario drivers are C
// compiled with the kernel's code, not part of the C++ layers.
std::vector<fs::path> sources(const std::string &layer) {
  std::vector<fs::path> out;
  for (const auto &e : fs::recursive_directory_iterator(kSource / layer)) {
    const std::string p = e.path().string();
    if (p.find("/shim/") != std::string::npos || p.find("/kdrivers/") != std::string::npos) continue;
    if (e.path().extension() == ".h" || e.path().extension() == ".cpp") out.push_back(e.path());
  }
  return out;
}

}  // namespace

TEST(Layering, IncludesGoOneWay) {
  std::map<std::string, std::string> layer_of;  // header file name -> its layer
  for (const auto &[layer, _] : kMayInclude)
    for (const auto &f : sources(layer))
      if (f.extension() == ".h") {
        auto [it, fresh] = layer_of.emplace(f.filename().string(), layer);
        EXPECT_TRUE(fresh || it->second == layer)
            << f.filename() << " is a header of both " << it->second << " and " << layer << ": an include is ambiguous";
      }
  ASSERT_GT(layer_of.size(), 50u) << "the source tree was not found at " << kSource;
  const std::regex include("#include \"([^\"]+)\"");
  size_t checked = 0;
  for (const auto &[layer, allowed] : kMayInclude)
    for (const auto &f : sources(layer)) {
      std::ifstream in(f);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string text = ss.str();
      for (std::sregex_iterator m(text.begin(), text.end(), include), end; m != end; ++m) {
        auto it = layer_of.find(fs::path((*m)[1].str()).filename().string());
        if (it == layer_of.end() || it->second == layer) continue;
        ++checked;
        EXPECT_TRUE(allowed.count(it->second))
            << fs::relative(f, kSource).string() << " (" << layer << ") includes " << (*m)[1] << " of "
            << it->second << ", a layer it may not depend on";
      }
    }
  EXPECT_GT(checked, 100u);  // the scan saw the includes between layers
}
