#include "used_dependence.h"

#include <unistd.h>
#include <z3++.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include <llvm/Support/xxhash.h>

#include "used_bits_ir.h"

namespace smmu::checker {
namespace {

// Can flipping bits of qword j inside `mask` change used? unknown counts as yes.
bool may_depend(z3::context &ctx, const std::vector<z3::expr> &x, const std::vector<z3::expr> &used,
                unsigned j, uint64_t mask, unsigned timeout_ms) {
  z3::expr d = ctx.bv_const("d", 64);
  z3::expr_vector from(ctx), to(ctx);
  for (unsigned i = 0; i < x.size(); ++i) {
    from.push_back(x[i]);
    to.push_back(i == j ? x[i] ^ d : x[i]);
  }
  z3::expr_vector differs(ctx);
  for (const z3::expr &u : used) differs.push_back(u != z3::expr(u).substitute(from, to));
  z3::solver s(ctx);
  z3::params p(ctx);
  p.set("timeout", timeout_ms);
  s.set(p);
  s.add((d & ctx.bv_val(~mask, 64)) == ctx.bv_val(static_cast<uint64_t>(0), 64));
  s.add(z3::mk_or(differs));
  return s.check() != z3::unsat;
}

UsedDependence derive(const EntrySemantics &sem, const std::string &function, unsigned timeout_ms) {
  UsedDependence out;
  if (sem.ir.empty()) {
    out.error = sem.ir_missing();
    return out;
  }
  try {
    IrModule module(sem.ir);
    z3::context ctx;
    std::vector<z3::expr> x;
    for (int i = 0; i < kEntryQwords; ++i) x.push_back(ctx.bv_const(("x" + std::to_string(i)).c_str(), 64));
    std::vector<z3::expr> used = symbolic_used_bits(module, ctx, function, x);
    // A qword first, then its bytes: most qwords hold no determining bit.
    for (unsigned j = 0; j < kEntryQwords; ++j) {
      if (!may_depend(ctx, x, used, j, ~0ull, timeout_ms)) continue;
      for (unsigned b = 0; b < 8; ++b) {
        uint64_t byte = 0xffull << (8 * b);
        if (may_depend(ctx, x, used, j, byte, timeout_ms)) out.bits[j] |= byte;
      }
    }
  } catch (const UnsupportedIR &e) {
    out.error = e.what();
  } catch (const z3::exception &e) {
    out.error = e.msg();
  }
  return out;
}

constexpr const char *kFileHeader = "smmu-check used-dependence v1";

std::string cache_file(const EntrySemantics &sem, const std::string &key) {
  if (sem.derived_cache.empty()) return "";
  char name[64];
  std::snprintf(name, sizeof name, "used-dependence-%016" PRIx64 ".txt", llvm::xxHash64(key));
  return (std::filesystem::path(sem.derived_cache) / name).string();
}

// A file that does not parse as written is ignored: the derivation runs again.
bool load(const std::string &file, UsedDependence &out) {
  std::ifstream in(file);
  std::string header;
  if (!in || !std::getline(in, header) || header != kFileHeader) return false;
  for (uint64_t &q : out.bits)
    if (!(in >> std::hex >> q)) return false;
  return true;
}

// Written to a temporary name and renamed: a concurrent reader (kernel --jobs)
// sees the whole file or none.
void store(const std::string &file, const UsedDependence &d) {
  std::string tmp = file + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp);
    out << kFileHeader << '\n' << std::hex;
    for (uint64_t q : d.bits) out << q << '\n';
    if (!out) return;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

UsedDependence derive_or_load(const EntrySemantics &sem, const std::string &fn, const std::string &key,
                              unsigned timeout_ms) {
  std::string file = cache_file(sem, key);
  UsedDependence d;
  if (!file.empty() && load(file, d)) return d;
  d = derive(sem, fn, timeout_ms);
  // Only a derivation that succeeded is kept; an error may not recur.
  if (!file.empty() && d.error.empty()) store(file, d);
  return d;
}

}  // namespace

UsedDependence used_dependence(const EntrySemantics &sem, harness::DescKind kind, unsigned timeout_ms) {
  static std::mutex lock;
  static std::map<std::string, UsedDependence> cache;
  const std::string &fn = kind == harness::DescKind::Cd ? sem.cd_used_symbol : sem.ste_used_symbol;
  // The IR by its hash and size: a key holding the IR itself was copied on every lookup.
  std::string key = fn + '\n' + std::to_string(timeout_ms) + '\n' + std::to_string(llvm::xxHash64(sem.ir)) + '\n' +
                    std::to_string(sem.ir.size());
  std::lock_guard<std::mutex> guard(lock);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, derive_or_load(sem, fn, key, timeout_ms)).first;
  return it->second;
}

}  // namespace smmu::checker
