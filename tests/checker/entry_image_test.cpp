// The make functions' image (checker/entry_image.h), the input set of the
// proof, against the compiled make functions: every entry the native
// arm_smmu_make_* build from random parameters (harness/kdrivers/sweep_random.c)
// is in the symbolic image, and entries no make function writes are not.
//
// SMMU_IMAGE_PAIRS sets the random pairs per entry kind and tree (default 100).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <set>

#include "debug_names.h"
#include "entry_image.h"
#include "function_ir.h"
#include "kernel_fixture.h"

using namespace smmu;
using Qwords = std::vector<uint64_t>;

namespace {

struct Images {
  z3::context ctx;  // first: destroyed last
  std::unique_ptr<checker::IrModule> module;
  std::optional<checker::EntryImage> ste, cd;
};

Images &images(const harness::KernelRunner &k) {
  static std::map<const harness::KernelRunner *, std::unique_ptr<Images>> cache;
  auto &p = cache[&k];
  if (!p) {
    p = std::make_unique<Images>();
    p->module = std::make_unique<checker::IrModule>(harness::function_ir(k.build(), "arm-smmu-v3", {}));
    auto t0 = std::chrono::steady_clock::now();
    p->ste = checker::entry_image(*p->module, p->ctx, "arm_smmu_ste", "e");
    p->cd = checker::entry_image(*p->module, p->ctx, "arm_smmu_cd", "e");
    std::cout << "[image] " << k.tree().origin << ": STE " << p->ste->functions() << "; CD " << p->cd->functions()
              << "; " << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()
              << " ms\n";
  }
  return *p;
}

// Whether the image holds `e`, as Z3 decides it.
z3::check_result holds(z3::context &ctx, const checker::EntryImage &image, const Qwords &e) {
  std::vector<z3::expr> entry;
  for (uint64_t v : e) entry.push_back(ctx.bv_val(static_cast<uint64_t>(v), 64));
  z3::solver s(ctx);
  z3::params p(ctx);
  p.set("timeout", 10000u);
  s.set(p);
  s.add(image.contains(entry));
  return s.check();
}

// Both entries of every random pair the native make functions build are in the image.
void expect_native_entries_in_image(const harness::KernelRunner &k, bool ste) {
  Images &im = images(k);
  const checker::EntryImage &image = ste ? *im.ste : *im.cd;
  auto *seed = k.slice().function<unsigned long long>("kshim_random_pairs_seed");
  auto *count = k.slice().function<int>("kshim_random_pairs_count");
  ASSERT_TRUE(seed && count) << "the slice has no sweep_random.c";
  const char *env = std::getenv("SMMU_IMAGE_PAIRS");
  *seed = 0x1a6e;
  *count = env && *env ? std::atoi(env) : 100;
  harness::RunResult r = k.run(k.find(ste ? "sweep_random_ste_pairs" : "sweep_random_cd_pairs"));
  ASSERT_EQ(r.status, harness::RunStatus::Pass);
  std::set<Qwords> entries;
  for (const harness::Event &e : r.trace.events)
    if (e.kind == harness::EventKind::UpdateBegin) {
      entries.insert(Qwords(e.before.begin(), e.before.end()));
      entries.insert(Qwords(e.after.begin(), e.after.end()));
    }
  ASSERT_GE(entries.size(), 10u);
  size_t outside = 0;
  for (const Qwords &e : entries) {
    z3::check_result c = holds(im.ctx, image, e);
    if (c == z3::sat) continue;
    if (++outside <= 3) {
      std::ostringstream os;
      for (uint64_t v : e) os << " " << std::hex << v;
      ADD_FAILURE() << k.tree().origin << (ste ? " STE" : " CD") << os.str() << ": " << c;
    }
  }
  std::cout << "[image] " << k.tree().origin << (ste ? " STE: " : " CD: ") << entries.size()
            << " distinct native entries, " << outside << " outside the image\n";
  EXPECT_EQ(outside, 0u);
}

}  // namespace

TEST(EntryImage, NativeEntriesAreInTheImage612) {
  const auto &k = smmu::testing::kernel("6.12");
  expect_native_entries_in_image(k, true);
  expect_native_entries_in_image(k, false);
}

TEST(EntryImage, NativeEntriesAreInTheImage73) {
  TREE_OR_SKIP(root, "7.3");
  const auto &k = smmu::testing::kernel_at(root);
  expect_native_entries_in_image(k, true);
  expect_native_entries_in_image(k, false);
}

// The image is not everything: an entry with a bit set in its last qword (no
// make function writes past qword 3 of an STE or a CD) is outside; the zero
// entry (a cleared CD, a fresh table) is inside.
TEST(EntryImage, EntriesNoMakeFunctionWritesAreOutside) {
  const auto &k = smmu::testing::kernel("6.12");
  Images &im = images(k);
  Qwords zero(8, 0), last = zero;
  last[7] = 1;
  for (const checker::EntryImage *image : {&*im.ste, &*im.cd}) {
    EXPECT_EQ(holds(im.ctx, *image, zero), z3::sat);
    EXPECT_EQ(holds(im.ctx, *image, last), z3::unsat);
  }
  std::set<std::string> ste_makers;
  for (const auto &m : im.ste->makers) ste_makers.insert(m.function);
  for (const char *fn : {"arm_smmu_make_abort_ste", "arm_smmu_make_bypass_ste", "arm_smmu_make_cdtable_ste",
                         "arm_smmu_make_s2_domain_ste"})
    EXPECT_TRUE(ste_makers.count(fn)) << fn;
  // Parameters are named by the structure and offset they are read from.
  bool named = false;
  for (const auto &m : im.ste->makers)
    for (const auto &p : m.parameters) named = named || p.name.find("arm_smmu_master+0x") == 0;
  EXPECT_TRUE(named);
}

