// smmu-check starts in milliseconds because it loads neither libclang-cpp nor
// the shared libLLVM: Clang runs in smmu-clang, and LLVM's components are
// linked in statically (bench/startup measures the time).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

namespace {

std::string loaded_libraries(const std::string &binary) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE *)> p(popen(("ldd '" + binary + "' 2>&1").c_str(), "r"), pclose);
  if (!p) return out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
  return out;
}

}  // namespace

TEST(StartupLinks, SmmuCheckLoadsNeitherClangNorTheSharedLlvm) {
  std::string libs = loaded_libraries(SMMU_CHECK_BINARY);
  ASSERT_NE(libs.find("libsmmu_hooks.so"), std::string::npos) << libs;  // ldd saw the libraries
  EXPECT_EQ(libs.find("libclang-cpp"), std::string::npos) << libs;
  EXPECT_EQ(libs.find("libLLVM"), std::string::npos) << libs;
}

TEST(StartupLinks, TheClangToolDoesLoadClang) {
  std::string tool = std::string(SMMU_CHECK_BINARY);
  tool = tool.substr(0, tool.rfind('/') + 1) + "smmu-clang";
  std::string libs = loaded_libraries(tool);
  EXPECT_NE(libs.find("libclang-cpp"), std::string::npos) << libs;
}
