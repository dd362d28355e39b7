// The libTooling slicer on a small kernel-style file (tests/data/slicer).
#include <gtest/gtest.h>

#include <algorithm>

#include "clang_tool.h"
#include "kernel_tree.h"
#include "slicer.h"

using namespace smmu::harness;

namespace {

SliceRequest demo_request() {
  SliceRequest r;
  r.tree_root = std::string(SMMU_TEST_DATA_DIR) + "/slicer";
  r.file = "drivers/demo/demo.c";
  r.roots = {"demo_write"};
  r.resource_dir = SMMU_CLANG_RESOURCE_DIR_FOR_TESTS;
  return r;
}

bool kept(const SliceResult &r, const std::string &name) {
  return std::any_of(r.kept.begin(), r.kept.end(),
                     [&](const std::string &k) { return k.rfind(name + " ", 0) == 0; });
}

}  // namespace

TEST(Slicer, KeepsTheClosureOfTheRootsOnly) {
  SliceResult r = slice_file(demo_request());
  EXPECT_TRUE(r.missing.empty());
  EXPECT_TRUE(kept(r, "demo_write"));
  EXPECT_TRUE(kept(r, "demo_helper"));
  EXPECT_TRUE(kept(r, "demo_entry"));
  EXPECT_TRUE(kept(r, "demo_issue"));
  EXPECT_FALSE(kept(r, "demo_not_needed"));
  EXPECT_FALSE(kept(r, "demo_unused"));
  EXPECT_FALSE(kept(r, "demo_wrapped"));
  EXPECT_EQ(r.text.find("#include <linux/unused.h>"), std::string::npos);
}

TEST(Slicer, MarksEveryRunWithTheOriginalFileAndLine) {
  SliceResult r = slice_file(demo_request());
  EXPECT_NE(r.text.find("#line 4 \"drivers/demo/demo.c\"\n#define DEMO_SHIFT 4"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("#line 15 \"drivers/demo/demo.c\"\nstatic int demo_helper"), std::string::npos)
      << r.text;
}

TEST(Slicer, RewritesPlainStoresThroughPointersWithTheirLine) {
  SliceResult r = slice_file(demo_request());
  EXPECT_NE(r.text.find("KSHIM_PLAIN_STORE(set, (p[1] ), ( demo_helper(3)), 35)"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("KSHIM_PLAIN_STORE(or, (*p ), ( 1), 36)"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("KSHIM_PLAIN_STORE(set, (e->q[0] ), ( 5), 37)"), std::string::npos) << r.text;
  EXPECT_EQ(r.plain_stores_rewritten, 3);
  // A store spelled inside a macro cannot be rewritten in place: it is reported.
  ASSERT_EQ(r.unrewritten.size(), 1u);
  EXPECT_NE(r.unrewritten[0].find("demo.c:38"), std::string::npos);
}

TEST(Slicer, ReplacedFunctionsAreCalledWithTheirCallSite) {
  SliceRequest req = demo_request();
  req.replaces = {"demo_issue"};
  SliceResult r = slice_file(req);
  EXPECT_FALSE(kept(r, "demo_issue"));
  EXPECT_NE(r.text.find("__kshim_replaced_demo_issue(__FILE__, 39, 1, 2)"), std::string::npos) << r.text;
}

TEST(Slicer, WrappedFunctionsAreRenamedAndDeclared) {
  SliceRequest req = demo_request();
  req.roots = {"demo_wrapped"};
  req.wraps = {"demo_wrapped"};
  SliceResult r = slice_file(req);
  EXPECT_NE(r.text.find("void demo_wrapped(struct demo_entry *e); void __kshim_real_demo_wrapped("),
            std::string::npos)
      << r.text;
}

TEST(Slicer, MissingRootsAreNamed) {
  SliceRequest req = demo_request();
  req.roots = {"demo_write", "no_such_function"};
  SliceResult r = slice_file(req);
  EXPECT_EQ(r.missing, std::vector<std::string>{"no_such_function"});
}

TEST(Slicer, UnreadableFileIsADiagnosticNotACrash) {
  SliceRequest req = demo_request();
  req.file = "drivers/demo/absent.c";
  SliceResult r = slice_file(req);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_NE(r.diagnostics[0].find("cannot read file"), std::string::npos);
}

// smmu-check slices in the Clang tool process (smmu-clang): what comes back
// over its JSON must be what the slicer cut.
TEST(Slicer, TheClangToolProcessCutsTheSameSlice) {
  SliceRequest req = demo_request();
  req.replaces = {"demo_issue"};
  SliceResult here = slice_file(req), there = slice_in_clang_tool(req);
  EXPECT_FALSE(here.text.empty());
  EXPECT_EQ(there.text, here.text);
  EXPECT_EQ(there.kept, here.kept);
  EXPECT_EQ(there.missing, here.missing);
  EXPECT_EQ(there.diagnostics, here.diagnostics);
  EXPECT_EQ(there.unrewritten, here.unrewritten);
  EXPECT_EQ(there.plain_stores_rewritten, here.plain_stores_rewritten);
}

TEST(Slicer, AClangToolThatCannotRunIsAnErrorNamingIt) {
  setenv("SMMU_CHECK_CLANG_TOOL", "/nonexistent/smmu-clang", 1);
  try {
    slice_in_clang_tool(demo_request());
    ADD_FAILURE() << "no error";
  } catch (const UserError &e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/smmu-clang slice failed"), std::string::npos)
        << e.what();
  }
  unsetenv("SMMU_CHECK_CLANG_TOOL");
}
