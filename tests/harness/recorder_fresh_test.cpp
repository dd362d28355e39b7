// The recorder reports a registered range as fresh memory (an Alloc event:
// the allocator's bytes, then its zeroing) whenever it is an allocation of
// this run that nothing has written yet, whatever was allocated in between.
#include <gtest/gtest.h>

#include "kshim_hooks.h"
#include "recorder.h"

using namespace smmu::harness;

namespace {

const Event *registration(const Trace &t, const void *p) {
  for (const Event &e : t.events)
    if ((e.kind == EventKind::Alloc || e.kind == EventKind::DescRegister) && e.addr == reinterpret_cast<uint64_t>(p))
      return &e;
  return nullptr;
}

}  // namespace

TEST(RecorderFresh, TableRegisteredAfterAnotherAllocationIsFresh) {
  Trace t;
  {
    RecordingScope scope(t);
    void *table = kshim_alloc(4096, 4096, 1, "case.c", 10);
    void *other = kshim_alloc(64, 64, 0, "case.c", 11);
    kshim_desc_register(table, 4096, KSHIM_DESC_PGTABLE, "table#");
    kshim_desc_register(other, 64, KSHIM_DESC_PGTABLE, "table#");
    kshim_free(other, "case.c", 20);
    kshim_free(table, "case.c", 21);
  }
  for (const char *which : {"table", "other"}) {
    SCOPED_TRACE(which);
    const Event *e = nullptr;
    for (const Event &x : t.events)
      if ((x.kind == EventKind::Alloc || x.kind == EventKind::DescRegister) &&
          t.descs[x.desc].name == (std::string(which) == "table" ? "table0" : "table1"))
        e = &x;
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->kind, EventKind::Alloc) << "allocated in this run, nothing written: fresh";
    EXPECT_EQ(e->loc.file, "case.c");
    EXPECT_EQ(e->loc.line, std::string(which) == "table" ? 10 : 11);
    EXPECT_EQ(e->zeroed, std::string(which) == "table");
  }
  release_kernel_allocations();
}

TEST(RecorderFresh, WrittenOrAlreadyReportedMemoryIsNotFresh) {
  Trace t;
  {
    RecordingScope scope(t);
    auto *written = static_cast<kshim_u64 *>(kshim_alloc(4096, 4096, 1, "case.c", 30));
    auto *later = static_cast<kshim_u64 *>(kshim_alloc(4096, 4096, 1, "case.c", 31));
    // Written before it is fetchable: its content is what the code made it, not the allocator's.
    kshim_store(written, 0x42, 8, KSHIM_STORE_ONCE, "case.c", 32);
    kshim_desc_register(written, 4096, KSHIM_DESC_PGTABLE, "table#");
    kshim_desc_register(later, 4096, KSHIM_DESC_PGTABLE, "table#");
    // Registered again after an unregister: its allocation was reported once already.
    kshim_desc_unregister(later);
    kshim_desc_register(later, 4096, KSHIM_DESC_PGTABLE, "table#");
    const Event *w = registration(t, written);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->kind, EventKind::DescRegister);
    EXPECT_EQ(w->before.at(0), 0x42u);
    int fresh = 0, known = 0;
    for (const Event &e : t.events)
      if (e.addr == reinterpret_cast<uint64_t>(later)) {
        fresh += e.kind == EventKind::Alloc;
        known += e.kind == EventKind::DescRegister;
      }
    EXPECT_EQ(fresh, 1);
    EXPECT_EQ(known, 1);
  }
  release_kernel_allocations();
}
