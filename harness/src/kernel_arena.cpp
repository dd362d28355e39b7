#include "kernel_arena.h"

#include <sys/mman.h>

#include <cstdint>

namespace smmu::harness {
namespace {

// 32 TiB: above the 4 GiB that scenarios require of table addresses, inside
// the 48-bit output addresses they are written into, and clear of where
// Linux places the heap, libraries and stacks.
constexpr std::uintptr_t kBase = 0x200000000000ull;
constexpr std::size_t kSize = std::size_t(8) << 30;  // address space only (MAP_NORESERVE)

struct Region {
  char *base = nullptr;
  std::size_t used = 0;
  bool tried = false;
};

Region &region() {
  static Region r;
  if (!r.tried) {
    r.tried = true;
    void *p = mmap(reinterpret_cast<void *>(kBase), kSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == reinterpret_cast<void *>(kBase)) r.base = static_cast<char *>(p);
    else if (p != MAP_FAILED) munmap(p, kSize);  // an old kernel ignored the fixed address
  }
  return r;
}

}  // namespace

void *arena_alloc(std::size_t size, std::size_t align) {
  Region &r = region();
  if (!r.base) return nullptr;
  std::size_t start = (r.used + align - 1) / align * align;
  if (start + size > kSize) return nullptr;
  r.used = start + size;
  return r.base + start;
}

void arena_reset() {
  Region &r = region();
  if (!r.base || r.used == 0) return;
  madvise(r.base, r.used, MADV_DONTNEED);  // give the pages back; they read as zero again
  r.used = 0;
}

}  // namespace smmu::harness