// The executor's input structures on hand-written IR: fields read through a
// loaded pointer and back from it (container_of), the same field read twice is
// one symbol, a bool field's !range is assumed, and what would depend on the
// assumptions (a null test, a store into an input) is refused.
TEST(EntryImageIr, InputStructuresAreReadLazilyAndRefuseWhatTheyDoNotModel) {
  checker::IrModule m(R"(
%struct.dev = type { i32, i8 }
%struct.master = type { %struct.dev*, i8*, i8 }
define void @make(i64* %out, %struct.master* %m, i1 %flag) {
  %pd = getelementptr %struct.master, %struct.master* %m, i64 0, i32 0
  %d = load %struct.dev*, %struct.dev** %pd
  %pf = getelementptr %struct.dev, %struct.dev* %d, i64 0, i32 0
  %f = load i32, i32* %pf
  %f2 = load i32, i32* %pf
  %pops = getelementptr %struct.master, %struct.master* %m, i64 0, i32 1
  %ops = load i8*, i8** %pops
  %back = getelementptr i8, i8* %ops, i64 -16
  %cfg = bitcast i8* %back to i64*
  %c = load i64, i64* %cfg
  %pb = getelementptr %struct.master, %struct.master* %m, i64 0, i32 2
  %b = load i8, i8* %pb, !range !0
  %fz = zext i32 %f to i64
  %f2z = zext i32 %f2 to i64
  %bz = zext i8 %b to i64
  %s = select i1 %flag, i64 %c, i64 %bz
  %x = xor i64 %fz, %f2z
  %y = or i64 %s, %x
  store i64 %y, i64* %out
  ret void
}
define void @null_test(i64* %out, %struct.master* %m) {
  %pd = getelementptr %struct.master, %struct.master* %m, i64 0, i32 0
  %d = load %struct.dev*, %struct.dev** %pd
  %z = icmp eq %struct.dev* %d, null
  %v = zext i1 %z to i64
  store i64 %v, i64* %out
  ret void
}
define void @store_input(i64* %out, %struct.master* %m) {
  %pb = getelementptr %struct.master, %struct.master* %m, i64 0, i32 2
  store i8 1, i8* %pb
  ret void
}
!0 = !{i8 0, i8 2}
)");
  z3::context ctx;
  std::vector<checker::IrArg> args(3);
  args[0].words = {ctx.bv_const("out", 64)};
  args[1].input = "master";
  args[2].scalar = ctx.bv_const("flag", 1);
  checker::IrLoggedRun run = m.run_logged(ctx, "make", args, {});
  std::set<std::string> names;
  for (const auto &r : run.input_reads) names.insert(r.name);
  EXPECT_EQ(names, (std::set<std::string>{"master+0x0->dev+0x0", "master+0x8->-0x10", "master+0x10"}));
  ASSERT_EQ(run.assumptions.size(), 1u);
  // out = flag ? cfg : b, since f ^ f is 0; and b is 0 or 1.
  z3::expr out = run.arrays[0][0];
  z3::solver s(ctx);
  for (const auto &a : run.assumptions) s.add(a);
  s.add(args[2].scalar.value() == ctx.bv_val(0, 1) && z3::ugt(out, ctx.bv_val(static_cast<uint64_t>(1), 64)));
  EXPECT_EQ(s.check(), z3::unsat);
  args.pop_back();
  for (const auto &[fn, what] : {std::pair{"null_test", "comparison of a pointer to an input structure"},
                                 std::pair{"store_input", "store into an input structure"}}) {
    try {
      m.run_logged(ctx, fn, args, {});
      ADD_FAILURE() << "no UnsupportedIR for " << fn;
    } catch (const checker::UnsupportedIR &x) {
      EXPECT_NE(std::string(x.what()).find(what), std::string::npos) << x.what();
    }
  }
}

// With the tree's debug information, parameters are named by the C parameter
// and the members read: the make functions' own names, not offsets.
TEST(EntryImage, ParametersAreNamedByTheTreesDebugInformation) {
  const auto &k = smmu::testing::kernel("6.12");
  harness::DebugNames names = harness::debug_names(k.build(), "arm-smmu-v3");
  Images &im = images(k);
  checker::EntryImage named = checker::entry_image(*im.module, im.ctx, "arm_smmu_ste", "n", 8, &names);
  std::map<std::string, std::set<std::string>> params;
  for (const auto &m : named.makers)
    for (const auto &p : m.parameters) params[m.function].insert(p.name);
  std::string all;
  for (const auto &[fn, ps] : params)
    for (const auto &p : ps) all += fn + ": " + p + "\n";
  const auto &cdtable = params["arm_smmu_make_cdtable_ste"];
  for (const char *expected : {"ats_enabled", "s1dss", "master->smmu->features", "master->cd_table.s1fmt",
                               "master->cd_table.cdtab_dma", "master->stall_enabled"})
    EXPECT_TRUE(cdtable.count(expected)) << expected << " not among\n" << all;
  // container_of from the domain's page-table ops back to its io_pgtable.
  bool vttbr = false;
  for (const auto &p : params["arm_smmu_make_s2_domain_ste"])
    vttbr = vttbr || (p.find("container_of(smmu_domain->pgtbl_ops, io_pgtable).cfg.") == 0 &&
                      p.find("arm_lpae_s2_cfg.vttbr") != std::string::npos);
  EXPECT_TRUE(vttbr) << all;
}
